/** Where the simulator serves a task's media; `base` is `http://<publicHost>`. */
export class MediaUrls {
  constructor(public base: string) {}

  preview(taskId: string, hash: string, step: number): string {
    return `${this.base}/sim/images/${taskId}/${hash}_grid_${step}.png`;
  }

  /** Like Discord's `<user>_<prompt-slug>_<uuid>.png`. */
  final(taskId: string, hash: string, prompt: string | null): string {
    const slug = (prompt ?? '')
      .toLowerCase()
      .replace(/--\S+(\s+\S+)?/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40);
    return `${this.base}/sim/images/${taskId}/sim_${slug ? `${slug}_` : ''}${hash}.png`;
  }

  /** One of the four single images of a v7 grid (0..3). */
  single(taskId: string, index: number): string {
    return `${this.base}/sim/images/${taskId}/0_${index}.png`;
  }

  /** An uploaded source image (describe, uploads). */
  upload(id: string): string {
    return `${this.base}/sim/images/${id}/${id}.png`;
  }

  video(taskId: string, index?: number): string {
    return `${this.base}/sim/videos/${taskId}${index === undefined ? '' : `_${index}`}.mp4`;
  }
}
