/**
 * The call's summary for the benchmark, tests and replay tools (handed to `onCallEnded` once the
 * record is stored), built by watching the call's events.
 */
import type { TurnLatency } from '../observability/turn-latency.js';
import type { CallOutcome } from '../store/call-store.js';
import type { CallEvent, CallObserver } from './call-events.js';

export interface CallSummary {
  outcome: CallOutcome;
  /** Every measured turn, in order. */
  turns: TurnLatency[];
  /** The commit router's decisions: `speculate`, `speculation-invalidated`, `commit`, `resumed`. */
  speculations: number;
  speculationsWasted: number;
  /** `speculate` decisions for the one utterance that had the most (resumes included). */
  mostSpeculationsInOneUtterance: number;
  commits: number;
  resumes: number;
  bargeIns: { stopMs: number }[];
  backchannelsIgnored: number;
  /**
   * What speculative turn-taking threw away: LLM calls started and TTS characters synthesised
   * for replies the caller never heard (discarded speculations, and replies of a commit taken back).
   */
  wasted: { llmCalls: number; ttsCharacters: number };
}

export class CallSummaryObserver implements CallObserver {
  private readonly counts = { speculations: 0, speculationsWasted: 0, commits: 0, resumes: 0 };
  private readonly bargeIns: { stopMs: number }[] = [];
  private backchannelsIgnored = 0;
  private readonly wasted = { llmCalls: 0, ttsCharacters: 0 };
  private readonly speculationsByUtterance = new Map<number, number>();

  /** `turns`: the measured turns at the end of the call (TurnLatencyObserver.completed). */
  constructor(private readonly turns: () => readonly TurnLatency[]) {}

  observe(event: CallEvent): void {
    switch (event.type) {
      case 'commit_decided': {
        const { decision } = event;
        this.countDecision(decision.type);
        if (decision.type === 'speculate') {
          const count = (this.speculationsByUtterance.get(decision.utteranceId) ?? 0) + 1;
          this.speculationsByUtterance.set(decision.utteranceId, count);
        }
        return;
      }
      case 'barged_in':
        this.bargeIns.push({ stopMs: event.stopMs });
        return;
      case 'backchannel_ignored':
        this.backchannelsIgnored++;
        return;
      case 'work_wasted':
        this.wasted.llmCalls += event.llmCalls;
        this.wasted.ttsCharacters += event.ttsCharacters;
        return;
      case 'utterance_committed':
      case 'commit_taken_back':
      case 'reply_generated':
      case 'speech_ended':
      case 'call_ended':
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  summary(outcome: CallOutcome): CallSummary {
    return {
      outcome,
      turns: [...this.turns()],
      ...this.counts,
      mostSpeculationsInOneUtterance: Math.max(0, ...this.speculationsByUtterance.values()),
      bargeIns: [...this.bargeIns],
      backchannelsIgnored: this.backchannelsIgnored,
      wasted: { ...this.wasted },
    };
  }

  private countDecision(type: Extract<CallEvent, { type: 'commit_decided' }>['decision']['type']): void {
    switch (type) {
      case 'speculate':
        this.counts.speculations++;
        return;
      case 'speculation-invalidated':
        this.counts.speculationsWasted++;
        return;
      case 'commit':
        this.counts.commits++;
        return;
      case 'resumed':
        this.counts.resumes++;
        return;
      default: {
        const unreachable: never = type;
        return unreachable;
      }
    }
  }
}
