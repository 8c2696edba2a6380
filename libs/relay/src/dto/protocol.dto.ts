import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Documentation of the midjourney-proxy wire format. The relay validates bodies itself, with the protocol's codes.

export class SubmitResultDto {
  @ApiProperty({ example: 1, description: '1 submitted, 21 modal required, 22 queued (accepted); 3, 4, 9, 23, 24 refused' })
  code: number;

  @ApiProperty({ example: '提交成功' })
  description: string;

  @ApiProperty({ example: '1712345678901234', nullable: true, description: 'The task id (upload-discord-images: an array of URLs)' })
  result: string | null;

  @ApiProperty({ example: {}, description: "The upstream's, without its account, channel and message ids" })
  properties: Record<string, unknown>;
}

export class RelayErrorDto extends SubmitResultDto {
  @ApiProperty({ example: false })
  success: false;

  @ApiProperty({ example: 'prompt is required' })
  message: string;
}

class BaseSubmitDto {
  @ApiPropertyOptional({ example: 'u42', description: 'Echoed back in the task (at most 255 characters)' })
  state?: string;

  @ApiPropertyOptional({
    description: 'Callback URL: the gateway POSTs the task (as fetch answers it) on every change, signed (see README, Callbacks)',
  })
  notifyHook?: string;

  @ApiPropertyOptional({ enum: ['MID_JOURNEY', 'NIJI_JOURNEY'] })
  botType?: string;
}

export class ImagineDto extends BaseSubmitDto {
  @ApiProperty({ example: 'a red fox in snow --ar 3:2 --v 6' })
  prompt: string;

  @ApiPropertyOptional({ type: [String], description: 'Reference images as data URLs (each at most RELAY_IMAGE_LIMIT_MB)' })
  base64Array?: string[];
}

export class ChangeDto extends BaseSubmitDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '1712345678901234', description: 'A string or a number' })
  taskId: string | number;

  @ApiProperty({ enum: ['UPSCALE', 'VARIATION', 'REROLL'] })
  action: string;

  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: 4, description: 'Required for UPSCALE and VARIATION' })
  index?: number;
}

export class SimpleChangeDto extends BaseSubmitDto {
  @ApiProperty({ example: '1712345678901234 U1', description: '"<taskId> U1..U4|V1..V4|R"' })
  content: string;
}

export class ActionDto extends BaseSubmitDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], example: '1712345678901234', description: 'A string or a number' })
  taskId: string | number;

  @ApiProperty({ example: 'MJ::JOB::upsample::1::3dbbd469-36af-4a0f-8f02-df6c579e7011', description: "One of the task's buttons" })
  customId: string;
}

export class ModalDto extends BaseSubmitDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    example: '1712345690000999',
    description: 'The MODAL task an action answered with code 21 (a string or a number)',
  })
  taskId: string | number;

  @ApiPropertyOptional({ example: 'a red fox in snow --zoom 1.5' })
  prompt?: string;

  @ApiPropertyOptional({ description: 'Vary (Region) mask as a data URL' })
  maskBase64?: string;
}

export class DescribeDto extends BaseSubmitDto {
  @ApiPropertyOptional({ example: 'data:image/png;base64,iVBORw0KGgo…' })
  base64?: string;

  @ApiPropertyOptional({ example: 'https://example.com/cat.png' })
  link?: string;
}

export class BlendDto extends BaseSubmitDto {
  @ApiProperty({ type: [String], description: '2 to 5 data URLs' })
  base64Array: string[];

  @ApiPropertyOptional({ enum: ['PORTRAIT', 'SQUARE', 'LANDSCAPE'] })
  dimensions?: string;
}

export class ShortenDto extends BaseSubmitDto {
  @ApiProperty({ example: 'a very long prompt …' })
  prompt: string;
}

export class VideoDto extends BaseSubmitDto {
  @ApiPropertyOptional({ example: 'a fox running through snow' })
  prompt?: string;

  @ApiPropertyOptional({ enum: ['low', 'high'] })
  motion?: string;

  @ApiPropertyOptional({ description: 'Start image: URL or data URL' })
  image?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    description: 'A finished task to animate or extend (a string or a number)',
  })
  taskId?: string | number;
}

export class EditsDto extends BaseSubmitDto {
  @ApiProperty({ example: 'make it night' })
  prompt: string;

  @ApiProperty({ description: 'URL or data URL' })
  image: string;
}

export class UploadDto {
  @ApiProperty({ type: [String], description: 'Data URLs' })
  base64Array: string[];
}

export class SwapFaceDto {
  @ApiPropertyOptional({ description: 'Data URL of the face' })
  sourceBase64?: string;

  @ApiPropertyOptional({ description: 'Data URL of the picture to put it on' })
  targetBase64?: string;
}

export class ListByConditionDto {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['1712345678901234'],
    description: 'At most RELAY_MAX_IDS (500) ids, strings or numbers; unknown ids are left out',
  })
  ids: (string | number)[];
}

export class ButtonDto {
  @ApiProperty({ example: 'MJ::JOB::upsample::1::3dbbd469-36af-4a0f-8f02-df6c579e7011' })
  customId: string;

  @ApiProperty({ example: '' })
  emoji: string;

  @ApiProperty({ example: 'U1' })
  label: string;

  @ApiProperty({ example: 2 })
  type: number;

  @ApiProperty({ example: 2 })
  style: number;
}

class MediaDto {
  @ApiProperty()
  url: string;
}

export class ProtocolTaskDto {
  @ApiProperty({ example: '1712345678901234' })
  id: string;

  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ example: 'SUCCESS' })
  status: string;

  @ApiProperty({ example: 'a red fox in snow' })
  prompt: string;

  @ApiProperty({ nullable: true, type: String })
  promptEn: string | null;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ nullable: true, type: String })
  state: string | null;

  @ApiProperty({ example: 1712345678901, description: 'Epoch ms' })
  submitTime: number;

  @ApiProperty({ nullable: true, type: Number })
  startTime: number | null;

  @ApiProperty({ nullable: true, type: Number })
  finishTime: number | null;

  @ApiProperty({ nullable: true, type: String })
  imageUrl: string | null;

  @ApiProperty({ nullable: true, type: String, example: '100%' })
  progress: string | null;

  @ApiProperty({ nullable: true, type: String })
  failReason: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { finalPrompt: 'a red fox in snow', finalZhPrompt: '' },
    description:
      "finalPrompt and finalZhPrompt are always strings; the upstream's account, channel and message ids are left out. " +
      'A task waiting in the gateway queue also carries queuePosition (1-based) and estimatedStartTime (Unix ms).',
  })
  properties: Record<string, unknown>;

  @ApiProperty({ type: [ButtonDto] })
  buttons: ButtonDto[];

  @ApiProperty({ type: [MediaDto], nullable: true, description: 'The four single images of a grid, when known; null when none' })
  imageUrls: MediaDto[] | null;

  @ApiProperty({ nullable: true, type: String })
  videoUrl: string | null;

  @ApiProperty({ type: [MediaDto], nullable: true, description: 'null when none' })
  videoUrls: MediaDto[] | null;
}

export class ImageSeedDto {
  @ApiProperty({ example: 1 })
  code: number;

  @ApiProperty({ example: '成功' })
  description: string;

  @ApiProperty({ example: '636646138' })
  result: string;
}

export class CancelResultDto extends SubmitResultDto {
  @ApiProperty({ type: () => ProtocolTaskDto, description: 'The cancelled task (status CANCEL)' })
  task: ProtocolTaskDto;
}
