import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { isAppError } from '../src/lib/errors.js';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (isAppError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  throw new Error('loadConfig accepted a bad environment');
}

describe('configuration', () => {
  it('starts with no environment at all, on documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.deepgram.apiUrl).toBe('https://api.deepgram.com');
    expect(config.deepgram.ttsModel).toMatch(/^aura-2-.*-en$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.maxCalls).toBeGreaterThan(0);
    expect(Object.isFrozen(config.twilio)).toBe(true);
  });

  it('takes 50 calls a service process by default (what bench:load held in real time), so 50 per worker on PostgreSQL', () => {
    expect(loadConfig({}).maxCalls).toBe(50); // the embedded database: always one process
    expect(loadConfig({ WORKERS: '4' }).maxCalls).toBe(50);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', WORKERS: '2' }).maxCalls).toBe(100);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', WORKERS: '2', MAX_CALLS: '30' }).maxCalls).toBe(30);
  });

  it('records every call unless RECORD_AUDIO=0, and runs the built-in interview unless DEFAULT_TEMPLATE_ID names one', () => {
    expect(loadConfig({}).recordAudio).toBe(true);
    expect(loadConfig({ RECORD_AUDIO: '0' }).recordAudio).toBe(false);
    expect(loadConfig({}).defaultTemplateId).toBeUndefined();
    expect(loadConfig({ DEFAULT_TEMPLATE_ID: 'backend-go' }).defaultTemplateId).toBe('backend-go');
  });

  it('derives PUBLIC_URL from PORT and trims trailing slashes', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://x.fly.dev/' }).publicUrl).toBe('https://x.fly.dev');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ MAX_CALLS: '0' }, /^MAX_CALLS must be a whole number ≥ 1/],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL must start with http:\/\/ or https:\/\//],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL must be a URL/],
    [{ DEEPGRAM_API_URL: 'wss://x' }, /^DEEPGRAM_API_URL must start with http/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must start with postgres/],
    [{ TWILIO_PHONE_NUMBER: '555-0100' }, /^TWILIO_PHONE_NUMBER must be an E\.164 number/],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, /^TWILIO_ACCOUNT_SID must be/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ RESULTS_WEBHOOK_URL: 'https://hr.example.com/hook' }, /^RESULTS_WEBHOOK_SECRET is required/],
    [{ RECORD_CALLS: 'maybe' }, /^RECORD_CALLS must be 1 or 0/],
    [{ RECORD_AUDIO: 'off' }, /^RECORD_AUDIO must be 1 or 0/],
    [{ DEFAULT_TEMPLATE_ID: 'Backend Go' }, /^DEFAULT_TEMPLATE_ID must be a template id/],
  ])('rejects %o with one line naming the setting', (env, expected) => {
    const message = errorOf(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  it('never puts a secret value in its error', () => {
    const message = errorOf({ TWILIO_AUTH_TOKEN: 'sekrit-token', LOG_LEVEL: 'nope' });
    expect(message).not.toContain('sekrit');
  });
});
