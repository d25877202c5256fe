import { describe, expect, it } from 'vitest';
import type { InterviewEffect } from '../../src/interview/events.js';
import { InterviewHarness } from './harness.js';

/** Question ids the agent was sent to ask: planned-question directives and bridges. */
function askedIds(h: InterviewHarness): string[] {
  const ids: string[] = [];
  for (const e of h.effects as InterviewEffect[]) {
    if (e.type === 'request_reply' && (e.directive.kind === 'ask_question' || e.directive.kind === 'steer_back')) {
      if (e.directive.questionId) ids.push(`${e.stage}/${e.directive.questionId}`);
    }
    if (e.type === 'say' && e.purpose === 'bridge') {
      const q = h.state.definition.stages.find((s) => s.name === e.stage)?.questions[0];
      ids.push(`${e.stage}/${q?.id}`);
    }
  }
  return ids;
}

describe('no planned question is asked twice', () => {
  it('over a whole interview with short answers, follow-ups, questions and repeats', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    // A line is something the candidate says; a stage name is the LLM completing that stage on its reply.
    const script = [
      'Yes.',
      'Sure, now works for me, go ahead please with the questions.',
      'greeting',
      'I am an engineer.',
      'Could you repeat that?',
      'What does the team work on?',
      'Mostly I build internal APIs for the finance team at a retail company.',
      'I like small teams that own their services and care about reliability a lot.',
      'self_intro',
      'Fine.',
      'A migration of our order service from a monolith to three separate services.',
      'I wrote the data migration and the dual-write layer, and planned the cut-over weekend.',
      'Zero downtime, and page load times went down by a third after the move.',
      'past_experience',
      'No questions from me, thanks.',
    ] as const;
    const stages: readonly string[] = ['greeting', 'self_intro', 'past_experience'];
    script.forEach((step, i) => {
      if (step === 'greeting' || step === 'self_intro' || step === 'past_experience') {
        h.completeStage(step, 'ok', []);
        h.playAll();
        return;
      }
      h.candidate(step);
      // Leave the reply pending when the LLM is about to complete the stage on it.
      if (!stages.includes(script[i + 1] ?? '')) h.playAll();
    });
    expect(h.stage).toBe('closing');
    const ids = askedIds(h);
    expect(ids).toEqual(
      expect.arrayContaining([
        'self_intro/background',
        'self_intro/motivation',
        'past_experience/project',
        'past_experience/own_part',
        'past_experience/result',
        'closing/candidate_questions',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('offers a question again only if the caller never heard any of it', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    h.completeStage('greeting', 'ok', []);
    // The opening reply (background question) is cut off before any audio played.
    const first = h.pendingReply();
    h.queue.shift();
    h.send({ type: 'agent_speech_finished', speechId: first.speechId, heardText: '', interrupted: true });
    const again = h.of('request_reply', h.candidate('Hello? Sorry, the line broke up.'));
    expect(again[0]?.directive).toMatchObject({ kind: 'ask_question', questionId: 'background' });
    h.playAll();
    const next = h.of('request_reply', h.candidate('I run the data platform team at a shipping company these days.'));
    expect(next[0]?.directive).toMatchObject({ questionId: 'motivation' });
  });

  it('does not hand out a question already on its way when two lines commit back to back', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    h.completeStage('greeting', 'ok', []);
    h.playAll();
    const a = h.of('request_reply', h.candidate('I lead the payments team at a bank, mostly backend work in Go.'));
    const b = h.of(
      'request_reply',
      h.candidate('And before that I spent five years at a consultancy building web apps.'),
    );
    expect(a[0]?.directive).toMatchObject({ questionId: 'motivation' });
    expect(b[0]?.directive.kind).toBe('wrap_up');
  });
});
