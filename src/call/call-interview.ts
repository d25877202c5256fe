/**
 * The call's interview machine: its current state, and the one way events enter it. Events are
 * stamped with the call's clock (`now()`) and their effects are carried out at once, in order (by
 * the EffectRunner). The TurnTransaction reads this state to preview and keep it, and puts a kept
 * one back when a commit is taken back.
 */
import {
  createInterview,
  currentStage,
  type InterviewDefinition,
  type InterviewEffect,
  type InterviewEvent,
  type InterviewStage,
  type InterviewState,
  type MachineOptions,
  transition,
} from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { QueuedSpeech } from './call-events.js';
import type { MachineHolder } from './turn-transaction.js';

export class CallInterview implements MachineHolder {
  state: InterviewState;

  /** `run`: carries out effects in order and returns the speech they queued (EffectRunner.runAll). */
  constructor(
    definition: InterviewDefinition,
    options: MachineOptions,
    private readonly clock: Clock,
    private readonly run: (effects: readonly InterviewEffect[]) => QueuedSpeech[],
  ) {
    this.state = createInterview(definition, options);
  }

  /** Feeds the machine one event; returns the speech its effects queued. */
  apply(event: InterviewEvent): QueuedSpeech[] {
    const { state, effects } = transition(this.state, event);
    this.state = state;
    return this.run(effects);
  }

  /** The call's clock now, ms: what every event is stamped with. */
  now(): number {
    return this.clock.now();
  }

  /** The record's `stage` now (`ended` once the interview is over). */
  get stage(): InterviewStage {
    return currentStage(this.state);
  }
}
