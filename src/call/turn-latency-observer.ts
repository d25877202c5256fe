/**
 * Turn latency as an observer of call events: follows each committed turn to the first audio of
 * the speech that answers it (TurnTracker), and when that speech is over writes the figures to
 * the record's `latency` entries (through the turn transaction, so a turn taken back leaves no
 * entry), observes them as metrics and logs them.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TurnLatency } from '../observability/turn-latency.js';
import type { CallEvent, CallObserver } from './call-events.js';
import type { RecordWrite } from './tentative-records.js';
import { TurnTracker } from './turn-tracker.js';

export interface TurnLatencyObserverOptions {
  /** Record writes (held while a commit is tentative). */
  write: (op: RecordWrite) => void;
  metrics: Metrics;
  logger: Logger;
}

export class TurnLatencyObserver implements CallObserver {
  private readonly turns = new TurnTracker();
  /** Turns counted before the last commit, to go back to if it is taken back. */
  private countBeforeCommit = 0;

  constructor(private readonly options: TurnLatencyObserverOptions) {}

  /** Every turn measured so far, in order (taken-back ones removed). */
  get completed(): readonly TurnLatency[] {
    return this.turns.completed;
  }

  observe(event: CallEvent): void {
    const turns = this.turns;
    switch (event.type) {
      case 'utterance_committed':
        this.countBeforeCommit = turns.turnCount;
        turns.open(event.speechEndAtMs, event.commitAtMs);
        if (event.answeredBy) turns.attach(event.answeredBy.speechId, { speculative: event.answeredBy.speculative });
        // A turn that asked for no speech (e.g. a timer-driven move is pending) measures nothing.
        turns.closePending();
        return;
      case 'reply_generated':
        if (event.firstTokenAtMs !== undefined) turns.firstToken(event.speechId, event.firstTokenAtMs);
        if (!event.spoke) {
          turns.handOn(event.speechId);
          if (event.handedTo) turns.attach(event.handedTo.speechId, { speculative: event.handedTo.speculative });
        }
        turns.closePending();
        return;
      case 'commit_taken_back':
        for (const speechId of event.withdrawn) turns.forget(speechId);
        turns.rewindTo(this.countBeforeCommit);
        return;
      case 'speech_ended':
        this.measured(turns.finish(event.speechId, event.timings));
        return;
      case 'commit_decided':
      case 'work_wasted':
      case 'barged_in':
      case 'backchannel_ignored':
      case 'call_ended':
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  private measured(latency: TurnLatency | undefined): void {
    if (!latency) return;
    const { metrics, logger } = this.options;
    this.options.write((w) => w.latency({ ...latency }));
    if (latency.voiceToVoiceHeardMs !== undefined) {
      metrics.turnLatency.observe({ span: 'voice_to_voice_heard' }, latency.voiceToVoiceHeardMs);
    }
    if (latency.commitDelayMs !== undefined) {
      metrics.turnLatency.observe({ span: 'commit_delay' }, latency.commitDelayMs);
    }
    logger.info(
      {
        turn: latency.turn,
        commitDelayMs: latency.commitDelayMs,
        voiceToVoiceSentMs: latency.voiceToVoiceSentMs,
        voiceToVoiceHeardMs: latency.voiceToVoiceHeardMs,
        speculative: latency.speculative ?? false,
      },
      'turn latency',
    );
  }
}
