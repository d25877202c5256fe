import { describe, expect, it } from 'vitest';
import { RECORD_FLUSH_TIMEOUT_MS } from '../../src/call/call-session.js';
import { sessionHarness, settle } from './session-harness.js';

describe('the end of a call', () => {
  it('aborts the call’s signal: the STT stream’s and every request in flight stop with it', async () => {
    const call = sessionHarness();
    await settle();
    // The greeting is being synthesised (TTS requests in flight).
    expect(call.signals.map((s) => s.port)).toContain('tts');
    const sttSignal = call.stt()?.signal;
    expect(sttSignal?.aborted).toBe(false);
    call.session.onStreamEnded('stop');
    expect(sttSignal?.aborted).toBe(true);
    expect(call.signals.every((s) => s.signal.aborted)).toBe(true);
    expect(call.finished).toEqual(['caller_hung_up']);
  });

  it('waits for the record writer before telling anyone, but never longer than RECORD_FLUSH_TIMEOUT_MS', async () => {
    const call = sessionHarness({ holdFlush: true });
    await settle();
    call.session.onStreamEnded('stop');
    await settle();
    expect(call.summaries).toEqual([]);
    call.clock.advance(RECORD_FLUSH_TIMEOUT_MS - 1);
    await settle();
    expect(call.summaries).toEqual([]);
    call.clock.advance(1);
    await call.session.closed;
    expect(call.summaries.map((s) => s.outcome)).toEqual(['caller_hung_up']);
  });

  it('tells its summary as soon as the writer has stored everything', async () => {
    const call = sessionHarness({ holdFlush: true });
    await settle();
    call.session.onStreamEnded('server-shutdown');
    await settle();
    expect(call.summaries).toEqual([]);
    call.releaseFlush();
    await call.session.closed;
    expect(call.summaries.map((s) => s.outcome)).toEqual(['failed']);
    expect(call.finished).toEqual(['failed']);
  });
});
