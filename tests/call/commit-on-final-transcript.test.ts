import { expect, it } from 'vitest';
import { AGENT_REPLY, sessionHarness, transcript } from './session-harness.js';

/**
 * Deepgram's `speech_final` result often carries the words the last interim showed: the router
 * then commits while handling that very result. Its decision runs after the STT handler, so the
 * result is not taken for new speech once the turn is over (when the decision ran inside the
 * handler, the machine was told the caller had started speaking again, and no silence prompt
 * followed the agent's answer).
 */
it('a commit made by the final transcript ends the caller’s turn: after the answer, silence is prompted', async () => {
  const h = sessionHarness();
  await h.run(4000); // the greeting is heard
  const words = ['Yes', 'this', 'is', 'Sam'];
  const atS = h.clock.now() / 1000;
  h.hear(transcript(words, atS, { isFinal: false, speechFinal: false, silenceMs: 300 }));
  await h.run(200);
  // Same words, the endpoint: the commit happens on this result.
  h.hear(transcript(words, atS + 0.2, { isFinal: true, speechFinal: true, silenceMs: 500 }));
  await h.run(1000);
  expect(h.ttsTexts.join(' ')).toContain(AGENT_REPLY); // spoken clause by clause
  const prompt = h.definition.phrases.takeYourTime;
  expect(h.ttsTexts).not.toContain(prompt);
  await h.run(h.definition.silence.promptAfterMs + 1000);
  expect(h.ttsTexts).toContain(prompt);
}, 30_000);
