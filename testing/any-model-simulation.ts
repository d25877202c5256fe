/**
 * Whole calls under any model behaviour × any caller behaviour, many at once on one manual clock:
 * the real service, store, SDKs and protocol fakes (call-simulator.ts), a batch of calls sharing
 * one model behaviour (the chat fake serves them all), each caller answering when the agent has
 * finished and it has waited its own patience. `checkRun` lists every broken interview invariant.
 */
import { STAGE_NAMES } from '../src/interview/definition.js';
import { defaultDefinition } from '../src/interview/registry.js';
import { ManualClock } from '../src/lib/clock.js';
import type { CallRecord } from '../src/store/call-record.js';
import { type SimCall, startSimulation } from './call-simulator.js';
import { type ModelBehaviour, modelReply } from './model-behaviours.js';
import { SeededRandom } from './seeded-random.js';

export const CALLER_BEHAVIOURS = ['fluent', 'one_word', 'silent', 'leaves_early', 'asks_repeat'] as const;
export type CallerBehaviour = (typeof CALLER_BEHAVIOURS)[number];

export interface RunSpec {
  model: ModelBehaviour;
  caller: CallerBehaviour;
  seed: number;
}

export interface RunResult {
  spec: RunSpec;
  record: CallRecord | null;
  /** Clock ms: the call was dialled, the service closed the socket (undefined: never). */
  dialledAtMs: number;
  closedAtMs: number | undefined;
  closeCode: number | undefined;
  lastMark: { atMs: number; cleared: boolean } | undefined;
}

export function describeRun(spec: RunSpec): string {
  return `model=${spec.model} caller=${spec.caller} seed=${spec.seed}`;
}

const SENTENCES = [
  'I am a backend engineer at a logistics company, working on routing services.',
  'I have built payment systems for about five years, mostly in TypeScript and Go.',
  'In my last role I led a small team that owned the billing pipeline.',
  'We moved our nightly batch jobs to a streaming pipeline last year.',
  'I designed the matching service myself and wrote most of its code and tests.',
  'Delivery times dropped by twelve percent, and we measured it over a quarter.',
  'I like that the team owns its services end to end and ships often.',
  'The hardest part was migrating the old data without any downtime.',
];
const ONE_WORD = ['Yes.', 'Python.', 'Payments.', 'Sure.', 'No.', 'Four.'];
const CONFIRM = 'Yes, this is Sam, and now is a good time for me.';
const MAX_ANSWERS = 40;

/** One candidate: decides what to say next, and says it once the agent has finished. */
class SimCaller {
  private readonly rng: SeededRandom;
  private readonly patienceMs: number;
  private answers = 0;
  private heardAtLastTurn = 0;
  private speakingUntilMs = 0;
  private readonly leaveAfter: number;

  constructor(
    readonly spec: RunSpec,
    readonly call: SimCall,
  ) {
    this.rng = new SeededRandom(spec.seed * 7919 + CALLER_BEHAVIOURS.indexOf(spec.caller));
    this.patienceMs = this.rng.int(600, 1200);
    this.leaveAfter = this.rng.int(1, 6);
  }

  tick(nowMs: number): void {
    const { phone } = this.call;
    if (phone.closeCode !== undefined || this.answers >= MAX_ANSWERS) return;
    if (phone.mediaNowMs() < this.speakingUntilMs + 200) return;
    if (phone.heardBytes === this.heardAtLastTurn || phone.bufferedMs > 0) return;
    const last = phone.heard.at(-1);
    if (!last || nowMs - last.atMs < this.patienceMs) return;
    this.heardAtLastTurn = phone.heardBytes;
    const line = this.nextLine();
    if (line === undefined) return;
    this.answers += 1;
    this.speakingUntilMs = this.call.say(line).endMs;
  }

  private fluent(): string {
    const n = this.rng.int(1, 2);
    return Array.from({ length: n }, () => this.rng.pick(SENTENCES)).join(' ');
  }

