/** `SubmitResultVO.code` values (identical in OSS and TA). */
export const ReturnCode = {
  SUCCESS: 1,
  NOT_FOUND: 3,
  VALIDATION_ERROR: 4,
  FAILURE: 9,
  /** PLUS/TA: a modal confirm is required (`/submit/modal`); OSS <= 2.5: task already exists. */
  EXISTED: 21,
  IN_QUEUE: 22,
  QUEUE_REJECTED: 23,
  BANNED_PROMPT: 24,
} as const;
export type ReturnCode = (typeof ReturnCode)[keyof typeof ReturnCode];

/** Codes after which the upstream has accepted a task (21 = accepted, waiting for the modal). */
export const ACCEPTED_RETURN_CODES: readonly number[] = [ReturnCode.SUCCESS, ReturnCode.IN_QUEUE];

/** The exact descriptions the upstream sends (Chinese, as on the wire). */
export const ReturnDescription = {
  SUBMITTED: '提交成功',
  SEED_FOUND: '成功',
  NO_ACCOUNT: '无可用的账号实例',
  PARENT_NOT_FOUND: '关联任务不存在或已失效',
  MODAL_WAITING: '窗口等待',
  QUEUE_FULL: '队列已满，请稍后尝试',
  BANNED_PROMPT: '可能包含敏感词',
  SYSTEM_ERROR: '提交失败，系统异常',
  /** TA's answer (code 9) when its queue is full. */
  TA_QUEUE_FULL: '提交失败，队列已满，请稍后重试',
} as const;

/** `排队中，前面还有N个任务` — the code 22 description. */
export function inQueueDescription(numberOfQueues: number): string {
  return `排队中，前面还有${numberOfQueues}个任务`;
}

/** Code 4 descriptions (OSS validation, plus the TA action check). */
export const ValidationMessage = {
  PROMPT_EMPTY: 'prompt不能为空',
  BASE64_FORMAT: 'base64格式错误',
  TASK_ID_EMPTY: 'taskId不能为空',
  ACTION_INVALID: 'action参数错误',
  PARENT_STATUS: '关联任务状态错误',
  PARENT_NOT_CHANGEABLE: '关联任务不允许执行变化',
  CONTENT_INVALID: 'content参数错误',
  BASE64_EMPTY: 'base64不能为空',
  BASE64_LIST: 'base64List参数错误',
  DIMENSIONS_INVALID: 'dimensions参数错误',
  UNKNOWN_ACTION: '未知的 Action 类型',
} as const;

/** Fail reasons the upstream writes on tasks it created itself. */
export const FailReason = {
  BANNED_PROMPT: '可能包含敏感词',
  TIMEOUT: '任务超时',
  CANCELLED: '取消任务',
} as const;
