import path from 'node:path';
import type { Clock } from '../lib/clock.js';
import type { MediaTap } from '../media/media-session.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStore } from '../store/recording-store.js';
import { AudioRecorder, type AudioRecorderOptions, type RecordedStreamStart } from './audio-recorder.js';

/**
 * RECORD_AUDIO for the service: every media stream gets an AudioRecorder writing
 * `<rootDir>/<callId>/audio.wav` (the folder erasure and retention remove), and the store learns
 * where the recording's offset 0 is and, at the end, its length. A recording problem is logged
 * and never reaches the call.
 */
export const RECORDING_FILE = 'audio.wav';

export interface AudioRecordingsOptions {
  /** Where call folders are, `<DATA_DIR>/recordings`. */
  rootDir: string;
  clock: Clock;
  logger: Logger;
  store: RecordingStore;
  /** Tuning passed to each recorder (defaults there). */
  recorder?: Pick<AudioRecorderOptions, 'lateToleranceMs' | 'writeEveryMs' | 'headerEveryMs'>;
  /**
   * A stream without our `callId` parameter (a TwiML Bin) is matched to its call by CallSid,
   * which the call registers as it starts: looked up this often, ms; default 500 …
   */
  lookupEveryMs?: number;
  /** … until this long after the stream started, ms; default 5000. Past it, nothing is recorded. */
  lookupForMs?: number;
}

/** The WAV of a call (it may not exist: not recorded, erased, or RECORD_AUDIO=0). */
export function recordingFile(rootDir: string, callId: string): string {
  return path.join(rootDir, safeName(callId), RECORDING_FILE);
}

/** Call ids are UUIDs; anything else is made safe for a folder name (never a path). */
function safeName(callId: string): string {
  return callId.replace(/[^\w-]/g, '_');
}

export class AudioRecordings {
  private readonly live = new Set<AudioRecorder>();
  private readonly finishing = new Set<Promise<unknown>>();

  constructor(private readonly options: AudioRecordingsOptions) {}

  /** A recorder for a new media stream. */
  createTap(): MediaTap {
    const { clock, logger, store } = this.options;
    let callId: Promise<string | undefined> = Promise.resolve(undefined);
    // The end is stored after the start (on a pool the two could otherwise cross).
    let started: Promise<unknown> = Promise.resolve();
    const recorder: AudioRecorder = new AudioRecorder({
      clock,
      ...this.options.recorder,
      fileFor: (start) => {
        this.live.add(recorder);
        callId = this.callIdFor(start);
        return callId.then((id) => (id === undefined ? undefined : recordingFile(this.options.rootDir, id)));
      },
      onStarted: (_start, startedAt) => {
        started = callId
          .then((id) => (id === undefined ? undefined : store.recordingStarted(id, startedAt)))
          .catch((err: unknown) => logger.warn({ err }, 'recording start could not be stored'));
      },
      onFinished: (result) => {
        this.live.delete(recorder);
        const done = Promise.all([callId, started])
          .then(async ([id]) => {
            if (id === undefined) return;
            if (result.error) {
              logger.warn({ callId: id, err: result.error }, 'call audio recording stopped early');
            } else {
              logger.info(
                { callId: id, durationMs: result.durationMs, droppedLateMs: result.droppedLateMs },
                'call audio recorded',
              );
            }
            await store.recordingFinished(id, result.durationMs, new Date(clock.wallNow()));
          })
          .catch((err: unknown) => logger.warn({ err }, 'recording end could not be stored'));
        this.finishing.add(done);
        void done.finally(() => this.finishing.delete(done));
      },
    });
    return recorder;
  }

  /** Ends the recordings still going (shutdown) and waits until every one is on disk and stored. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.live].map((recorder) => recorder.finish()));
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  private callIdFor(start: RecordedStreamStart): Promise<string | undefined> {
    const known = start.customParameters.callId;
    if (known !== undefined) return Promise.resolve(known);
    if (!start.callSid) return Promise.resolve(undefined);
    return this.lookUp(start.callSid);
  }

  private async lookUp(callSid: string): Promise<string | undefined> {
    const { clock, store, logger } = this.options;
    const every = this.options.lookupEveryMs ?? 500;
    const deadline = clock.now() + (this.options.lookupForMs ?? 5000);
    for (;;) {
      const id = await store.findCallId(callSid).catch(() => null);
      if (id !== null) return id;
      if (clock.now() + every > deadline) break;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, every));
    }
    logger.warn({ callSid }, 'stream matches no call: its audio is not recorded');
    return undefined;
  }
}
