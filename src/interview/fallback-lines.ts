import type { ReplyDirective } from './events.js';

/**
 * What the agent says itself when an LLM reply had nothing to say (empty, only whitespace or
 * punctuation, or only words the speech filters dropped), so the caller is never left in
 * silence. Each kind has two wordings: the one that differs from the agent's last line is used,
 * so no line is ever said twice in a row.
 */

/** Lower-case letters and digits only: how two lines are compared for "the same words". */
export function sameWordsKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The first of `options` whose words differ from `previous` (the last one if none does). */
export function pickDifferent(options: readonly string[], previous: string | undefined): string {
  const last = previous === undefined ? undefined : sameWordsKey(previous);
  return options.find((o) => sameWordsKey(o) !== last) ?? options.at(-1) ?? '';
}

export function fallbackLine(directive: ReplyDirective, previous: string | undefined): string {
  switch (directive.kind) {
    case 'ask_question':
      return pickDifferent([directive.questionText, `Here is my next question. ${directive.questionText}`], previous);
    case 'steer_back':
      return directive.questionText
        ? pickDifferent([`Thank you, let's keep moving. ${directive.questionText}`, directive.questionText], previous)
        : pickDifferent(["Thank you, let's keep moving.", 'Thank you, that helps. Let us move along.'], previous);
    case 'follow_up':
      return pickDifferent(
        ['Could you tell me a little more about that?', 'Could you give me a concrete example?'],
        previous,
      );
    case 'answer_candidate':
      return pickDifferent(
        [
          'The hiring team can answer that better than I can. Shall we carry on?',
          "I'll pass that question on to the hiring team. Shall we continue?",
        ],
        previous,
      );
    case 'wrap_up':
      return pickDifferent(
        ['Is there anything you would like to add?', 'Is there anything else you would like to mention?'],
        previous,
      );
  }
}
