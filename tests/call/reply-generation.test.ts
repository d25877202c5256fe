import { describe, expect, it } from 'vitest';
import { ReplyAudio } from '../../src/call/reply-audio.js';
import { generateSpokenReply } from '../../src/call/reply-generation.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { LlmProvider, ReplyDelta } from '../../src/llm/reply-stream.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Synthesizer } from '../../src/tts/synthesizer.js';

/** An LLM port that yields a fixed sequence and reports how far the consumer had read. */
function scriptedLlm(deltas: ReplyDelta[], onYield: (i: number) => void): LlmProvider {
  return {
    async *streamReply() {
      for (const [i, delta] of deltas.entries()) {
        onYield(i);
        yield delta;
      }
    },
  };
}

describe('spoken reply generation', () => {
  it('speaks the last sentence as soon as the text ends, not after the tool call has streamed', async () => {
    const said: { text: string; atDelta: number }[] = [];
    let position = -1;
    const llm = scriptedLlm(
      [
        { type: 'text', text: 'Thank you, ' },
        { type: 'text', text: 'that is helpful.' },
        { type: 'text-ended' },
        {
          type: 'tool-call',
          call: { id: 'c1', name: 'complete_stage', arguments: {}, rawArguments: '{}' },
        },
        { type: 'done', finishReason: 'tool_calls' },
      ],
      (i) => {
        position = i;
      },
    );
    // The TTS port sees each chunk when it is asked for, with how far the LLM stream had got.
    const tts: Synthesizer = {
      async *synthesize(text) {
        said.push({ text, atDelta: position });
        yield Buffer.alloc(320, 0x10);
      },
    };
    const clock = new ManualClock();
    const player = new OutboundPlayer({ clock, sendMedia: () => {}, sendMark: () => {}, sendClear: () => {} });
    const signal = new AbortController().signal;
    const audio = new ReplyAudio({ tts, sink: player, signal, now: () => 0, logger: createLogger('silent') });
    const reply = await generateSpokenReply({ llm, request: { messages: [] }, audio, signal, now: () => 0 });
    // The opening clause goes out with its token; the last sentence when the text ends.
    expect(said).toEqual([
      { text: 'Thank you,', atDelta: 0 },
      { text: 'that is helpful.', atDelta: 2 },
    ]);
    expect(reply.toolCalls.map((c) => c.name)).toEqual(['complete_stage']);
    expect(reply.text).toBe('Thank you, that is helpful.');
  });
});
