import type { InterviewDefinition, StageName } from '../../src/interview/definition.js';
import type { InterviewEffect, InterviewEvent, MachineOptions, TimerName } from '../../src/interview/events.js';
import type { CallContext } from '../../src/interview/greeting.js';
import { transition } from '../../src/interview/machine.js';
import { defaultDefinition } from '../../src/interview/registry.js';
import { currentStage, type InterviewState, initialState, questionsCovered } from '../../src/interview/state.js';
import { ManualClock, type Timer } from '../../src/lib/clock.js';

/**
 * A text-only stand-in for the call orchestrator: it feeds events stamped with a ManualClock,
 * runs the timers the machine asks for on that clock, queues speech like the real one would, and
 * records every effect. Candidate lines in, effects out.
 */

type SpeechEffect = Extract<InterviewEffect, { type: 'say' | 'request_reply' }>;
type RequestReply = Extract<InterviewEffect, { type: 'request_reply' }>;
type EventInput = InterviewEvent extends infer E ? (E extends InterviewEvent ? Omit<E, 'atMs'> : never) : never;
export type EffectOf<T extends InterviewEffect['type']> = Extract<InterviewEffect, { type: T }>;

/** What a scripted LLM says for a reply; the default follows the directive like a well-behaved model. */
export type ReplyScript = (request: RequestReply) => string;

export const obedientLlm: ReplyScript = (request) => {
  const d = request.directive;
  switch (d.kind) {
    case 'ask_question':
      return `Thank you. ${d.questionText}`;
    case 'follow_up':
      return 'Could you give me a concrete example?';
    case 'answer_candidate':
      return 'The hiring team can tell you more about that. Shall we continue?';
    case 'steer_back':
      return `Thanks, that's helpful, let's keep moving. ${d.questionText ?? ''}`.trim();
    case 'wrap_up':
      return 'Thank you, is there anything you would like to add?';
  }
};

export const CONTEXT: CallContext = {
  candidateName: 'Sam Lee',
  role: 'Backend Engineer',
  jobDescription: 'Build APIs in TypeScript.',
};

export class InterviewHarness {
  readonly clock = new ManualClock(0);
  state: InterviewState;
  /** Every effect so far, in order. */
  readonly effects: InterviewEffect[] = [];
  /** Speech asked for and not yet reported finished, in the order it would play. */
  readonly queue: SpeechEffect[] = [];
  private readonly timers = new Map<TimerName, Timer>();

  constructor(definition: InterviewDefinition = defaultDefinition, options: MachineOptions = {}) {
    this.state = initialState(definition, options);
  }

  get stage(): ReturnType<typeof currentStage> {
    return currentStage(this.state);
  }

  /** Feeds one event now; returns the effects it produced. */
  send(event: EventInput): InterviewEffect[] {
    const result = transition(this.state, { ...event, atMs: this.clock.now() } as InterviewEvent);
    this.state = result.state;
    for (const effect of result.effects) this.apply(effect);
    return result.effects;
  }

  private apply(effect: InterviewEffect): void {
    this.effects.push(effect);
    switch (effect.type) {
      case 'start_timer': {
        this.timers.get(effect.timer)?.cancel();
        const timer = effect.timer;
        this.timers.set(
          timer,
          this.clock.setTimeout(() => this.send({ type: 'timer_fired', timer }), effect.afterMs),
        );
        return;
      }
      case 'cancel_timer':
        this.timers.get(effect.timer)?.cancel();
        this.timers.delete(effect.timer);
        return;
      case 'say':
      case 'request_reply':
        this.queue.push(effect);
        return;
      case 'cancel_speech': {
        const i = this.queue.findIndex((q) => q.speechId === effect.speechId);
        if (i >= 0) this.queue.splice(i, 1);
        return;
      }
      default:
        return;
    }
  }

  start(context: CallContext = CONTEXT): InterviewEffect[] {
    return this.send({ type: 'call_started', context });
  }

  /** Plays the next queued speech to its end (a reply speaks what `llm` writes for it). */
  playNext(llm: ReplyScript = obedientLlm): InterviewEffect[] {
    const speech = this.queue.shift();
    if (!speech) throw new Error('nothing to play');
    const text = speech.type === 'say' ? speech.text : llm(speech);
    return this.send({ type: 'agent_speech_finished', speechId: speech.speechId, heardText: text, interrupted: false });
  }

