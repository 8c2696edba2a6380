/** What serving and copying media need of a task. */
export interface MediaTask {
  id: number;
  userId: number;
  mjId: string;
  status: string;
  action: string;
  progress: string;
  imageUrl: string;
  imageUrls: string[];
  videoUrl: string;
  videoUrls: string[];
  /**
   * What durable links are signed over: the task's link epoch plus its owner's. Revoking links bumps one of them;
   * null when the owner is gone (no durable link works then).
   */
  linkEpoch: number | null;
}

/**
 * The task reads the media library needs, answered by the task row's owner (`libs/mj`'s TaskStore). Declared here
 * because the arrow runs the other way: the task lists hand out media links, so `mj` depends on `proxy`.
 */
export abstract class TaskMediaSource {
  /** Every task with this upstream id (several channels may reuse one), newest first. */
  abstract findMediaByUpstreamId(mjId: string, limit: number): Promise<MediaTask[]>;

  abstract findMedia(taskId: number): Promise<MediaTask | null>;
}
