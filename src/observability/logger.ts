import pino, { type Logger } from 'pino';

/**
 * Transcripts and phone numbers are logged only under these keys; at info and above they are
 * redacted, at debug/trace they stay for a developer reading a local run.
 */
export const SENSITIVE_KEYS = ['from', 'to', 'phone', 'text', 'transcript', 'candidateName', 'authToken', 'apiKey'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const verbose = level === 'debug' || level === 'trace';
  const options: pino.LoggerOptions = {
    level,
    base: null,
    ...(verbose ? {} : { redact: { paths: SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`]), censor: maskValue } }),
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Phone numbers keep their last two digits so an operator can tell calls apart. */
export function maskPhone(value: string): string {
  return value.length <= 4 ? '***' : `${value.slice(0, 2)}***${value.slice(-2)}`;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string' && /^\+?\d{6,}$/.test(value)) return maskPhone(value);
  return '[redacted]';
}

export type { Logger };
