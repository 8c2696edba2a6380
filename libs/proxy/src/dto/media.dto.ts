import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toInteger } from '@app/core';
import { THUMBNAIL_MAX_WIDTH, THUMBNAIL_MIN_WIDTH, THUMBNAIL_WIDTHS } from '../thumbnails';

export const MAX_VIDEOS = 16;
/** Single images of a task: the four of a grid, or up to this many uploaded images (upload-discord-images). */
export const MAX_IMAGES = 16;

export class MediaParams {
  @ApiProperty({ description: 'Upstream task id (`mj_id`)', example: '1712345678901234' })
  @IsString()
  @Matches(/^[\w.-]{1,64}$/, { message: 'id must be an upstream task id (letters, digits, _ . -)' })
  id: string;
}

export class SingleImageParams extends MediaParams {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_IMAGES,
    description: 'Which single image of the grid (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right), or of an upload',
  })
  @Transform(toInteger)
  @IsInt({ message: `n must be an integer from 1 to ${MAX_IMAGES}` })
  @Min(1, { message: `n must be an integer from 1 to ${MAX_IMAGES}` })
  @Max(MAX_IMAGES, { message: `n must be an integer from 1 to ${MAX_IMAGES}` })
  n: number;
}

export class VideoItemParams extends MediaParams {
  @ApiProperty({ type: 'integer', description: "Which video of the task's `video_urls`, from 1", minimum: 1, maximum: MAX_VIDEOS })
  @Transform(toInteger)
  @IsInt({ message: `n must be an integer from 1 to ${MAX_VIDEOS}` })
  @Min(1, { message: `n must be an integer from 1 to ${MAX_VIDEOS}` })
  @Max(MAX_VIDEOS, { message: `n must be an integer from 1 to ${MAX_VIDEOS}` })
  n: number;
}

/** The signed part of a media link, as the task lists hand it out. */
export class MediaQuery {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Expiry of an expiring signed link (Unix seconds); absent in durable links',
    example: 1764147600,
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'exp must be an integer (Unix seconds)' })
  exp?: number;

  @ApiPropertyOptional({ description: 'Signature of a signed link', example: '3q2-7wXyZabcdEFGH0123_' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'sig is not a media link signature' })
  sig?: string;

  @ApiPropertyOptional({ description: 'Cache-busting version of a preview (ignored by the server)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  v?: string;
}

export class ImageQuery extends MediaQuery {
  @ApiPropertyOptional({
    type: 'integer',
    description:
      `Answer a WebP thumbnail (${THUMBNAIL_MIN_WIDTH}-${THUMBNAIL_MAX_WIDTH}), made at the next of ${THUMBNAIL_WIDTHS.join(', ')} pixels ` +
      'wide at or above it (never enlarged); thumbnails made are limited per user (429 with Retry-After)',
    minimum: THUMBNAIL_MIN_WIDTH,
    maximum: THUMBNAIL_MAX_WIDTH,
    example: 256,
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: `w must be an integer from ${THUMBNAIL_MIN_WIDTH} to ${THUMBNAIL_MAX_WIDTH}` })
  @Min(THUMBNAIL_MIN_WIDTH, { message: `w must be an integer from ${THUMBNAIL_MIN_WIDTH} to ${THUMBNAIL_MAX_WIDTH}` })
  @Max(THUMBNAIL_MAX_WIDTH, { message: `w must be an integer from ${THUMBNAIL_MIN_WIDTH} to ${THUMBNAIL_MAX_WIDTH}` })
  w?: number;
}
