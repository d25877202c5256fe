import { pipeline } from 'node:stream/promises';
import { type Request, type Response, Router } from 'express';
import type { Logger } from '../observability/logger.js';
import { recordingFile } from '../recording/audio-recordings.js';
import { openStoredWav, readStoredWav } from '../recording/stored-wav.js';
import { parseRange } from './byte-range.js';

export interface RecordingRouteDeps {
  /** The call id for an id or CallSid; null when there is no such call. */
  findCallId(idOrCallSid: string): Promise<string | null>;
  /** `<DATA_DIR>/recordings`. */
  recordingsDir: string;
  logger: Logger;
}

/**
 * GET /calls/:id/recording (mounted under the recruiter API's auth): the call's audio as
 * `audio/wav` (16-bit PCM, 8 kHz, mono), with single byte ranges (206, or 416 when
 * unsatisfiable) so a browser's <audio> element can seek; 404 when the call has no recording.
 * The router is exported on its own so another surface (the console) can mount it behind its
 * own sign-in.
 */
export function createRecordingRouter(deps: RecordingRouteDeps): Router {
  const router = Router();
  router.get('/calls/:id/recording', async (req: Request<{ id: string }>, res: Response) => {
    const callId = await deps.findCallId(req.params.id);
    const wav = callId === null ? null : await openStoredWav(recordingFile(deps.recordingsDir, callId));
    if (callId === null || wav === null) {
      res.status(404).json({ error: { code: 'not_found', message: 'this call has no recording', field: 'id' } });
      return;
    }
    res.set({
      'Accept-Ranges': 'bytes',
      // Personal data, and a call in progress is still growing: never kept by a cache.
      'Cache-Control': 'no-store',
      'Content-Disposition': `inline; filename="call-${callId}.wav"`,
    });
    const range = parseRange(req.header('range'), wav.size);
    let start = 0;
    let end = wav.size - 1;
    switch (range.kind) {
      case 'unsatisfiable':
        res.status(416).set('Content-Range', `bytes */${wav.size}`);
        res.json({
          error: { code: 'range_not_satisfiable', message: `the recording is ${wav.size} bytes`, field: 'Range' },
        });
        return;
      case 'partial':
        ({ start, end } = range);
        res.status(206).set('Content-Range', `bytes ${start}-${end}/${wav.size}`);
        break;
      case 'whole':
        res.status(200);
        break;
      default: {
        const unreachable: never = range;
        throw new Error(`unknown range ${JSON.stringify(unreachable)}`);
      }
    }
    res.type('audio/wav').set('Content-Length', String(end - start + 1));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(readStoredWav(wav, start, end), res);
    } catch (err) {
      // A listener seeking away closes the connection mid-body: that is not a failure.
      if (!res.destroyed) deps.logger.warn({ err, callId }, 'recording could not be served');
    }
  });
  return router;
}
