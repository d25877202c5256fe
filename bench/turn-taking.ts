/**
 * `npm run bench:turns [-- --seeds N] [--first-seed K]`: turn-taking across every seeded Deepgram
 * profile, on the virtual clock (no sockets, so the machine's load does not change a figure):
 * fluent and hesitant interviews through the real commit router fed by the fake Deepgram engine
 * and the real VAD on synthetic voice (testing/router-simulation.ts); backchannels and real
 * interruptions over a reply through the real VAD, barge-in policy and outbound player with a
 * model of Twilio's playout (testing/talk-over-simulation.ts); and the naive pipeline on the same
 * fluent turns. Replies are modelled at issue 11's provider latency (LLM first token 300 ms, 25 ms
 * a token, TTS first byte 150 ms). Prints a table per profile and overall and writes
 * bench/results/latest-turns.json. Greeting and CPU figures are the whole-call bench's
 * (`npm run bench`) and bench/voice-activity.ts's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { type CallerAnswer, generateInterview } from '../testing/caller-behaviours.js';
import { LISTEN_PROFILE_NAMES, type ListenProfileName } from '../testing/fakes/deepgram-listen-profile.js';
import { PROVIDER_LATENCY, simulateCall, TYPICAL_AUDIBLE_MS } from '../testing/router-simulation.js';
import { SeededRandom } from '../testing/seeded-random.js';
import { sttTimeline } from '../testing/stt-timeline.js';
import { simulateTalkOver } from '../testing/talk-over-simulation.js';
import { percentile } from './stats.js';

const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = Number(seedsArg > 0 ? process.argv[seedsArg + 1] : 8);
/** `--first-seed K`: seeds K … K+N−1 (talk-over 5(K−1)+1 … 5(K−1+N)), a set the tests never ran. */
const firstSeedArg = process.argv.indexOf('--first-seed');
const FIRST_SEED = Number(firstSeedArg > 0 ? process.argv[firstSeedArg + 1] : 1);
/** `--no-finalize`: the STT is never asked to finalize at the VAD's offset (for before/after). */
const FINALIZE = !process.argv.includes('--no-finalize');
/** A naive reply is read whole: a first answer of ~20 tokens, then one TTS request for it. */
const NAIVE_REPLY_TOKENS = 20;
const AUDIBLE_GAP_MS = 120;

interface ProfileRow {
  profile: ListenProfileName;
  answers: number;
  v2vP50: number | undefined;
  v2vP90: number | undefined;
  naiveP50: number | undefined;
  naiveP90: number | undefined;
  /** First agent audio after a hesitant caller's last word: what waiting out their pauses costs. */
  hesitantP50: number | undefined;
  hesitantP90: number | undefined;
  prematureHeard: number;
  /** Of those, the ones in a pause after a whole sentence (words alone cannot tell it from an end). */
  prematureAfterSentence: number;
  hesitantAnswers: number;
  wastedLlmPerTurn: number;
  backchannels: number;
  backchannelsCleared: number;
  backchannelsWithGap: number;
  interruptions: number;
  clearP50: number | undefined;
  clearP90: number | undefined;
  stopP50: number | undefined;
  stopP90: number | undefined;
}

const q = (xs: number[], p: number) => {
  const v = percentile(
    [...xs].sort((a, b) => a - b),
    p,
  );
  return v === undefined ? undefined : Math.round(v);
};

/** Naive: Deepgram's speech_final after the answer (UtteranceEnd if none) → whole LLM reply → TTS first byte. */
function naiveFirstAudioMs(answer: CallerAnswer, profile: ListenProfileName, seed: number): number | undefined {
  const timeline = sttTimeline(answer.words, { profile, seed });
  const endMs = answer.endS * 1000;
  const end = timeline.find(
    (e) =>
      e.atMs >= endMs &&
      ((e.event.type === 'transcript' && e.event.speechFinal && e.event.text.trim() !== '') ||
        e.event.type === 'utterance-end'),
  );
  if (!end) return undefined;
  const llmMs = PROVIDER_LATENCY.llmFirstTokenMs + NAIVE_REPLY_TOKENS * PROVIDER_LATENCY.llmTokenMs;
  return end.atMs + llmMs + PROVIDER_LATENCY.ttsFirstByteMs + PROVIDER_LATENCY.frameMs - endMs;
}

/** The kind of the caller's pause that a commit's last word ended at, if it ended at one. */
function pauseKindAt(answer: CallerAnswer, lastWordEndS: number): string | undefined {
  return answer.pauses.find((p) => p.fromS <= lastWordEndS + 0.05 && p.toS >= lastWordEndS)?.kind;
}