  private nextLine(): string | undefined {
    const first = this.answers === 0;
    switch (this.spec.caller) {
      case 'fluent':
        return first ? CONFIRM : this.fluent();
      case 'one_word':
        return first ? 'Yes.' : this.rng.pick(ONE_WORD);
      case 'silent':
        return undefined;
      case 'leaves_early':
        if (this.answers > this.leaveAfter) return undefined;
        if (this.answers === this.leaveAfter) return 'Sorry, I have to go now.';
        return first ? CONFIRM : this.fluent();
      case 'asks_repeat':
        if (first) return CONFIRM;
        return this.answers % 2 === 1 && this.answers < 12 ? 'Sorry, could you repeat the question?' : this.fluent();
    }
  }
}

/** Fast speech on the fake TTS (30 ms a character) keeps calls short in clock time. */
function fastSpeech(text: string): Buffer {
  return Buffer.alloc(Math.max(160, Math.round(text.length * 0.03 * 8000)), 0xff);
}

/** Runs `specs` (all of one model behaviour) as concurrent calls until every call is over. */
export async function runBatch(
  model: ModelBehaviour,
  specs: readonly RunSpec[],
  // 100 ms steps: latencies quantised to a step, five times fewer turns of the event loop than 20 ms.
  stepMs = Number(process.env.SIM_STEP_MS ?? 100),
): Promise<RunResult[]> {
  // The simulation's own manual clock: with it the fake TTS delivers audio at once, as the
  // clock-stepping loop below needs (real-time TTS pacing would starve playback on a fast clock).
  const sim = await startSimulation({
    respond: (request) => modelReply(model, request),
    ttsAudioFor: fastSpeech,
    env: { MAX_CALLS: String(specs.length + 10), RECORD_AUDIO: '0', LOG_LEVEL: 'warn' },
    logLevel: process.env.SIM_LOG_LEVEL ?? 'warn',
  });
  const clock = sim.clock;
  if (!(clock instanceof ManualClock)) throw new Error('the simulation must run on a ManualClock');
  try {
    const callers: SimCaller[] = [];
    const dialledAt: number[] = [];
    for (const spec of specs) {
      dialledAt.push(clock.now());
      callers.push(new SimCaller(spec, await sim.dial({ from: `+1415555${String(1000 + callers.length)}` })));
    }
    const closedAt: (number | undefined)[] = specs.map(() => undefined);
    const limitMs = clock.now() + defaultDefinition.maxCallMs + 60_000;
    for (let step = 0; clock.now() < limitMs; step++) {
      clock.advance(stepMs);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (step % Math.max(1, Math.round(100 / stepMs)) !== 0) continue;
      callers.forEach((caller, i) => {
        if (closedAt[i] === undefined && caller.call.phone.closeCode !== undefined) closedAt[i] = clock.now();
        caller.tick(clock.now());
      });
      if (callers.every((c) => c.call.summary() !== undefined)) break;
    }
    // The service closed the sockets; let the phones see it.
    for (
      let i = 0;
      i < 100 && callers.some((c, j) => closedAt[j] === undefined && c.call.phone.closeCode === undefined);
      i++
    ) {
      clock.advance(stepMs);
      await new Promise((resolve) => setTimeout(resolve, 1));
      callers.forEach((c, j) => {
        if (closedAt[j] === undefined && c.call.phone.closeCode !== undefined) closedAt[j] = clock.now();
      });
    }
    const results: RunResult[] = [];
    for (const [i, caller] of callers.entries()) {
      const phone = caller.call.phone;
      if (process.env.SIM_PHONE) {
        console.log(
          describeRun(caller.spec),
          'marks',
          JSON.stringify(phone.marksEchoed.slice(-4)),
          'clears',
          phone.clears.slice(-3),
          'last received',
          phone.received.at(-1)?.atMs,
          'closedAt',
          closedAt[i],
        );
      }
      results.push({
        spec: caller.spec,
        record: await caller.call.record(),
        dialledAtMs: dialledAt[i] ?? 0,
        closedAtMs: closedAt[i],
        closeCode: phone.closeCode,
        lastMark: phone.marksEchoed.at(-1),
      });
    }
    if (process.env.SIM_LOGS) for (const line of sim.logs.lines) console.log(JSON.stringify(line).slice(0, 400));
    return results;
  } finally {
    await sim.close();
  }
}

