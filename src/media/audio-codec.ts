import alawmulaw from 'alawmulaw';

/**
 * μ-law ↔ 16-bit PCM and the small amount of resampling the service needs (mixing the two
 * sides of a call into a WAV for people to listen to). Pure functions on Buffers.
 */
export const SAMPLE_RATE = 8000;
/** One Twilio frame: 20 ms of 8 kHz μ-law, one byte a sample. */
export const FRAME_BYTES = 160;
export const FRAME_MS = 20;
/** μ-law silence (the code for 0). */
export const MULAW_SILENCE = 0xff;

export function bytesToMs(bytes: number): number {
  return (bytes * 1000) / SAMPLE_RATE;
}

export function msToBytes(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

export function mulawToPcm16(mulaw: Buffer): Int16Array {
  return alawmulaw.mulaw.decode(mulaw);
}

/** Every μ-law code's 16-bit value, by code: a decode is one lookup a sample, no allocation. */
export const MULAW_VALUES: Int16Array = mulawToPcm16(Buffer.from(Array.from({ length: 256 }, (_, code) => code)));

export function pcm16ToMulaw(pcm: Int16Array): Buffer {
  return Buffer.from(alawmulaw.mulaw.encode(pcm));
}

/** Linear-interpolation resampler; adequate for speech going to or from 8 kHz telephony. */
export function resamplePcm16(pcm: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || pcm.length === 0) return pcm;
  const outLength = Math.max(1, Math.round((pcm.length * toRate) / fromRate));
  const out = new Int16Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const left = Math.floor(pos);
    const right = Math.min(left + 1, pcm.length - 1);
    const frac = pos - left;
    out[i] = Math.round((pcm[left] ?? 0) * (1 - frac) + (pcm[right] ?? 0) * frac);
  }
  return out;
}

/** Root-mean-square level of μ-law audio, 0..32767; a cheap voice-activity measure. */
export function mulawRms(mulaw: Buffer): number {
  if (mulaw.length === 0) return 0;
  const pcm = mulawToPcm16(mulaw);
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

/** Size of the canonical WAV header (RIFF, `fmt ` and `data` chunk headers), bytes. */
export const WAV_HEADER_BYTES = 44;

/** The header of a mono 16-bit PCM WAV whose data chunk holds `dataBytes` bytes. */
export function wavHeader(dataBytes: number, sampleRate = SAMPLE_RATE): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** A mono 16-bit PCM WAV file. */
export function encodeWav(pcm: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const dataBytes = pcm.length * 2;
  return Buffer.concat([wavHeader(dataBytes, sampleRate), Buffer.from(pcm.buffer, pcm.byteOffset, dataBytes)]);
}
