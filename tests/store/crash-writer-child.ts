/**
 * Child process for the crash test: begins a call and writes transcript lines through a
 * CallWriter for ever, printing `stored <n>` once line n is committed. The test kills it with
 * SIGKILL part-way. Usage: tsx crash-writer-child.ts <dataDir> | tsx … --pg <url> <schema>
 */
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { CallWriter } from '../../src/store/call-writer.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';

const [, , first, url, schema] = process.argv;
const db =
  first === '--pg' && url && schema
    ? await openDatabase({ databaseUrl: url, schema, poolSize: 2 })
    : await openDatabase({ dataDir: first ?? '' });
const store = new PostgresCallStore({ db, clock: systemClock, defaultRole: 'Engineer' });
const call = await store.beginCall({
  callSid: 'CA-crash',
  direction: 'inbound',
  from: '+14155550123',
  to: '+14155550100',
});
const writer = new CallWriter({ store, callId: call.callId, clock: systemClock, logger: createLogger('silent') });
writer.stageStarted('greeting', new Date());
process.stdout.write(`call ${call.callId}\n`);
for (let n = 1; ; n++) {
  writer.transcriptLine({ role: n % 2 ? 'agent' : 'candidate', text: `line ${n}`, stage: 'greeting', at: new Date() });
  await writer.flush();
  process.stdout.write(`stored ${n}\n`);
}
