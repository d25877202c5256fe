import { describe, expect, it } from 'vitest';
import { AgentSpeech } from '../../src/call/agent-speech.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { LlmProvider } from '../../src/llm/reply-stream.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import { HoldingLines } from '../../src/tts/holding-lines.js';
import type { Synthesizer } from '../../src/tts/synthesizer.js';
import { settle } from './turn-harness.js';

describe('the goodbye survives a barge-in', () => {
  it('cannot be cleared once its audio is in the sink behind a tool-only reply', async () => {
    const clock = new ManualClock(0);
    const wire = { clears: 0 };
    const player = new OutboundPlayer({
      clock,
      sendMedia: () => {},
      sendMark: () => {},
      sendClear: () => {
        wire.clears++;
      },
    });
    // A reply that only calls the tool, and never quite finishes generating while we look.
    let finish: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const llm: LlmProvider = {
      async *streamReply() {
        yield { type: 'tool-call', call: { id: 'c1', name: 'complete_stage', arguments: {}, rawArguments: '{}' } };
        await held;
      },
    };
    const tts: Synthesizer = {
      async *synthesize(text) {
        yield Buffer.alloc(text.length * 80, 0x42);
      },
    };
    const logger = createLogger('silent');
    const speech = new AgentSpeech({
      sink: player,
      tts,
      llm,
      signal: new AbortController().signal,
      now: () => clock.now(),
      clock,
      logger,
      holdingLines: new HoldingLines(() => undefined, tts, logger),
      post: () => {},
    });
    speech.enqueue({ kind: 'reply', speechId: 's1', messages: [], tools: [] });
    const goodbye = speech.enqueue({ kind: 'say', speechId: 's2', text: 'Goodbye!', interruptible: false });
    // Let the goodbye's audio reach the sink (released once the reply has generated).
    goodbye.audio.release();
    await settle();
    expect(goodbye.audio.segments.length).toBeGreaterThan(0);
    // The head is the (interruptible) tool-only reply, but a clear would flush the goodbye too.
    expect(speech.canBeInterrupted).toBe(false);
    finish();
    await settle();
    expect(wire.clears).toBe(0);
  });
});
