/**
 * The call's Prometheus counters as an observer of call events: barge-ins, and the work thrown
 * away by speculative turn-taking (speculative replies discarded, replies of a commit taken back).
 * Turn latency histograms are TurnLatencyObserver's.
 */
import type { Metrics } from '../observability/metrics.js';
import type { CallEvent, CallObserver } from './call-events.js';

export class CallMetricsObserver implements CallObserver {
  constructor(private readonly metrics: Metrics) {}

  observe(event: CallEvent): void {
    const { metrics } = this;
    switch (event.type) {
      case 'barged_in':
        metrics.bargeIns.inc();
        return;
      case 'work_wasted':
        if (event.reason === 'speculation') metrics.speculationsWasted.inc(event.llmCalls);
        metrics.llmCallsWasted.inc({ reason: event.reason }, event.llmCalls);
        metrics.ttsCharactersWasted.inc({ reason: event.reason }, event.ttsCharacters);
        return;
      case 'commit_decided':
      case 'utterance_committed':
      case 'commit_taken_back':
      case 'reply_generated':
      case 'speech_ended':
      case 'backchannel_ignored':
      case 'call_ended':
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }
}
