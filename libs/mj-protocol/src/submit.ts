/** Answer of every `/submit/*` route. `result` is the task id on codes 1, 21 and 22, else usually null. */
export interface SubmitResultVO {
  code: number;
  description: string;
  result: string | null;
  properties: Record<string, unknown>;
}

/** `/submit/upload-discord-images` answers an array of image URLs in `result`. */
export interface UploadResultVO {
  code: number;
  description: string;
  result: string[] | null;
  properties?: Record<string, unknown>;
}

export const BotType = { MID_JOURNEY: 'MID_JOURNEY', NIJI_JOURNEY: 'NIJI_JOURNEY' } as const;
export type BotType = (typeof BotType)[keyof typeof BotType];

export const SpeedMode = { RELAX: 'RELAX', FAST: 'FAST', TURBO: 'TURBO' } as const;
export type SpeedMode = (typeof SpeedMode)[keyof typeof SpeedMode];

/** TA only. */
export interface AccountFilter {
  instanceId?: string;
  modes?: SpeedMode[];
  remix?: boolean;
  nijiRemix?: boolean;
  remixAutoConsidered?: boolean;
  remark?: string;
}

/** Fields common to every submit body (`BaseSubmitDTO`). */
export interface BaseSubmitRequest {
  state?: string;
  notifyHook?: string;
  accountFilter?: AccountFilter;
  botType?: BotType | 'mj' | 'niji';
}

export interface ImagineRequest extends BaseSubmitRequest {
  prompt: string;
  /** Data URLs (`data:image/png;base64,...`) of reference images. */
  base64Array?: string[];
  /** Deprecated single reference image. */
  base64?: string;
}

export interface ChangeRequest extends BaseSubmitRequest {
  taskId: string;
  action: 'UPSCALE' | 'VARIATION' | 'REROLL';
  /** 1..4, required for UPSCALE and VARIATION. */
  index?: number;
}

export interface SimpleChangeRequest extends BaseSubmitRequest {
  /** `"<taskId> U1..U4|V1..V4|R"` */
  content: string;
}

export interface DescribeRequest extends BaseSubmitRequest {
  base64?: string;
  /** TA */
  link?: string;
  /** TA */
  language?: string;
}

export const BlendDimensions = { PORTRAIT: 'PORTRAIT', SQUARE: 'SQUARE', LANDSCAPE: 'LANDSCAPE' } as const;
export type BlendDimensions = (typeof BlendDimensions)[keyof typeof BlendDimensions];

export interface BlendRequest extends BaseSubmitRequest {
  /** 2 to 5 data URLs. */
  base64Array: string[];
  dimensions?: BlendDimensions;
}

export interface ActionRequest extends BaseSubmitRequest {
  taskId: string;
  /** One of the parent task's `buttons[].customId`. */
  customId: string;
  enableRemix?: boolean;
  strong?: boolean;
  tools?: unknown[];
}

export interface ModalRequest extends BaseSubmitRequest {
  /** The MODAL task returned (code 21) by `/submit/action`. */
  taskId: string;
  prompt?: string;
  /** Vary (Region) mask: black background, white selection. */
  maskBase64?: string;
}

export interface ShortenRequest extends BaseSubmitRequest {
  prompt: string;
}

export interface VideoRequest extends BaseSubmitRequest {
  prompt?: string;
  motion?: 'low' | 'high';
  image?: string;
  endImage?: string;
  loop?: boolean;
  action?: 'extend';
  index?: number;
  taskId?: string;
  videoType?: 'vid_1.1_i2v_480' | 'vid_1.1_i2v_720' | string;
  batchSize?: 1 | 2 | 4;
}

export interface EditsRequest extends BaseSubmitRequest {
  prompt: string;
  /** URL or data URL. */
  image: string;
}

export interface UploadDiscordImagesRequest {
  base64Array: string[];
}

export interface SwapFaceRequest extends BaseSubmitRequest {
  sourceBase64?: string;
  sourceUrl?: string;
  targetBase64?: string;
  targetUrl?: string;
}

export interface ListByConditionRequest {
  ids?: string[] | null;
}