  /** Plays everything queued, including speech queued meanwhile. */
  playAll(llm: ReplyScript = obedientLlm): InterviewEffect[] {
    const out: InterviewEffect[] = [];
    for (let i = 0; this.queue.length > 0; i++) {
      if (i > 50) throw new Error('speech keeps coming');
      out.push(...this.playNext(llm));
    }
    return out;
  }

  /** The candidate speaks for `spokeForMs` (on the clock), then the router commits the line. */
  candidate(text: string, options: { spokeForMs?: number } = {}): InterviewEffect[] {
    const spokeForMs = options.spokeForMs ?? 2000;
    const out = this.send({ type: 'candidate_speech_started' });
    this.clock.advance(spokeForMs);
    out.push(...this.send({ type: 'candidate_utterance_committed', text, spokeForMs }));
    return out;
  }

  /** The candidate answers and the agent's reaction plays out. */
  answer(text: string, llm: ReplyScript = obedientLlm): InterviewEffect[] {
    return [...this.candidate(text), ...this.playAll(llm)];
  }

  /** The oldest pending LLM reply. */
  pendingReply(): RequestReply {
    const reply = this.queue.find((q): q is RequestReply => q.type === 'request_reply');
    if (!reply) throw new Error('no reply pending');
    return reply;
  }

  /**
   * The pending reply's LLM calls `complete_stage` and says nothing else; the reply then finishes
   * with nothing heard, as the orchestrator reports a tool-only reply.
   */
  llmCompletes(args: Record<string, unknown>): InterviewEffect[] {
    const reply = this.pendingReply();
    const call = {
      id: `call_${reply.speechId}`,
      name: 'complete_stage',
      arguments: args,
      rawArguments: JSON.stringify(args),
    };
    const out = this.send({ type: 'llm_tool_called', speechId: reply.speechId, call });
    const i = this.queue.indexOf(reply);
    if (i >= 0) this.queue.splice(i, 1);
    out.push(
      ...this.send({ type: 'agent_speech_finished', speechId: reply.speechId, heardText: '', interrupted: false }),
    );
    return out;
  }

  /**
   * The candidate answers (in full sentences, so no follow-ups) until the stage's planned
   * questions are covered, then the LLM completes it and its reaction plays out.
   */
  coverAndComplete(stage: StageName, answer = 'Here is a reasonably complete answer with some detail in it.'): void {
    for (let i = 0; i < 20; i++) {
      this.candidate(answer);
      if (questionsCovered(this.state)) break;
      this.playAll();
    }
    this.completeStage(stage, 'ok', []);
    this.playAll();
  }

  completeStage(stage: StageName, notes = 'notes', evidence: string[] = []): InterviewEffect[] {
    return this.llmCompletes({ stage, notes, evidence });
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  of<T extends InterviewEffect['type']>(type: T, from: readonly InterviewEffect[] = this.effects): EffectOf<T>[] {
    return from.filter((e): e is EffectOf<T> => e.type === type);
  }

  /** Texts of every fixed `say`, in order. */
  said(from: readonly InterviewEffect[] = this.effects): string[] {
    return this.of('say', from).map((e) => e.text);
  }
}

/** The default definition with some fields of one stage replaced (for short budgets in tests). */
export function withStage(
  name: StageName,
  patch: Partial<InterviewDefinition['stages'][number]>,
  base: InterviewDefinition = defaultDefinition,
): InterviewDefinition {
  return { ...base, stages: base.stages.map((s) => (s.name === name ? { ...s, ...patch } : s)) };
}

/** A harness past the greeting: the candidate confirmed, the LLM completed it, self_intro is open. */
export function inSelfIntro(definition: InterviewDefinition = defaultDefinition): InterviewHarness {
  const h = new InterviewHarness(definition);
  h.start();
  h.playAll();
  h.candidate('Yes, this is Sam, go ahead.');
  h.completeStage('greeting', 'ok', []);
  h.playAll();
  return h;
}
