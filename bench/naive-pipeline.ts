/**
 * The naive sequential pipeline the issue compares against, run on the same turns: stream the
 * caller's audio to Deepgram, wait for `speech_final` (or `UtteranceEnd` when none comes, as
 * Deepgram's docs advise), then the whole LLM reply (each request
 * our service made for the turn, a tool call's follow-up after the first), then the whole TTS
 * audio of what the agent said, and only then send. Same real adapters (DeepgramStt,
 * OpenAiLlm, DeepgramTts), same fakes, same provider latencies, same scripted words; the TTS
 * audio has its natural length here (the fake's 70 ms a character), since waiting for all of
 * it is the point.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { systemClock } from '../src/lib/clock.js';
import { OpenAiLlm } from '../src/llm/openai-llm.js';
import { fromWireMessage } from '../src/llm/openai-wire.js';
import type { ToolSpec } from '../src/llm/reply-stream.js';
import { createLogger } from '../src/observability/logger.js';
import { DeepgramStt } from '../src/stt/deepgram-stt.js';
import { DeepgramTts } from '../src/tts/deepgram-tts.js';
import { startDeepgramFake } from '../testing/fakes/deepgram-fake.js';
import { startOpenAiFake } from '../testing/fakes/openai-fake.js';
import { scriptedInterviewer } from '../testing/scripted-interviewer.js';
import { speak } from '../testing/scripted-partials.js';
import type { ProviderLatency } from './provider-latency.js';
import type { BaselineTurn } from './turn-analysis.js';

export interface NaiveTurnResult {
  key: string;
  /** speech_final came before the caller's last word: the naive pipeline answered a fragment. */
  premature: boolean;
  /** No speech_final or UtteranceEnd within 5 s of the last word. */
  timedOut?: boolean;
  /**
   * No speech_final came (the fake's long-speech final had taken the last words), so the turn
   * ended on UtteranceEnd, Deepgram's documented fallback: ~700 ms later than speech_final.
   */
  viaUtteranceEnd?: boolean;
  /** Last word end → speech_final arrived, ms. */
  commitDelayMs?: number;
  /** Last word end → all reply audio in hand, ready to send, ms. */
  voiceToVoiceMs?: number;
}

const FRAME_MS = 20;
const FRAME = Buffer.alloc(160, 0xff);
/** Where the first word starts in each naive turn's audio, s (as after a short silence on a call). */
const FIRST_WORD_S = 0.5;

