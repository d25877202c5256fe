/**
 * RECORD_CALLS for the service: the `recording` option of startService. Each stream gets a
 * CallRecorder as its tap (folder `<rootDir>/<callId>`, where erasure and retention look), each
 * call's providers are wrapped to record into it, the greeting opening the call plays from the
 * cache is recorded as a tts line, and `finish()` (from onCallEnded, with the stored record)
 * writes the outcome and closes the fixture.
 */
import path from 'node:path';
import type { Providers } from '../call/call-factory.js';
import type { Clock } from '../lib/clock.js';
import type { MediaTap } from '../media/media-session.js';
import type { CallRecord } from '../store/call-record.js';
import { CallRecorder } from './call-recorder.js';
import { recordingLlmProvider, recordingSttProvider, recordingSynthesizer } from './recording-providers.js';

export interface CallRecordingOptions {
  /** Where fixture folders are made, e.g. `<DATA_DIR>/recordings`. */
  rootDir: string;
  /** The service clock. */
  clock: Clock;
  /** The TTS voice (the port does not say which), for the fixture's tts lines. */
  ttsModel: string;
  /** Secret values to cut from everything written (auth token, API keys). */
  secrets: readonly string[];
  /** The meta line's description. Default 'A recorded call.' */
  description?: string;
  /** Marks the fixtures as built, not recorded live (the fixture generator). Default false. */
  synthetic?: boolean;
}

export interface CallRecording {
  createTap(): MediaTap;
  wrapProviders(providers: Providers, context: { callId: string; tap?: MediaTap }): Providers;
  /** Records speech the call played from the greeting cache (never seen by the wrapped synthesizer). */
  prerenderedSpeech(callId: string, text: string, audio: Buffer): void;
  /** Writes the outcome (when the record is given) and closes the call's fixture; returns its folder. */
  finish(callId: string, record?: Pick<CallRecord, 'outcome' | 'stages' | 'transcript'>): Promise<string | undefined>;
}

export function createCallRecording(options: CallRecordingOptions): CallRecording {
  const byCall = new Map<string, CallRecorder>();
  return {
    createTap: () =>
      new CallRecorder({
        // Named by the call id alone: erasure and retention remove `<recordings>/<callId>`.
        dir: (start) => {
          const callId = start.customParameters.callId?.replace(/[^\w-]/g, '_');
          const stamp = new Date(options.clock.wallNow()).toISOString().replace(/[:.]/g, '-');
          return path.join(options.rootDir, callId ?? `call-${stamp}`);
        },
        clock: options.clock,
        description: options.description ?? 'A recorded call.',
        secrets: options.secrets,
        ...(options.synthetic ? { synthetic: true } : {}),
      }),
    wrapProviders(providers, { callId, tap }) {
      if (!(tap instanceof CallRecorder)) return providers;
      byCall.set(callId, tap);
      return {
        stt: recordingSttProvider(providers.stt, tap),
        llm: recordingLlmProvider(providers.llm, tap),
        tts: recordingSynthesizer(providers.tts, tap, { model: options.ttsModel, clock: options.clock }),
      };
    },
    prerenderedSpeech(callId, text, audio) {
      // A tts line like any other, rendered before the call (no request latency): a replay's
      // greeting cache asks the Deepgram fake for this text and gets this audio back.
      const recorder = byCall.get(callId);
      recorder?.tts({
        text,
        model: options.ttsModel,
        audio,
        startedAtMs: recorder.mediaNowMs(),
        firstByteMs: 0,
        totalMs: 0,
        aborted: false,
      });
    },
    async finish(callId, record) {
      const recorder = byCall.get(callId);
      if (!recorder) return undefined;
      byCall.delete(callId);
      if (record) {
        recorder.outcome({
          outcome: record.outcome ?? 'unknown',
          stages: record.stages.map((s) => s.name),
          transcript: record.transcript.map((line) => ({
            role: line.role,
            text: line.text,
            stage: line.stage ?? '',
            atMs: recorder.mediaMsAtWall(Date.parse(line.at)),
            interrupted: line.interrupted,
          })),
        });
      }
      await recorder.close();
      return recorder.dir;
    },
  };
}
