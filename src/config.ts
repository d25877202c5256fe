import os from 'node:os';
import path from 'node:path';
import { AppError, ErrorCodes } from './lib/errors.js';
import { omitUndefined } from './lib/omit-undefined.js';

/**
 * The only reader of process.env. Everything else receives a frozen Config.
 * A missing or malformed setting raises CONFIG_INVALID with one line naming it.
 */
/** A second OpenAI-compatible endpoint for when the first fails (OPENAI_FALLBACK_*). */
export interface OpenAiFallback {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/** A second Aura voice for when the first fails (DEEPGRAM_TTS_FALLBACK_*). */
export interface TtsFallback {
  model: string;
  /** Deepgram base URL for it; the primary's DEEPGRAM_API_URL unless set. */
  apiUrl: string;
}

export interface Config {
  port: number;
  /** Base URL Twilio reaches, without trailing slash; also the signature-check base. */
  publicUrl: string;
  twilio: { accountSid?: string; authToken?: string; phoneNumber?: string };
  deepgram: { apiKey?: string; apiUrl: string; ttsModel: string; sttModel: string; ttsFallback?: TtsFallback };
  openai: { apiKey?: string; baseUrl?: string; model: string; fallback?: OpenAiFallback };
  /** Bearer token for /api; unset means the recruiter API answers 401 to everyone. */
  apiKey?: string;
  databaseUrl?: string;
  dataDir: string;
  maxCalls: number;
  /** WORKERS: service processes on the port (node:cluster); default one per core. Embedded database: always 1. */
  workers: number;
  /** How long a voice webhook's place under MAX_CALLS waits for its media stream, ms. */
  admissionTimeoutMs: number;
  /** /api requests a minute per client address and per API key (0: no limit). */
  apiRateLimit: { perAddress: number; perKey: number };
  logLevel: string;
  /** How long SIGTERM waits for calls in progress before closing them, ms. */
  drainTimeoutMs: number;
  results: { webhookUrl?: string; webhookSecret?: string };
  /** Write every call as a replayable fixture under DATA_DIR/recordings. */
  recordCalls: boolean;
  /** RECORD_AUDIO: record every call's audio (both sides mixed) to DATA_DIR/recordings/<callId>; default on. */
  recordAudio: boolean;
  /** DEFAULT_TEMPLATE_ID: the interview template inbound calls run; unset means the built-in default. */
  defaultTemplateId?: string;
  /** Calls older than this are purged; 0 keeps them for ever. */
  retentionDays: number;
  /** Role used for inbound calls that match no pending interview. */
  defaultRole: string;
  /** End the call politely when the candidate presses 0. */
  dtmfZeroEndsCall: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const E164 = /^\+[1-9]\d{6,14}$/;
/** An interview definition's id (src/interview/definition.ts). */
const TEMPLATE_ID = /^[a-z][a-z0-9_-]*$/;

type Env = Record<string, string | undefined>;

function invalid(name: string, why: string): AppError {
  return new AppError(ErrorCodes.CONFIG_INVALID, `${name} ${why}`);
}

function readInt(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw invalid(name, `must be a whole number ≥ ${min}, got "${raw}"`);
  return Number(raw);
}

function readUrl(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(name, `must be a URL, got "${raw}"`);
  }
  if (!schemes.includes(url.protocol)) {
    throw invalid(name, `must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function readString(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function readFlag(env: Env, name: string, fallback = false): boolean {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw invalid(name, `must be 1 or 0, got "${raw}"`);
}

/**
 * Calls taken by default: 50 a service process (one on the embedded database, WORKERS with
 * DATABASE_URL). `bench:load` on a 2-core machine, callers' side on the same cores, kept agent
 * pacing p99 ≤ 20 ms with no underrun at 50 calls in one process and 100 in two; 200 in two did
 * not (README, "Capacity").
 */
export const CALLS_PER_PROCESS = 50;

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const port = readInt(env, 'PORT', 3000, 1);
  const publicUrl = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const phoneNumber = readString(env, 'TWILIO_PHONE_NUMBER');
  if (phoneNumber !== undefined && !E164.test(phoneNumber)) {
    throw invalid('TWILIO_PHONE_NUMBER', 'must be an E.164 number such as +14155550100');
  }
  const accountSid = readString(env, 'TWILIO_ACCOUNT_SID');
  if (accountSid !== undefined && !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw invalid('TWILIO_ACCOUNT_SID', 'must be "AC" followed by 32 hex digits');
  }
  const logLevel = readString(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const workers = readInt(env, 'WORKERS', os.availableParallelism(), 1);
  const webhookUrl = readUrl(env, 'RESULTS_WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = readString(env, 'RESULTS_WEBHOOK_SECRET');
  const defaultTemplateId = readString(env, 'DEFAULT_TEMPLATE_ID');
  if (defaultTemplateId !== undefined && !TEMPLATE_ID.test(defaultTemplateId)) {
    throw invalid('DEFAULT_TEMPLATE_ID', 'must be a template id: lowercase letters, digits, _ or -');
  }
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    throw invalid('RESULTS_WEBHOOK_SECRET', 'is required when RESULTS_WEBHOOK_URL is set');
  }

  const deepgramUrl = readUrl(env, 'DEEPGRAM_API_URL', ['http:', 'https:']) ?? 'https://api.deepgram.com';
  const ttsModel = readString(env, 'DEEPGRAM_TTS_MODEL') ?? 'aura-2-thalia-en';
  const config: Config = {
    port,
    publicUrl,
    twilio: omitUndefined({ accountSid, authToken: readString(env, 'TWILIO_AUTH_TOKEN'), phoneNumber }),
    deepgram: {
      ...omitUndefined({ apiKey: readString(env, 'DEEPGRAM_API_KEY') }),
      apiUrl: deepgramUrl,
      ttsModel,
      sttModel: readString(env, 'DEEPGRAM_STT_MODEL') ?? 'nova-3',
      ...readTtsFallback(env, { model: ttsModel, apiUrl: deepgramUrl }),
    },
    openai: {
      ...omitUndefined({
        apiKey: readString(env, 'OPENAI_API_KEY'),
        baseUrl: readUrl(env, 'OPENAI_BASE_URL', ['http:', 'https:']),
      }),
      model: readString(env, 'OPENAI_MODEL') ?? 'gpt-4o-mini',
      ...readOpenAiFallback(env),
    },
    ...omitUndefined({ apiKey: readString(env, 'API_KEY'), databaseUrl, defaultTemplateId }),
    dataDir: path.resolve(readString(env, 'DATA_DIR') ?? './data'),
    maxCalls: readInt(env, 'MAX_CALLS', CALLS_PER_PROCESS * (databaseUrl ? workers : 1), 1),
    workers,
    admissionTimeoutMs: readInt(env, 'ADMISSION_TIMEOUT_MS', 15_000, 1),
    apiRateLimit: {
      perAddress: readInt(env, 'API_RATE_LIMIT_PER_ADDRESS', 120, 0),
      perKey: readInt(env, 'API_RATE_LIMIT_PER_KEY', 600, 0),
    },
    logLevel,
    drainTimeoutMs: readInt(env, 'DRAIN_TIMEOUT_MS', 600_000, 0),
    results: omitUndefined({ webhookUrl, webhookSecret }),
    recordCalls: readFlag(env, 'RECORD_CALLS'),
    recordAudio: readFlag(env, 'RECORD_AUDIO', true),
    retentionDays: readInt(env, 'RETENTION_DAYS', 0, 0),
    defaultRole: readString(env, 'DEFAULT_ROLE') ?? 'Software Engineer',
    dtmfZeroEndsCall: readFlag(env, 'DTMF_ZERO_ENDS_CALL'),
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(obj: T): Readonly<T> {
  for (const value of Object.values(obj)) {
    if (value && typeof value === 'object') deepFreeze(value);
  }
  return Object.freeze(obj);
}

/** OPENAI_FALLBACK_BASE_URL turns the fallback on; its model and key default to the primary's. */
function readOpenAiFallback(env: Env): { fallback?: OpenAiFallback } {
  const baseUrl = readUrl(env, 'OPENAI_FALLBACK_BASE_URL', ['http:', 'https:']);
  if (!baseUrl) return {};
  const apiKey = readString(env, 'OPENAI_FALLBACK_API_KEY') ?? readString(env, 'OPENAI_API_KEY');
  const model = readString(env, 'OPENAI_FALLBACK_MODEL') ?? readString(env, 'OPENAI_MODEL') ?? 'gpt-4o-mini';
  return { fallback: { baseUrl, model, ...omitUndefined({ apiKey }) } };
}

/**
 * DEEPGRAM_TTS_FALLBACK_MODEL turns the second voice on. Its URL takes http(s) only, like
 * DEEPGRAM_API_URL: Aura's REST endpoint is fetched, and fetch cannot speak ws://.
 */
function readTtsFallback(env: Env, primary: TtsFallback): { ttsFallback?: TtsFallback } {
  const apiUrl = readUrl(env, 'DEEPGRAM_TTS_FALLBACK_URL', ['http:', 'https:']);
  const model = readString(env, 'DEEPGRAM_TTS_FALLBACK_MODEL');
  if (!model) {
    if (apiUrl) throw invalid('DEEPGRAM_TTS_FALLBACK_MODEL', 'is required when DEEPGRAM_TTS_FALLBACK_URL is set');
    return {};
  }
  if (!/^aura-[\w-]+$/.test(model)) {
    throw invalid('DEEPGRAM_TTS_FALLBACK_MODEL', `must be an Aura voice such as aura-2-orion-en, got "${model}"`);
  }
  const fallback = { model, apiUrl: apiUrl ?? primary.apiUrl };
  // The same voice at the same endpoint would fail exactly when the primary does.
  if (fallback.model === primary.model && fallback.apiUrl === primary.apiUrl) {
    throw invalid(
      'DEEPGRAM_TTS_FALLBACK_MODEL',
      'must differ from DEEPGRAM_TTS_MODEL unless DEEPGRAM_TTS_FALLBACK_URL does',
    );
  }
  return { ttsFallback: fallback };
}
