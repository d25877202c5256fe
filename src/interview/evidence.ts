/**
 * The LLM's evidence quotes go into the record as the candidate's own words, so only quotes that
 * really occur in what the candidate said in the stage are kept (compared without case and
 * punctuation, which STT and the model render differently).
 */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The quotes found in the candidate's lines, in the order given, without duplicates. */
export function verifiedEvidence(quotes: readonly string[], candidateLines: readonly string[]): string[] {
  const said = ` ${candidateLines.map(normalise).join(' ')} `;
  const kept: string[] = [];
  for (const quote of quotes) {
    const needle = normalise(quote);
    if (needle !== '' && said.includes(` ${needle} `) && !kept.includes(quote.trim())) kept.push(quote.trim());
  }
  return kept;
}
