import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { isAppError } from '../src/lib/errors.js';

describe('the LLM fallback settings', () => {
  it('are off without OPENAI_FALLBACK_BASE_URL', () => {
    expect(loadConfig({}).openai.fallback).toBeUndefined();
  });

  it("take their own model and key, or the primary's", () => {
    const own = loadConfig({
      OPENAI_API_KEY: 'sk-1',
      OPENAI_MODEL: 'm1',
      OPENAI_FALLBACK_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_FALLBACK_MODEL: 'm2',
      OPENAI_FALLBACK_API_KEY: 'sk-2',
    });
    expect(own.openai.fallback).toEqual({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm2', apiKey: 'sk-2' });
    const inherited = loadConfig({
      OPENAI_API_KEY: 'sk-1',
      OPENAI_MODEL: 'm1',
      OPENAI_FALLBACK_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    expect(inherited.openai.fallback).toEqual({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm1', apiKey: 'sk-1' });
  });

  it('refuse a malformed fallback URL', () => {
    expect(() => loadConfig({ OPENAI_FALLBACK_BASE_URL: 'not a url' })).toThrow(/OPENAI_FALLBACK_BASE_URL/);
  });
});

describe('the TTS fallback voice settings', () => {
  const errorOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      if (isAppError(err, 'CONFIG_INVALID')) return err.message;
      throw err;
    }
    throw new Error('loadConfig accepted a bad environment');
  };

  it('are off without DEEPGRAM_TTS_FALLBACK_MODEL', () => {
    expect(loadConfig({}).deepgram.ttsFallback).toBeUndefined();
  });

  it("take the primary's Deepgram URL, or their own", () => {
    const shared = loadConfig({
      DEEPGRAM_API_URL: 'http://127.0.0.1:9',
      DEEPGRAM_TTS_FALLBACK_MODEL: 'aura-2-orion-en',
    });
    expect(shared.deepgram.ttsFallback).toEqual({ model: 'aura-2-orion-en', apiUrl: 'http://127.0.0.1:9' });
    const own = loadConfig({
      DEEPGRAM_TTS_FALLBACK_MODEL: ' aura-2-orion-en ',
      DEEPGRAM_TTS_FALLBACK_URL: 'https://tts.example.com/',
    });
    expect(own.deepgram.ttsFallback).toEqual({ model: 'aura-2-orion-en', apiUrl: 'https://tts.example.com' });
    expect(Object.isFrozen(own.deepgram.ttsFallback)).toBe(true);
    // The primary's voice is a fine fallback at another endpoint.
    const sameVoice = loadConfig({
      DEEPGRAM_TTS_FALLBACK_MODEL: 'aura-2-thalia-en',
      DEEPGRAM_TTS_FALLBACK_URL: 'http://127.0.0.1:9',
    });
    expect(sameVoice.deepgram.ttsFallback?.model).toBe('aura-2-thalia-en');
  });

  it.each([
    [
      { DEEPGRAM_TTS_FALLBACK_MODEL: 'aura-2-orion-en', DEEPGRAM_TTS_FALLBACK_URL: 'not a url' },
      /^DEEPGRAM_TTS_FALLBACK_URL must be a URL/,
    ],
    [
      { DEEPGRAM_TTS_FALLBACK_MODEL: 'aura-2-orion-en', DEEPGRAM_TTS_FALLBACK_URL: 'wss://api.deepgram.com' },
      /^DEEPGRAM_TTS_FALLBACK_URL must start with http:\/\/ or https:\/\//,
    ],
    [{ DEEPGRAM_TTS_FALLBACK_URL: 'https://tts.example.com' }, /^DEEPGRAM_TTS_FALLBACK_MODEL is required when/],
    [{ DEEPGRAM_TTS_FALLBACK_MODEL: 'nova-3' }, /^DEEPGRAM_TTS_FALLBACK_MODEL must be an Aura voice/],
    [
      { DEEPGRAM_TTS_FALLBACK_MODEL: 'aura-2-thalia-en' },
      /^DEEPGRAM_TTS_FALLBACK_MODEL must differ from DEEPGRAM_TTS_MODEL/,
    ],
  ])('rejects %o with one line naming the setting', (env, expected) => {
    const message = errorOf(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});
