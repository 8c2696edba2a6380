import { applyDecorators, Controller, Get, HttpStatus, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, type AuthUser, ErrorEnvelopeDto } from '@app/core';
import type { MediaKind } from './content-sniff';
import { ImageQuery, MediaParams, MediaQuery, SingleImageParams, VideoItemParams } from './dto/media.dto';
import { MediaViewerGuard } from './media-viewer.guard';
import { type MediaRequest, MediaService } from './media.service';

type Viewed = FastifyRequest & { user?: AuthUser };

function mediaRequest(kind: MediaKind, id: string, n: number, query: ImageQuery, req: FastifyRequest): MediaRequest {
  return {
    kind,
    mjId: id,
    n,
    exp: query.exp,
    sig: query.sig,
    w: query.w,
    range: req.headers.range,
    ifNoneMatch: req.headers['if-none-match'],
  };
}

const ACCESS =
  'Open with a signed link (works in an `<img>` tag): the relay hands API clients durable ones (`?sig=…`), valid as long ' +
  "as the gateway keeps the media and until the task's or its owner's links are revoked; the console gets expiring ones " +
  "(`?exp=…&sig=…`). Or with the owner's or an admin's `Authorization: Bearer` token. Anything else, an unknown id " +
  'included, is the same 403.';

function ApiMedia(kind: MediaKind, summary: string) {
  const types = kind === 'image' ? ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] : ['video/mp4', 'video/webm'];
  return applyDecorators(
    ApiOperation({ summary, description: ACCESS }),
    ApiBearerAuth(),
    ApiSecurity('mj-api-secret'),
    ApiResponse({
      status: 200,
      description: `The ${kind}`,
      content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
    }),
    ...(kind === 'video' ? [ApiResponse({ status: 206, description: 'The requested byte range' })] : []),
    ApiResponse({ status: 304, description: 'Not modified (If-None-Match)' }),
    ApiErrors(
      HttpStatus.BAD_REQUEST,
      HttpStatus.FORBIDDEN,
      HttpStatus.NOT_FOUND,
      ...(kind === 'image' ? [HttpStatus.TOO_MANY_REQUESTS] : []),
    ),
    ...(kind === 'video' ? [ApiResponse({ status: 416, description: 'Range outside the file', type: ErrorEnvelopeDto })] : []),
    ApiResponse({
      status: 502,
      description: 'The upstream failed: unreachable, too slow, too large, or not an allowed media type',
      type: ErrorEnvelopeDto,
    }),
  );
}

/** `/mj/image/*` and `/mj/video/*`: a task's results, through the gateway. */
@ApiTags('media')
@Controller('mj')
@UseGuards(MediaViewerGuard)
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Get('image/:id')
  @ApiMedia('image', "A task's image (a preview while it runs)")
  getTaskImage(@Param() params: MediaParams, @Query() query: ImageQuery, @Req() req: Viewed, @Res() res: FastifyReply): Promise<void> {
    return this.media.send(mediaRequest('image', params.id, 0, query, req), req.user, res);
  }

  @Get('image/:id/:n')
  @ApiMedia('image', "One of the four single images of a task's grid")
  getTaskSingleImage(
    @Param() params: SingleImageParams,
    @Query() query: ImageQuery,
    @Req() req: Viewed,
    @Res() res: FastifyReply,
  ): Promise<void> {
    return this.media.send(mediaRequest('image', params.id, params.n, query, req), req.user, res);
  }

  @Get('video/:id')
  @ApiMedia('video', "A task's video")
  getTaskVideo(@Param() params: MediaParams, @Query() query: MediaQuery, @Req() req: Viewed, @Res() res: FastifyReply): Promise<void> {
    return this.media.send(mediaRequest('video', params.id, 0, query, req), req.user, res);
  }

  @Get('video/:id/:n')
  @ApiMedia('video', "One video of a task's `video_urls`")
  getTaskVideoItem(
    @Param() params: VideoItemParams,
    @Query() query: MediaQuery,
    @Req() req: Viewed,
    @Res() res: FastifyReply,
  ): Promise<void> {
    return this.media.send(mediaRequest('video', params.id, params.n, query, req), req.user, res);
  }
}
