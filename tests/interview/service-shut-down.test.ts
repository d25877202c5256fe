import { describe, expect, it } from 'vitest';
import { SERVICE_SHUT_DOWN_REASON } from '../../src/interview/index.js';
import { InterviewHarness } from './harness.js';

describe('the service shutting down mid-call', () => {
  it('ends the open stage as server_shutdown and the call as failed, the service’s reason, no goodbye', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is a good time.');
    h.playAll();
    const effects = h.send({ type: 'service_shut_down' });
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: h.of('stage_started').at(-1)?.stage, reason: 'server_shutdown' }),
    ]);
    expect(h.of('end_call', effects)).toEqual([
      expect.objectContaining({ outcome: 'failed', reason: SERVICE_SHUT_DOWN_REASON }),
    ]);
    expect(h.of('say', effects)).toHaveLength(0);
    expect(h.stage).toBe('ended');
    expect(h.clock.pendingCount()).toBe(0);
  });

  it('keeps the outcome already decided when it happens during the goodbye', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Sorry, this is not a good time.');
    h.send({ type: 'service_shut_down' });
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'candidate_ended' })]);
  });
});
