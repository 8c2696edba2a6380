/** Task status as midjourney-proxy serializes it (OSS values plus PLUS/TA `MODAL` and `CANCEL`). */
export const TaskStatus = {
  NOT_START: 'NOT_START',
  SUBMITTED: 'SUBMITTED',
  IN_PROGRESS: 'IN_PROGRESS',
  FAILURE: 'FAILURE',
  SUCCESS: 'SUCCESS',
  MODAL: 'MODAL',
  CANCEL: 'CANCEL',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = [TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.CANCEL];

export function isTerminalTaskStatus(status: string | null | undefined): boolean {
  return status === TaskStatus.SUCCESS || status === TaskStatus.FAILURE || status === TaskStatus.CANCEL;
}

/** OSS notify ordering (TA puts SUCCESS at 5 and MODAL/CANCEL at 0). */
export const TASK_STATUS_ORDER: Readonly<Record<TaskStatus, number>> = {
  NOT_START: 0,
  SUBMITTED: 1,
  IN_PROGRESS: 3,
  FAILURE: 4,
  SUCCESS: 4,
  MODAL: 0,
  CANCEL: 0,
};