function key(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Reasons that end a call before `closing` is over, so later stages are rightly never entered. */
const CALL_ENDING = ['candidate_left', 'no_response', 'call_limit', 'caller_hung_up', 'error', 'server_shutdown'];

/** Every interview invariant the run broke, in words (empty: none). */
export function checkRun(run: RunResult, maxCallMs = defaultDefinition.maxCallMs): string[] {
  const out: string[] = [];
  const r = run.record;
  if (!r) return ['no record'];
  const names = r.stages.map((s) => s.name);
  if (names.join() !== STAGE_NAMES.slice(0, names.length).join()) out.push(`stages out of order: ${names.join()}`);
  if (r.stage !== 'ended' || !r.outcome || !r.endedAt) out.push(`interview not ended: ${r.stage}/${r.outcome}`);
  for (const s of r.stages) if (!s.endedAt || !s.endReason) out.push(`stage ${s.name} has no end or reason`);
  const lastReason = r.stages.at(-1)?.endReason ?? '';
  if (names.length < STAGE_NAMES.length && !CALL_ENDING.includes(lastReason)) {
    out.push(`stopped after ${names.at(-1)} (${lastReason}) without a reason that ends the call`);
  }
  for (const stage of defaultDefinition.stages) {
    const first = stage.questions[0];
    const answered = r.transcript.some((l) => l.role === 'candidate' && l.stage === stage.name);
    const agentSaid = r.transcript.filter((l) => l.role === 'agent' && l.stage === stage.name).map((l) => key(l.text));
    const notes = r.stages.find((s) => s.name === stage.name)?.notes as { firstQuestionNotAsked?: string } | undefined;
    if (first && answered && !agentSaid.some((t) => t.includes(key(first.text))) && !notes?.firstQuestionNotAsked) {
      out.push(`stage ${stage.name} answered but its first question never asked, and no reason recorded`);
    }
  }
  const agent = r.transcript.filter((l) => l.role === 'agent');
  const goodbyes = agent.filter((l) => /good ?bye/i.test(l.text));
  if (goodbyes.length !== 1) out.push(`${goodbyes.length} goodbyes`);
  else if (agent.at(-1) !== goodbyes[0]) out.push('the agent spoke after its goodbye');
  for (let i = 1; i < agent.length; i++) {
    if (key(agent[i]?.text ?? '') === key(agent[i - 1]?.text ?? '')) out.push(`agent repeated: "${agent[i]?.text}"`);
  }
  if (run.closedAtMs === undefined || run.closeCode !== 1000) out.push(`service did not hang up (${run.closeCode})`);
  else {
    if (!run.lastMark || run.lastMark.cleared) out.push('the goodbye was not heard to its last mark');
    else if (run.closedAtMs - run.lastMark.atMs > 2000)
      out.push(`hung up ${run.closedAtMs - run.lastMark.atMs} ms after the goodbye`);
    if (run.closedAtMs - run.dialledAtMs > maxCallMs) out.push(`call lasted ${run.closedAtMs - run.dialledAtMs} ms`);
  }
  return out;
}

/** Seeds `from`…`to` × every caller behaviour, for one model behaviour. */
export function specsFor(model: ModelBehaviour, from: number, to: number): RunSpec[] {
  const specs: RunSpec[] = [];
  for (let seed = from; seed <= to; seed++) for (const caller of CALLER_BEHAVIOURS) specs.push({ model, caller, seed });
  return specs;
}

/** Per model behaviour: the median call length (s) and how often each last stage was reached. */
export function summarise(results: readonly RunResult[]): string {
  const lengths = results.map((r) => ((r.closedAtMs ?? 0) - r.dialledAtMs) / 1000).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)] ?? 0;
  const reached = new Map<string, number>();
  for (const r of results) {
    const last = r.record?.stages.at(-1)?.name ?? 'none';
    reached.set(last, (reached.get(last) ?? 0) + 1);
  }
  const stages = [...reached].map(([s, n]) => `${s} ${n}`).join(', ');
  return `${results[0]?.spec.model}: ${results.length} calls, median ${median.toFixed(1)} s, last stage reached: ${stages}`;
}
