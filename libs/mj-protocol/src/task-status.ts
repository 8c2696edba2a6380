/**
 * Task status as midjourney-proxy serializes it (OSS values plus PLUS/TA `MODAL` and `CANCEL`), and as the gateway
 * stores and shows it: the one list of statuses.
 */
export const TaskStatus = {
  NOT_START: 'NOT_START',
  SUBMITTED: 'SUBMITTED',
  MODAL: 'MODAL',
  IN_PROGRESS: 'IN_PROGRESS',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  CANCEL: 'CANCEL',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TASK_STATUSES: readonly TaskStatus[] = Object.values(TaskStatus);

export type TerminalStatus = typeof TaskStatus.SUCCESS | typeof TaskStatus.FAILURE | typeof TaskStatus.CANCEL;

/** A task in one of these never changes again. */
export const TERMINAL_STATUSES: readonly TerminalStatus[] = [TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.CANCEL];

export function isTerminalTaskStatus(status: string | null | undefined): status is TerminalStatus {
  return status === TaskStatus.SUCCESS || status === TaskStatus.FAILURE || status === TaskStatus.CANCEL;
}