function benchProfile(profile: ListenProfileName): ProfileRow {
  const v2v: number[] = [];
  const naive: number[] = [];
  const hesitant: number[] = [];
  let premature = 0;
  let afterSentence = 0;
  let hesitantAnswers = 0;
  let wasted = 0;
  let commits = 0;
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    for (const kind of ['fluent', 'hesitant'] as const) {
      const interview = generateInterview(new SeededRandom(seed * 7 + (kind === 'fluent' ? 0 : 1)), kind);
      const out = simulateCall(interview, { profile, seed }, { finalize: FINALIZE });
      wasted += out.stats.speculationsWasted;
      commits += out.stats.commits;
      for (const turn of out.turns) {
        premature += turn.premature.length;
        afterSentence += turn.premature.filter(
          (c) => pauseKindAt(turn.turn.answer, c.lastWordEndS) === 'sentence',
        ).length;
        if (kind === 'hesitant') {
          hesitantAnswers += 1;
          if (turn.firstAudioMs !== undefined) hesitant.push(turn.firstAudioMs);
          continue;
        }
        if (turn.firstAudioMs !== undefined) v2v.push(turn.firstAudioMs);
        const n = naiveFirstAudioMs(turn.turn.answer, profile, seed);
        if (n !== undefined) naive.push(n);
      }
    }
  }
  const clears: number[] = [];
  const stops: number[] = [];
  let bcCleared = 0;
  let bcGap = 0;
  const talkSeeds = SEEDS * 5;
  const firstTalkSeed = (FIRST_SEED - 1) * 5 + 1;
  for (let seed = firstTalkSeed; seed < firstTalkSeed + talkSeeds; seed++) {
    const bc = simulateTalkOver({ kind: 'backchannel', profile, seed });
    if (bc.clears.length > 0) bcCleared += 1;
    if (bc.longestGapMs > AUDIBLE_GAP_MS) bcGap += 1;
    const int = simulateTalkOver({ kind: 'interruption', profile, seed });
    if (int.clearMs !== undefined) clears.push(int.clearMs);
    if (int.audibleStopMs !== undefined) stops.push(int.audibleStopMs);
  }
  return {
    profile,
    answers: v2v.length,
    v2vP50: q(v2v, 50),
    v2vP90: q(v2v, 90),
    naiveP50: q(naive, 50),
    naiveP90: q(naive, 90),
    hesitantP50: q(hesitant, 50),
    hesitantP90: q(hesitant, 90),
    prematureHeard: premature,
    prematureAfterSentence: afterSentence,
    hesitantAnswers,
    wastedLlmPerTurn: commits === 0 ? 0 : Math.round((wasted / commits) * 100) / 100,
    backchannels: talkSeeds,
    backchannelsCleared: bcCleared,
    backchannelsWithGap: bcGap,
    interruptions: talkSeeds,
    clearP50: q(clears, 50),
    clearP90: q(clears, 90),
    stopP50: q(stops, 50),
    stopP90: q(stops, 90),
  };
}

const began = Date.now();
const load = loadavg().map((l) => l.toFixed(2));
const rows = LISTEN_PROFILE_NAMES.map(benchProfile);
const header =
  'profile           | v2v p50/p90 | naive p50/p90 | hesitant p50/p90 | premature heard (after a sentence) | wasted LLM/turn | backchannels cleared/gap | barge-in → clear p50/p90 | → audible stop p50/p90';
const line = (r: ProfileRow) =>
  [
    r.profile.padEnd(17),
    `${r.v2vP50}/${r.v2vP90}`.padStart(11),
    `${r.naiveP50}/${r.naiveP90}`.padStart(13),
    `${r.hesitantP50}/${r.hesitantP90}`.padStart(16),
    `${r.prematureHeard} (${r.prematureAfterSentence})`.padStart(34),
    `${r.wastedLlmPerTurn}`.padStart(15),
    `${r.backchannelsCleared}/${r.backchannelsWithGap} of ${r.backchannels}`.padStart(24),
    `${r.clearP50}/${r.clearP90}`.padStart(24),
    `${r.stopP50}/${r.stopP90}`.padStart(22),
  ].join(' | ');
console.log(
  `turn-taking on the virtual clock, ${SEEDS} seeds a profile (from ${FIRST_SEED}) (fluent + hesitant interviews), ms${FINALIZE ? '' : ', no Finalize at the VAD offset'}`,
);
console.log(header);
for (const r of rows) console.log(line(r));
const all = (pick: (r: ProfileRow) => number | undefined) => rows.map(pick).filter((v): v is number => v !== undefined);
console.log(
  `overall: v2v p50 of profiles ${Math.min(...all((r) => r.v2vP50))}–${Math.max(...all((r) => r.v2vP50))}, ` +
    `p90 ${Math.min(...all((r) => r.v2vP90))}–${Math.max(...all((r) => r.v2vP90))}; premature heard ${rows.reduce((n, r) => n + r.prematureHeard, 0)}; ` +
    `backchannels cleared ${rows.reduce((n, r) => n + r.backchannelsCleared, 0)}, with a gap ${rows.reduce((n, r) => n + r.backchannelsWithGap, 0)} of ${rows.reduce((n, r) => n + r.backchannels, 0)}; ` +
    `audible stop p90 ${Math.min(...all((r) => r.stopP90))}–${Math.max(...all((r) => r.stopP90))}`,
);
console.log(
  `(modelled reply: first audio ${TYPICAL_AUDIBLE_MS} ms after generation starts; load average at start ${load.join(' ')}; ${Math.round((Date.now() - began) / 1000)} s)`,
);
const out = path.join('bench', 'results', 'latest-turns.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), seeds: SEEDS, firstSeed: FIRST_SEED, finalize: FINALIZE, loadAverage: load, rows }, null, 2)}\n`,
);
console.log(`written ${out}`);
