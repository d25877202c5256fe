/**
 * A whole CallSession on in-process port fakes and a ManualClock, no sockets: the STT port hands
 * the test its event callback, the LLM answers one line, the TTS renders 10 ms a character, the
 * sink is a real OutboundPlayer whose marks a simulated Twilio echoes once played, and the record
 * writer notes each write (its flush can be held).
 */

import { CallSession } from '../../src/call/call-session.js';
import type { CallSummary } from '../../src/call/call-summary.js';
import { createDefinitionRegistry } from '../../src/interview/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { LlmProvider } from '../../src/llm/reply-stream.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { AudioPace, SttEvent, SttOpenOptions, SttProvider } from '../../src/stt/stt-stream.js';
import type { Synthesizer } from '../../src/tts/synthesizer.js';

export const AGENT_REPLY = 'Thank you, Sam.';

export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function sessionHarness(options: { holdFlush?: boolean } = {}) {
  const clock = new ManualClock();
  const definition = createDefinitionRegistry().get('default');
  const signals: { port: string; signal: AbortSignal }[] = [];
  let sttOptions: SttOpenOptions | undefined;
  /** The pace each frame of caller audio was handed to the STT at, in order. */
  const sttPaces: AudioPace[] = [];
  /** For each Finalize asked of the STT, how many frames of caller audio it had been handed by then. */
  const sttFinalizedAfter: number[] = [];
  const stt: SttProvider = {
    open(openOptions) {
      sttOptions = openOptions;
      return {
        sendAudio: (_mulaw, pace = 'live') => sttPaces.push(pace),
        finalize: () => sttFinalizedAfter.push(sttPaces.length),
        close: async () => {},
      };
    },
  };
  const llm: LlmProvider = {
    async *streamReply(request) {
      if (request.signal) signals.push({ port: 'llm', signal: request.signal });
      yield { type: 'text', text: AGENT_REPLY };
      yield { type: 'text-ended' };
    },
  };
  const ttsTexts: string[] = [];
  const tts: Synthesizer = {
    async *synthesize(text, synthOptions) {
      ttsTexts.push(text);
      if (synthOptions?.signal) signals.push({ port: 'tts', signal: synthOptions.signal });
      yield Buffer.alloc(text.length * 80, 0x42);
    },
  };
  let releaseFlush: () => void = () => {};
  const finished: string[] = [];
  const writer = {
    transcriptLine: () => {},
    stageStarted: () => {},
    stageEnded: () => {},
    setStage: () => {},
    latency: () => {},
    event: () => {},
    finish: (outcome: string) => finished.push(outcome),
    flush: () =>
      options.holdFlush
        ? new Promise<void>((resolve) => {
            releaseFlush = resolve;
          })
        : Promise.resolve(),
  };

  // Twilio's side: plays from the first frame at real time, echoes a mark once reached.
  let sentBytes = 0;
  let playStartMs: number | undefined;
  const pendingMarks: { name: string; atBytes: number }[] = [];
  let session: CallSession | undefined;
  const player = new OutboundPlayer({
    clock,
    sendMedia: (frame) => {
      playStartMs ??= clock.now();
      sentBytes += frame.length;
    },
    sendMark: (name) => pendingMarks.push({ name, atBytes: sentBytes }),
    sendClear: () => {
      for (const mark of pendingMarks.splice(0)) player.handleMarkEcho(mark.name);
    },
    onMarkPlayed: (mark) => session?.onMarkPlayed(mark),
  });

  const summaries: CallSummary[] = [];
  session = CallSession.start({
    clock,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    sink: { audio: player, mediaNowMs: () => clock.now(), hangUp: () => {} },
    stt,
    llm,
    tts,
    writer,
    definition,
    context: { role: 'Backend Engineer' },
    onEnded: (summary) => summaries.push(summary),
  });
  const call = session;

  return {
    clock,
    definition,
    session: call,
    signals,
    ttsTexts,
    finished,
    summaries,
    stt: () => sttOptions,
    sttPaces,
    sttFinalizedAfter,
    releaseFlush: () => releaseFlush(),
    hear: (event: SttEvent) => sttOptions?.onEvent(event),
    /** Advances `ms` (a multiple of 20) a frame at a time, echoing marks played, letting promises run. */
    async run(ms: number) {
      for (let t = 0; t < ms; t += 20) {
        clock.advance(20);
        const played = playStartMs === undefined ? 0 : (clock.now() - playStartMs) * 8;
        while (pendingMarks[0] && pendingMarks[0].atBytes <= played) player.handleMarkEcho(pendingMarks.shift()!.name);
        await settle();
      }
    },
  };
}

/** A transcript result of `words` ending `silenceMs` before its window ends, at media time `endS`. */
export function transcript(
  words: string[],
  endS: number,
  options: { isFinal: boolean; speechFinal: boolean; silenceMs: number },
): SttEvent {
  const lastEndS = endS - options.silenceMs / 1000;
  const startS = lastEndS - words.length * 0.3;
  return {
    type: 'transcript',
    isFinal: options.isFinal,
    speechFinal: options.speechFinal,
    text: words.join(' '),
    words: words.map((word, i) => ({
      word,
      startS: startS + i * 0.3,
      endS: startS + i * 0.3 + 0.25,
      confidence: 0.95,
    })),
    startS: startS - 0.2,
    durationS: endS - (startS - 0.2),
  };
}
