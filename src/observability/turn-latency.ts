/**
 * Per-turn latency on the media clock (Twilio's stream time, ms since the stream started),
 * which is what the caller experiences. Speech end comes from the STT word timings, which are
 * on the same axis because the caller's audio reaches STT as Twilio stamps it.
 */
export interface TurnMarks {
  turn: number;
  /** End of the caller's last word. */
  speechEndAt?: number;
  commitAt?: number;
  llmFirstTokenAt?: number;
  ttsFirstByteAt?: number;
  firstAudioSentAt?: number;
  firstAudioHeardAt?: number;
  /** The reply came from a speculative generation started before the commit. */
  speculative?: boolean;
}

export interface TurnLatency extends TurnMarks {
  commitDelayMs?: number;
  voiceToVoiceSentMs?: number;
  voiceToVoiceHeardMs?: number;
}

function since(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : Math.round(to - from);
}

export function summarizeTurn(marks: TurnMarks): TurnLatency {
  const out: TurnLatency = { ...marks };
  const commitDelayMs = since(marks.speechEndAt, marks.commitAt);
  const sent = since(marks.speechEndAt, marks.firstAudioSentAt);
  const heard = since(marks.speechEndAt, marks.firstAudioHeardAt);
  if (commitDelayMs !== undefined) out.commitDelayMs = commitDelayMs;
  if (sent !== undefined) out.voiceToVoiceSentMs = sent;
  if (heard !== undefined) out.voiceToVoiceHeardMs = heard;
  return out;
}
