import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { SAMPLE_RATE, WAV_HEADER_BYTES, wavHeader } from '../media/audio-codec.js';

/**
 * A recording as served: the header is made from the file's size when it is read, so a call
 * still being recorded, or one whose process died before the last header rewrite, is served
 * with its true length (whole 16-bit samples only).
 */
export interface StoredWav {
  file: string;
  /** Bytes served: header plus whole samples on disk. */
  size: number;
  /** Length of the audio, ms. */
  durationMs: number;
  header: Buffer;
}

/** The recording at `file`, or null when there is none. */
export async function openStoredWav(file: string): Promise<StoredWav | null> {
  let bytes: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return null;
    bytes = info.size;
  } catch {
    return null;
  }
  const dataBytes = Math.max(0, bytes - WAV_HEADER_BYTES) & ~1;
  return {
    file,
    size: WAV_HEADER_BYTES + dataBytes,
    durationMs: dataBytes / 2 / (SAMPLE_RATE / 1000),
    header: wavHeader(dataBytes, SAMPLE_RATE),
  };
}

/** Bytes `start`..`end` (inclusive) of the served file: the computed header, then the samples on disk. */
export function readStoredWav(wav: StoredWav, start: number, end: number): Readable {
  const out = new PassThrough();
  if (start < WAV_HEADER_BYTES) out.write(wav.header.subarray(start, Math.min(end + 1, WAV_HEADER_BYTES)));
  if (end < WAV_HEADER_BYTES) {
    out.end();
    return out;
  }
  const samples = createReadStream(wav.file, { start: Math.max(start, WAV_HEADER_BYTES), end });
  samples.on('error', (err) => out.destroy(err));
  samples.pipe(out);
  return out;
}
