/** What the commit router tells the call, and what it counts. */

/** Why a commit happened; for latency metrics and tests. */
export type CommitReason = 'silence' | 'end-signal' | 'max-wait';

export type CommitDecision =
  /** The words may well be the whole answer: start a reply speculatively (no audio may play yet). */
  | { type: 'speculate'; utteranceId: number; text: string }
  /** The meaning changed after `speculate`: throw that reply away. */
  | { type: 'speculation-invalidated'; utteranceId: number }
  /**
   * The utterance is done: produce or release the reply. `speculated` is true when the last
   * `speculate` of this utterance had the same meaning (`sameMeaning`), so its reply serves as
   * is; `speculatedText` is then the text it was written for.
   */
  | {
      type: 'commit';
      utteranceId: number;
      text: string;
      /** Audio seconds where the last word ended. */
      lastWordEndS: number;
      reason: CommitReason;
      speculated: boolean;
      speculatedText?: string;
    }
  /**
   * The caller went on speaking after the commit and before hearing the reply: cancel that
   * reply. The words merge into the same utterance; a later `commit` carries the merged text.
   */
  | { type: 'resumed'; utteranceId: number; text: string };

export interface CommitRouterStats {
  commits: number;
  speculations: number;
  /** Speculations whose meaning changed before the commit (thrown away). */
  speculationsWasted: number;
  /** Speculations kept through a change of wording with the same meaning. */
  speculationsAdopted: number;
  resumes: number;
  /** Transcript results dropped as noise (low confidence, or a lone filler outside an utterance). */
  noiseIgnored: number;
}
