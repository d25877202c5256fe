import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { Providers } from '../../src/call/call-factory.js';
import { ManualClock } from '../../src/lib/clock.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import { createLogger } from '../../src/observability/logger.js';
import { createCallRecording } from '../../src/recording/service-recording.js';
import { DeepgramStt } from '../../src/stt/deepgram-stt.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { readFixture } from '../../tools/replay/fixture-reader.js';
import { removeTempDirs, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);
let deepgram: DeepgramFake | undefined;
afterEach(async () => {
  await deepgram?.close();
  deepgram = undefined;
});

it('records each call into its own folder through the tap and the wrapped providers, and ends it with the outcome', async () => {
  const root = await tempDir();
  const clock = new ManualClock(0, Date.UTC(2026, 2, 1, 12, 0, 0));
  deepgram = await startDeepgramFake();
  const logger = createLogger('silent');
  const providers: Providers = {
    stt: new DeepgramStt({ apiKey: 'k', apiUrl: deepgram.url, logger, clock }),
    tts: new DeepgramTts({ apiKey: 'k', apiUrl: deepgram.url, model: 'aura-2-thalia-en', logger, clock }),
    llm: new OpenAiLlm({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1', model: 'small', clock }),
  };
  const recording = createCallRecording({ rootDir: root, clock, ttsModel: 'aura-2-thalia-en', secrets: ['k-secret'] });

  const tap = recording.createTap();
  tap.inbound(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }), clock.now());
  tap.inbound(
    JSON.stringify({
      event: 'start',
      streamSid: 'MZ1',
      start: { callSid: 'CA1', streamSid: 'MZ1', customParameters: { callId: 'abc' } },
    }),
    clock.now(),
  );
  const wrapped = recording.wrapProviders(providers, { callId: 'abc', tap });
  expect(wrapped.tts).not.toBe(providers.tts);
  for await (const _chunk of wrapped.tts.synthesize('Hello there.')) {
    // played
  }
  clock.advance(1500);
  const dir = await recording.finish('abc', {
    outcome: 'completed',
    stages: [{ name: 'greeting', startedAt: '2026-03-01T12:00:00.000Z', endedAt: null, endReason: null, notes: null }],
    transcript: [
      {
        role: 'agent',
        text: 'Hello there.',
        stage: 'greeting',
        at: '2026-03-01T12:00:01.500Z',
        interrupted: false,
        offsetMs: null,
        endOffsetMs: null,
      },
    ],
  });

  // Named by the call id, where erasure and retention remove a call's recording.
  expect(dir).toBe(path.join(root, 'abc'));
  const fixture = await readFixture(dir!);
  expect(fixture.tts.map((t) => t.line.text)).toEqual(['Hello there.']);
  expect(fixture.outcome).toMatchObject({
    outcome: 'completed',
    stages: ['greeting'],
    transcript: [{ role: 'agent', text: 'Hello there.', stage: 'greeting', atMs: 1500, interrupted: false }],
  });
  // A call without a recorder (recording off for it) is left alone.
  expect(recording.wrapProviders(providers, { callId: 'other' })).toBe(providers);
  expect(await recording.finish('other')).toBeUndefined();
});
