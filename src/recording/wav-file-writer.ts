import { type FileHandle, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCodes } from '../lib/errors.js';
import { SAMPLE_RATE, WAV_HEADER_BYTES, wavHeader } from '../media/audio-codec.js';

/**
 * Appends 16-bit PCM to a WAV file as a call goes, off the audio path: `append()` queues and
 * returns; one write chain puts everything queued since its last turn on disk in one `writev`.
 * The header's sizes are rewritten every `headerEveryBytes` and on `close()`, so a crash leaves
 * a playable file missing at most that much from its declared length (the recording route
 * computes the header from the file's size anyway). A write failure stops the recording, never
 * the call: `close()` reports it.
 */
export interface WavFileWriterOptions {
  /** The file to write (its folder is created), or a promise of it; undefined: record nothing. */
  file: string | Promise<string | undefined>;
  /** Rewrite the header after this much more data, bytes; default 80 000 (5 s at 8 kHz 16-bit). */
  headerEveryBytes?: number;
}

export interface WavFileResult {
  /** The file written, when there was one. */
  file: string | undefined;
  /** PCM bytes on disk after the header. */
  dataBytes: number;
  /** Why the recording stopped early, if it did (RECORDING_FAILED). */
  error?: AppError;
}

export class WavFileWriter {
  private pending: Buffer[] = [];
  private handle: FileHandle | undefined;
  private file: string | undefined;
  private dataBytes = 0;
  private headerAtBytes = 0;
  private work: Promise<void>;
  private draining = false;
  private failure: AppError | undefined;
  private closing: Promise<WavFileResult> | undefined;
  private readonly headerEveryBytes: number;

  constructor(options: WavFileWriterOptions) {
    this.headerEveryBytes = options.headerEveryBytes ?? 80_000;
    this.work = this.guard(async () => {
      this.file = await options.file;
      if (this.file === undefined) return;
      await mkdir(path.dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'w');
      await this.handle.write(wavHeader(0, SAMPLE_RATE), 0, WAV_HEADER_BYTES, 0);
    });
  }

  /** Queues PCM (16-bit little-endian mono); the buffer must not be changed afterwards. */
  append(pcm: Buffer): void {
    if (this.closing || this.failure || pcm.length === 0) return;
    this.pending.push(pcm);
    if (this.draining) return;
    this.draining = true;
    this.work = this.work.then(() => this.guard(() => this.drain()));
  }

  /** Resolves once everything appended so far is on disk (or was given up on). */
  written(): Promise<void> {
    return this.work;
  }

  /** Writes what is queued, the final header, and closes the file. Never rejects. */
  close(): Promise<WavFileResult> {
    this.closing ??= this.work
      .then(() => this.guard(() => this.drain()))
      .then(() =>
        this.guard(async () => {
          if (!this.handle) return;
          await this.writeHeader();
        }),
      )
      .then(async () => {
        await this.handle?.close().catch(() => undefined);
        this.handle = undefined;
        return { file: this.file, dataBytes: this.dataBytes, ...(this.failure ? { error: this.failure } : {}) };
      });
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.draining = false;
    const batch = this.pending;
    this.pending = [];
    if (!this.handle || batch.length === 0) return;
    const written = await this.handle.writev(batch, WAV_HEADER_BYTES + this.dataBytes);
    this.dataBytes += written.bytesWritten;
    if (this.dataBytes - this.headerAtBytes >= this.headerEveryBytes) await this.writeHeader();
  }

  private async writeHeader(): Promise<void> {
    if (!this.handle) return;
    await this.handle.write(wavHeader(this.dataBytes, SAMPLE_RATE), 0, WAV_HEADER_BYTES, 0);
    this.headerAtBytes = this.dataBytes;
  }

  /** Runs a step unless an earlier one failed; a failure is kept and everything after is skipped. */
  private async guard(step: () => Promise<void>): Promise<void> {
    if (this.failure) return;
    try {
      await step();
    } catch (err) {
      this.failure = new AppError(ErrorCodes.RECORDING_FAILED, 'call audio could not be written', { cause: err });
      this.pending = [];
    }
  }
}
