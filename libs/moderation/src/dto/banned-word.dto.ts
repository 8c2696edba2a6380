import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '@app/core';
import { type BannedWordRow, WORD_LISTS, type WordList } from '../banned-words.repository';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** What a cleared filter control sends means "no filter". */
const cleared = ({ value }: { value: unknown }) =>
  typeof value === 'string' && ['', 'nan', 'null', 'undefined'].includes(value.trim().toLowerCase()) ? undefined : value;

export class BannedWordDto {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'gore', description: 'A word or phrase, as the admin wrote it' })
  phrase: string;

  @ApiProperty({ enum: WORD_LISTS, example: 'banned', description: '`banned`, or `allowed`: an exception (a known false positive)' })
  list: WordList;

  @ApiProperty({
    example: true,
    description: 'Match whole words only (ignored at an end written in a script without spaces: Chinese, Japanese, Korean, Thai…)',
  })
  whole_word: boolean;

  @ApiProperty({ example: '', description: "The admin's note" })
  note: string;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  updated_at: number;
}

export function toBannedWordDto(row: BannedWordRow): BannedWordDto {
  return {
    id: row.id,
    phrase: row.phrase,
    list: row.list,
    whole_word: row.wholeWord,
    note: row.note,
    created_at: Math.floor(row.createdAt / 1000),
    updated_at: Math.floor(row.updatedAt / 1000),
  };
}

export class BannedWordPageDto extends PageOf(BannedWordDto) {}

export class ListBannedWordsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WORD_LISTS, description: 'Only this list' })
  @IsOptional()
  @Transform(cleared)
  @IsIn(WORD_LISTS, { message: 'list must be banned or allowed' })
  list?: WordList;

  @ApiPropertyOptional({ description: 'Phrases containing this text (case-insensitive)' })
  @IsOptional()
  @Transform(cleared)
  @IsString({ message: 'q must be a string' })
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;
}

export class CreateBannedWordDto {
  @ApiProperty({ example: 'gore' })
  @Transform(trim)
  @IsString({ message: 'phrase must be a string' })
  @Matches(/\S/, { message: 'phrase is required' })
  @MaxLength(200, { message: 'phrase must be at most 200 characters' })
  phrase: string;

  @ApiPropertyOptional({ enum: WORD_LISTS, default: 'banned' })
  @IsOptional()
  @IsIn(WORD_LISTS, { message: 'list must be banned or allowed' })
  list?: WordList;

  @ApiPropertyOptional({ default: true, description: 'Match whole words only' })
  @IsOptional()
  @IsBoolean({ message: 'whole_word must be true or false' })
  whole_word?: boolean;

  @ApiPropertyOptional({ example: '' })
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(200, { message: 'note must be at most 200 characters' })
  note?: string;
}

export class UpdateBannedWordDto {
  @ApiPropertyOptional({ example: 'gore' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'phrase must be a string' })
  @Matches(/\S/, { message: 'phrase must not be empty' })
  @MaxLength(200, { message: 'phrase must be at most 200 characters' })
  phrase?: string;

  @ApiPropertyOptional({ enum: WORD_LISTS })
  @IsOptional()
  @IsIn(WORD_LISTS, { message: 'list must be banned or allowed' })
  list?: WordList;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'whole_word must be true or false' })
  whole_word?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(200, { message: 'note must be at most 200 characters' })
  note?: string;
}

export class TestPromptDto {
  @ApiProperty({ example: 'a gore scene --ar 3:2' })
  @IsString({ message: 'prompt must be a string' })
  @MaxLength(8192, { message: 'prompt must be at most 8192 characters' })
  prompt: string;
}

export class PromptVerdictDto {
  @ApiProperty({ example: true, description: 'A submit with this prompt would be refused (code 24)' })
  banned: boolean;

  @ApiProperty({ example: 'gore', description: 'The banned phrase it matched; "" when none' })
  word: string;
}