/** Runs the naive pipeline on each turn, `concurrency` turns at a time. */
export async function runNaiveBaseline(
  turns: readonly BaselineTurn[],
  latency: ProviderLatency,
  concurrency: number,
): Promise<NaiveTurnResult[]> {
  const deepgram = await startDeepgramFake({
    apiKey: 'dg-bench',
    transcriptLatencyMs: latency.sttLatencyMs,
    speakFirstByteMs: latency.ttsFirstByteMs,
    silentFinalIntervalMs: 0,
  });
  const openai = await startOpenAiFake({
    apiKey: 'sk-bench',
    respond: scriptedInterviewer,
    firstTokenMs: latency.llmFirstTokenMs,
    tokenIntervalMs: latency.llmTokenIntervalMs,
  });
  const logger = createLogger('warn');
  const stt = new DeepgramStt({ apiKey: 'dg-bench', apiUrl: deepgram.url, logger, clock: systemClock });
  const llm = new OpenAiLlm({ apiKey: 'sk-bench', baseUrl: openai.baseUrl, model: 'gpt-4o-mini', logger });
  const tts = new DeepgramTts({
    apiKey: 'dg-bench',
    apiUrl: deepgram.url,
    model: 'aura-2-thalia-en',
    logger,
    clock: systemClock,
  });
  const results: NaiveTurnResult[] = [];
  // The fake hands scripts to listen sessions in connection order: open one session at a time.
  let opening: Promise<unknown> = Promise.resolve();
  const pipeline: Pipeline = {
    deepgram,
    stt,
    llm,
    tts,
    serialOpen: (fn) => {
      const next = opening.then(fn);
      opening = next.catch(() => {});
      return next;
    },
  };
  try {
    const queue = [...turns];
    const worker = async () => {
      for (let turn = queue.shift(); turn; turn = queue.shift()) {
        results.push(await naiveTurn(turn, pipeline));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await deepgram.close();
    await openai.close();
  }
  return results;
}

interface Pipeline {
  deepgram: Awaited<ReturnType<typeof startDeepgramFake>>;
  stt: DeepgramStt;
  llm: OpenAiLlm;
  tts: DeepgramTts;
  serialOpen: <T>(fn: () => Promise<T>) => Promise<T>;
}

async function naiveTurn(turn: BaselineTurn, p: Pipeline): Promise<NaiveTurnResult> {
  const words = speak(turn.segments, { startS: FIRST_WORD_S });
  const lastWordEndMs = Math.max(...words.map((w) => w.endS)) * 1000;
  let endOfSpeech: (signal: 'speech_final' | 'utterance_end') => void = () => {};
  const heardEnd = new Promise<'speech_final' | 'utterance_end'>((resolve) => (endOfSpeech = resolve));
  let finalText = '';
  const stream = await p.serialOpen(async () => {
    const sessionIndex = p.deepgram.listenSessions.length;
    p.deepgram.enqueueScript(words.map((w) => ({ word: w.word, startS: w.startS, endS: w.endS })));
    const opened = p.stt.open({
      onEvent: (event) => {
        if (event.type === 'transcript' && event.isFinal) finalText += event.text;
        if (!finalText.trim()) return;
        if (event.type === 'transcript' && event.speechFinal) endOfSpeech('speech_final');
        else if (event.type === 'utterance-end') endOfSpeech('utterance_end');
      },
      onError: () => {},
    });
    await p.deepgram.waitForListenSession(sessionIndex);
    return opened;
  });
  // Caller audio at real time: frame k (from 1) goes out at start + k × 20 ms, like Twilio's.
  const start = performance.now();
  let sent = 0;
  const pacer = setInterval(() => {
    while (start + (sent + 1) * FRAME_MS <= performance.now()) {
      stream.sendAudio(FRAME);
      sent++;
    }
  }, 5);
  const speechEndAt = start + lastWordEndMs;
  try {
    const gaveUp = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), lastWordEndMs + 5000));
    const signal = await Promise.race([heardEnd, gaveUp]);
    if (signal === 'timeout') return { key: turn.key, premature: false, timedOut: true };
    const committedAt = performance.now();
    if (committedAt < speechEndAt) return { key: turn.key, premature: true };
    const viaUtteranceEnd = signal === 'utterance_end';
    for (const body of turn.requests) {
      const messages = (body.messages as ChatCompletionMessageParam[]).map(fromWireMessage);
      for await (const _delta of p.llm.streamReply({ messages, tools: toolSpecs(body.tools) })) {
        // The whole reply before anything else.
      }
    }
    for await (const _chunk of p.tts.synthesize(turn.spokenText)) {
      // The whole audio before sending.
    }
    const readyAt = performance.now();
    return {
      key: turn.key,
      premature: false,
      ...(viaUtteranceEnd ? { viaUtteranceEnd } : {}),
      commitDelayMs: Math.round(committedAt - speechEndAt),
      voiceToVoiceMs: Math.round(readyAt - speechEndAt),
    };
  } finally {
    clearInterval(pacer);
    await stream.close();
  }
}

function toolSpecs(tools: unknown[] | undefined): ToolSpec[] {
  return (tools ?? []).flatMap((t) => {
    const fn = (t as { function?: { name?: string; description?: string; parameters?: Record<string, unknown> } })
      .function;
    return fn?.name ? [{ name: fn.name, description: fn.description ?? '', parameters: fn.parameters ?? {} }] : [];
  });
}
