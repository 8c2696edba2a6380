import type { Task as ProtocolTask, TaskAction, TaskStatus } from '@app/mj-protocol';
import type { Task } from '@app/mj';

/** A stored task in the protocol's shape (fetch, list-by-condition): string id, epoch ms, null where empty. */
export function toProtocolTask(task: Task): ProtocolTask {
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
    imageUrl: task.imageUrl || null,
    progress: queued ? null : task.progress,
    failReason: task.failReason || null,
    properties: task.properties ?? {},
    buttons: task.buttons ?? [],
    imageUrls: (task.imageUrls ?? []).map((url) => ({ url })),
    videoUrl: task.videoUrl || null,
    videoUrls: (task.videoUrls ?? []).map((url) => ({ url })),
  };
}
