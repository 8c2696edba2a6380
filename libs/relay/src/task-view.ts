import { publicProperties, type Task as ProtocolTask, type TaskAction, type TaskStatus } from '@app/mj-protocol';
import type { QueuePlace, Task } from '@app/mj';
import type { MediaLinks } from '@app/proxy';

const storedLinks = (task: Task): MediaLinks => ({
  imageUrl: task.imageUrl,
  imageUrls: task.imageUrls ?? [],
  videoUrl: task.videoUrl,
  videoUrls: task.videoUrls ?? [],
});

/**
 * A stored task in the protocol's shape (fetch, list-by-condition): string id, epoch ms, null where empty (also the
 * media lists: a client draws `[]` as an empty grid), properties without the upstream's ids. `media`: the gateway's
 * signed links (the stored upstream URLs when not given).
 */
export function toProtocolTask(task: Task, media: MediaLinks = storedLinks(task), place?: QueuePlace): ProtocolTask {
  const queued = task.status === 'NOT_START' && !task.progress;
  return {
    id: task.mjId,
    action: task.action as TaskAction,
    status: task.status as TaskStatus,
    prompt: task.prompt,
    promptEn: task.promptEn || null,
    description: task.description || null,
    state: task.state || null,
    submitTime: task.submitTime,
    startTime: task.startTime || null,
    finishTime: task.finishTime || null,
    imageUrl: media.imageUrl || null,
    progress: queued ? null : task.progress,
    failReason: task.failReason || null,
    properties: { ...publicProperties(task.properties, task.promptEn || task.prompt), ...place },
    buttons: task.buttons ?? [],
    imageUrls: media.imageUrls.length ? media.imageUrls.map((url) => ({ url })) : null,
    videoUrl: media.videoUrl || null,
    videoUrls: media.videoUrls.length ? media.videoUrls.map((url) => ({ url })) : null,
    // TA's field: the speed mode, as its enum's name.
    mode: task.mode ? task.mode.toUpperCase() : null,
  };
}
