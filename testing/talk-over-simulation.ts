/**
 * Caller speech over the agent's reply, socket-free on a ManualClock: a seeded backchannel or
 * real interruption (caller-behaviours.ts) is both synthetic voice audio, fed frame by frame to
 * the real VoiceActivityDetector, and words, fed through the fake Deepgram engine under a
 * profile (stt-timeline.ts); the real BargeInPolicy decides, and its decisions act on the real
 * OutboundPlayer as CallerTurns makes them act (hold → `held(hold())`, release, interrupt →
 * `clear`). A model of Twilio's playout (frames played back to back in arrival order, a `clear`
 * drops what has not played) says what the caller heard: the gaps in the agent's audio and when
 * it stopped.
 *
 * Audio time 0 is clock time 0; a caller frame reaches the service when it ends (20 ms after
 * its start), the agent's frames reach Twilio as they are sent.
 */
import { ManualClock } from '../src/lib/clock.js';
import { OutboundPlayer } from '../src/media/outbound-player.js';
import type { SttEvent } from '../src/stt/stt-stream.js';
import { type BargeInDecision, type BargeInParams, BargeInPolicy } from '../src/turns/barge-in-policy.js';
import { VoiceActivityDetector } from '../src/vad/voice-activity.js';
import { generateInterjection, type Interjection } from './caller-behaviours.js';
import type { ListenProfileName } from './fakes/deepgram-listen-profile.js';
import { SeededRandom } from './seeded-random.js';
import { sttTimeline } from './stt-timeline.js';
import { frames, synthesize } from './synthetic-audio.js';

const FRAME_MS = 20;
/** The agent's reply starts being heard here, clock ms. */
const REPLY_START_MS = 1000;

export interface TalkOverCase {
  kind: Interjection['kind'];
  profile: ListenProfileName;
  seed: number;
  params?: Partial<BargeInParams>;
}

export interface TalkOverOutcome {
  interjection: Interjection;
  /** Clock ms where the caller's first word starts (the onset). */
  onsetMs: number;
  replyEndMs: number;
  decisions: { atMs: number; type: BargeInDecision['type'] }[];
  /** Clock ms of each `clear` sent. */
  clears: number[];
  /** Longest time without agent audio at the phone from the onset to the reply's end (or the clear), ms. */
  longestGapMs: number;
  /** Onset → the end of the last agent audio the caller heard, when a clear stopped the reply. */
  audibleStopMs: number | undefined;
  /** Onset → the clear, when one was sent. */
  clearMs: number | undefined;
}

