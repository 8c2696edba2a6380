import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors, Authenticated, IdParam } from '@app/core';
import { BannedWords } from './banned-words.service';
import {
  BannedWordDto,
  BannedWordPageDto,
  CreateBannedWordDto,
  ListBannedWordsQuery,
  PromptVerdictDto,
  TestPromptDto,
  UpdateBannedWordDto,
} from './dto/banned-word.dto';

@ApiTags('banned-words')
@Controller('api/banned-words')
@Authenticated({ admin: true })
export class BannedWordsController {
  constructor(private readonly words: BannedWords) {}

  @Get()
  @ApiOperation({ summary: 'List banned words and allowed exceptions (admin)' })
  @ApiEnvelope(BannedWordPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listBannedWords(@Query() query: ListBannedWordsQuery): Promise<BannedWordPageDto> {
    return this.words.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Ban a word or phrase, or allow an exception (admin); applies at once on every instance' })
  @ApiEnvelope(BannedWordDto, { status: HttpStatus.CREATED })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.CONFLICT)
  createBannedWord(@Body() dto: CreateBannedWordDto): Promise<BannedWordDto> {
    return this.words.create(dto);
  }

  @Post('test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Would a submit with this prompt be refused? (admin)' })
  @ApiEnvelope(PromptVerdictDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  testBannedWords(@Body() dto: TestPromptDto): Promise<PromptVerdictDto> {
    return this.words.test(dto.prompt);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a banned word or exception (admin)' })
  @ApiEnvelope(BannedWordDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  getBannedWord(@Param() params: IdParam): Promise<BannedWordDto> {
    return this.words.get(params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a banned word or exception (admin)' })
  @ApiEnvelope(BannedWordDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  updateBannedWord(@Param() params: IdParam, @Body() dto: UpdateBannedWordDto): Promise<BannedWordDto> {
    return this.words.update(params.id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Remove a banned word or exception (admin)' })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  deleteBannedWord(@Param() params: IdParam): Promise<void> {
    return this.words.remove(params.id);
  }
}
