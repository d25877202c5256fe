/**
 * Every error the service raises carries a stable code (listed here, once), whether a retry
 * may help, and its cause. Callers branch on `code`, never on message text. docs/errors.md says,
 * for each code, what it means, where it arises and what the caller or recruiter sees.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  MEDIA_MESSAGE_INVALID: 'MEDIA_MESSAGE_INVALID',
  STT_CONNECT_FAILED: 'STT_CONNECT_FAILED',
  STT_STREAM_FAILED: 'STT_STREAM_FAILED',
  LLM_REQUEST_FAILED: 'LLM_REQUEST_FAILED',
  LLM_TIMEOUT: 'LLM_TIMEOUT',
  TTS_REQUEST_FAILED: 'TTS_REQUEST_FAILED',
  TTS_TIMEOUT: 'TTS_TIMEOUT',
  INTERVIEW_DEFINITION_INVALID: 'INTERVIEW_DEFINITION_INVALID',
  STORE_FAILED: 'STORE_FAILED',
  TWILIO_REQUEST_FAILED: 'TWILIO_REQUEST_FAILED',
  TWILIO_NOT_CONFIGURED: 'TWILIO_NOT_CONFIGURED',
  REPLAY_DIVERGED: 'REPLAY_DIVERGED',
  FIXTURE_INVALID: 'FIXTURE_INVALID',
  RECORDING_FAILED: 'RECORDING_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** True for the rejection an aborted operation produces; aborts are never reported as errors. */
export function isAbortError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'APIUserAbortError';
}
