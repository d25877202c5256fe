/**
 * Writes a fixture folder as a call goes, without ever blocking the caller: every method
 * queues and returns at once; one write chain drains the queue to disk in batches (the folder
 * is created by the first drain). `close()` waits for everything and reports a write failure,
 * which never reaches the call itself.
 */
import { type FileHandle, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCodes } from '../lib/errors.js';
import { CALL_FILE, CALLER_AUDIO_FILE, type FixtureLine, serializeFixtureLine, TTS_DIR } from './fixture-format.js';

export class FixtureWriter {
  private pendingLines: string[] = [];
  private pendingAudio: Buffer[] = [];
  private callerBytes = 0;
  private ttsCount = 0;
  private work: Promise<void> = Promise.resolve();
  private drainQueued = false;
  private files: { lines: FileHandle; audio: FileHandle } | undefined;
  private failure: unknown;
  private closing: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  /** Bytes of caller audio queued so far (the next append's offset). */
  get callerAudioBytes(): number {
    return this.callerBytes;
  }

  writeLine(line: FixtureLine): void {
    if (this.closing) return;
    this.pendingLines.push(`${serializeFixtureLine(line)}\n`);
    this.scheduleDrain();
  }

  /** Appends caller audio; returns where it lands in caller.ulaw. */
  appendCallerAudio(bytes: Buffer): { offset: number; bytes: number } {
    const offset = this.callerBytes;
    if (this.closing) return { offset, bytes: 0 };
    this.callerBytes += bytes.length;
    this.pendingAudio.push(bytes);
    this.scheduleDrain();
    return { offset, bytes: bytes.length };
  }

  /** Stores one TTS audio file; returns its path relative to the folder (`tts/NNN.ulaw`). */
  writeTtsAudio(audio: Buffer): string {
    const relative = `${TTS_DIR}/${String(this.ttsCount++).padStart(3, '0')}.ulaw`;
    if (this.closing) return relative;
    this.chain(async () => {
      await this.ensureOpen();
      await writeFile(path.join(this.dir, relative), audio);
    });
    return relative;
  }

  /** Flushes everything queued and closes the files; rejects with RECORDING_FAILED if a write failed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.chain(() => this.drain());
      await this.work;
      await this.files?.lines.close().catch(() => {});
      await this.files?.audio.close().catch(() => {});
      if (this.failure !== undefined) {
        throw new AppError(ErrorCodes.RECORDING_FAILED, 'the call recording could not be written', {
          cause: this.failure,
        });
      }
    })();
    return this.closing;
  }

  private scheduleDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    this.chain(() => this.drain());
  }

  private chain(step: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await step();
      } catch (err) {
        this.failure = err;
      }
    });
  }

  private async drain(): Promise<void> {
    this.drainQueued = false;
    const lines = this.pendingLines.join('');
    const audio = Buffer.concat(this.pendingAudio);
    this.pendingLines = [];
    this.pendingAudio = [];
    const files = await this.ensureOpen();
    if (lines) await files.lines.write(lines);
    if (audio.length > 0) await files.audio.write(audio);
  }

  private async ensureOpen(): Promise<{ lines: FileHandle; audio: FileHandle }> {
    if (this.files) return this.files;
    await mkdir(path.join(this.dir, TTS_DIR), { recursive: true });
    const lines = await open(path.join(this.dir, CALL_FILE), 'w');
    const audio = await open(path.join(this.dir, CALLER_AUDIO_FILE), 'w');
    this.files = { lines, audio };
    return this.files;
  }
}