/** One seeded case: a 3–9 s reply, the interjection at a random point of it (≥ 1 s before its end). */
export function simulateTalkOver(c: TalkOverCase): TalkOverOutcome {
  const random = new SeededRandom(c.seed);
  const replyMs = Math.round(random.between(3000, 9000) / FRAME_MS) * FRAME_MS;
  const replyEndMs = REPLY_START_MS + replyMs;
  const onsetMs = Math.round(random.between(REPLY_START_MS + 200, replyEndMs - 1000));
  const interjection = generateInterjection(random.fork(1), c.kind, onsetMs / 1000);
  const untilMs = Math.max(replyEndMs, interjection.endS * 1000) + 2000;

  const clock = new ManualClock();
  const phone = new PlayoutModel();
  const player = new OutboundPlayer({
    clock,
    sendMedia: () => phone.frameArrived(clock.now()),
    sendMark: () => {},
    sendClear: () => phone.cleared(clock.now()),
  });
  const decisions: TalkOverOutcome['decisions'] = [];
  const pending: BargeInDecision[] = [];
  /** Inside an input: its decisions wait for it to return (as the call's mailbox does). */
  let busy = false;
  const policy = new BargeInPolicy({
    clock,
    onDecision: (decision) => {
      pending.push(decision);
      if (!busy) act();
    },
    ...(c.params ? { params: c.params } : {}),
  });
  const vad = new VoiceActivityDetector();
  let audible = true;
  // As CallerTurns: decisions run after the input that made them, in order.
  const act = () => {
    for (let d = pending.shift(); d; d = pending.shift()) {
      decisions.push({ atMs: clock.now(), type: d.type });
      if (d.type === 'hold') policy.held(player.hold());
      else if (d.type === 'release') player.release();
      else if (d.type === 'interrupt') {
        player.clear();
        policy.agentSpeaking(false);
        audible = false;
      }
    }
  };

  const audio = synthesize(random.fork(2), {
    durationMs: untilMs,
    spans: interjection.words.map((w) => ({ kind: 'voice' as const, fromMs: w.startS * 1000, toMs: w.endS * 1000 })),
    noiseDb: -50,
  });
  const inputs: { atMs: number; run: () => void }[] = [];
  for (const { atMs, frame } of frames(audio)) {
    inputs.push({
      atMs: atMs + FRAME_MS,
      run: () => {
        if (!audible) return;
        for (const event of vad.push(frame, atMs)) policy.voice(event);
      },
    });
  }
  for (const { atMs, event } of sttTimeline(interjection.words, { profile: c.profile, seed: c.seed, untilMs })) {
    inputs.push({ atMs, run: () => policy.handle(event as SttEvent) });
  }
  inputs.sort((a, b) => a.atMs - b.atMs);

  clock.advance(REPLY_START_MS);
  player.write(Buffer.alloc((replyMs * 8000) / 1000, 0x7f));
  policy.agentSpeaking(true, REPLY_START_MS / 1000);
  for (const input of inputs) {
    // Timers (the hold's release) decide, and act at once, while the clock moves.
    if (input.atMs > clock.now()) clock.advance(input.atMs - clock.now());
    busy = true;
    input.run();
    busy = false;
    act();
  }
  if (untilMs > clock.now()) clock.advance(untilMs - clock.now());
  act();
  policy.dispose();

  const clearAt = phone.clears[0];
  const judgedUntil = clearAt ?? replyEndMs;
  return {
    interjection,
    onsetMs,
    replyEndMs,
    decisions,
    clears: phone.clears,
    longestGapMs: phone.longestGapMs(onsetMs, judgedUntil),
    audibleStopMs: clearAt === undefined ? undefined : phone.lastHeardEndMs(clearAt) - onsetMs,
    clearMs: clearAt === undefined ? undefined : clearAt - onsetMs,
  };
}

/** Twilio's playout of the agent's frames: back to back in arrival order; `clear` drops the rest. */
class PlayoutModel {
  readonly clears: number[] = [];
  /** Play start times, ms. */
  private readonly played: number[] = [];
  private queueEndMs = 0;
  private queued: number[] = [];

  frameArrived(nowMs: number): void {
    const startMs = Math.max(nowMs, this.queueEndMs);
    this.queued.push(startMs);
    this.queueEndMs = startMs + FRAME_MS;
  }

  cleared(nowMs: number): void {
    this.clears.push(nowMs);
    this.settle(nowMs);
    this.queued = [];
    this.queueEndMs = nowMs;
  }

  /** Longest stretch inside [fromMs, untilMs] with no frame playing. */
  longestGapMs(fromMs: number, untilMs: number): number {
    this.settle(Number.POSITIVE_INFINITY);
    let longest = 0;
    let heardUntil = fromMs;
    for (const start of this.played) {
      if (start + FRAME_MS <= fromMs) continue;
      if (start >= untilMs) break;
      longest = Math.max(longest, start - heardUntil);
      heardUntil = Math.max(heardUntil, start + FRAME_MS);
    }
    return Math.max(longest, Math.max(0, untilMs - heardUntil));
  }

  /** End of the last frame heard before `atMs` (a frame cut by a clear ends at the clear). */
  lastHeardEndMs(atMs: number): number {
    const before = this.played.filter((start) => start < atMs);
    const last = before.at(-1);
    return last === undefined ? atMs : Math.min(atMs, last + FRAME_MS);
  }

  /** Frames that started playing by `nowMs` count as played. */
  private settle(nowMs: number): void {
    while (this.queued.length > 0 && this.queued[0]! < nowMs) this.played.push(this.queued.shift()!);
  }
}
