import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, type AuthUser, RawResponse, requestOrigin } from '@app/core';
import {
  ActionDto,
  BlendDto,
  ChangeDto,
  DescribeDto,
  EditsDto,
  ImagineDto,
  ModalDto,
  RelayErrorDto,
  ShortenDto,
  SimpleChangeDto,
  SubmitResultDto,
  SwapFaceDto,
  UploadDto,
  VideoDto,
} from './dto/protocol.dto';
import { RelayService } from './relay.service';
import type { FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import type { RelayContext } from './relay.service';
import type { SpeedModeRequest } from './speed-mode';

type RelayRequest = FastifyRequest<{ Body: unknown }, Server, SpeedModeRequest>;

const contextOf = (req: RelayRequest): RelayContext => ({ mode: req.raw.speedMode, baseUrl: requestOrigin(req) });

const MODES = 'Also under /mj-fast, /mj-relax and /mj-turbo (the prompt gets that speed flag).';

/** Documents a submit route: protocol body, SubmitResultVO answer, refusals in both shapes. */
function SubmitRoute(summary: string, body: new () => unknown) {
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    HttpCode(HttpStatus.OK)(target, key, descriptor);
    ApiOperation({ summary, description: `midjourney-proxy protocol; authenticate with an sk-… key. ${MODES}` })(target, key, descriptor);
    ApiBody({ type: body })(target, key, descriptor);
    ApiResponse({ status: 200, type: SubmitResultDto, description: "The upstream's answer, as it gave it" })(target, key, descriptor);
    for (const status of [400, 402, 404, 413, 502, 503]) {
      ApiResponse({ status, type: RelayErrorDto, description: 'Refused by the gateway (envelope and protocol fields)' })(
        target,
        key,
        descriptor,
      );
    }
  };
}

/** The relay's submit routes: what midjourney-proxy clients call, with an API key instead of the upstream secret. */
@ApiTags('relay')
@Controller('mj')
@Authenticated({ apiKey: true })
@RawResponse()
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Post('submit/imagine')
  @SubmitRoute('Imagine: a prompt (and reference images) → a 2×2 grid', ImagineDto)
  submitImagine(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'imagine', body, contextOf(req));
  }

  @Post('submit/change')
  @SubmitRoute('U/V/reroll on a finished task (OSS form)', ChangeDto)
  submitChange(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'change', body, contextOf(req));
  }

  @Post('submit/simple-change')
  @SubmitRoute('U/V/reroll as "<taskId> U1" (OSS form)', SimpleChangeDto)
  submitSimpleChange(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'simple-change', body, contextOf(req));
  }

  @Post('submit/action')
  @SubmitRoute('Press a button of a finished task (PLUS form)', ActionDto)
  submitAction(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'action', body, contextOf(req));
  }

  @Post('submit/modal')
  @SubmitRoute('Confirm a MODAL task (custom zoom, vary region, remix)', ModalDto)
  submitModal(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'modal', body, contextOf(req));
  }

  @Post('submit/describe')
  @SubmitRoute('Four prompts for an image', DescribeDto)
  submitDescribe(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'describe', body, contextOf(req));
  }

  @Post('submit/blend')
  @SubmitRoute('Blend 2 to 5 images', BlendDto)
  submitBlend(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'blend', body, contextOf(req));
  }

  @Post('submit/shorten')
  @SubmitRoute('Analyse and shorten a prompt', ShortenDto)
  submitShorten(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'shorten', body, contextOf(req));
  }

  @Post('submit/video')
  @SubmitRoute('A video from a prompt, an image or a finished task', VideoDto)
  submitVideo(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'video', body, contextOf(req));
  }

  @Post('submit/edits')
  @SubmitRoute('Edit an image with a prompt', EditsDto)
  submitEdits(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'edits', body, contextOf(req));
  }

  @Post('submit/upload-discord-images')
  @SubmitRoute('Upload images; answers their URLs', UploadDto)
  submitUpload(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'upload-discord-images', body, contextOf(req));
  }

  @Post('insight-face/swap')
  @SubmitRoute('Swap a face onto a picture', SwapFaceDto)
  submitSwapFace(@Auth() auth: AuthUser, @Body() body: unknown, @Req() req: RelayRequest): Promise<unknown> {
    return this.relay.submit(auth, 'swap-face', body, contextOf(req));
  }
}
