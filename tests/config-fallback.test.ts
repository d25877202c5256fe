import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

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
