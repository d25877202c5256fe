/**
 * Replay mode of the fake `/v1/listen`: instead of a word script, a session is given recorded
 * port events (SttEvents, each with the audio time it arrived at) and sends each back as the
 * Deepgram wire message the real adapter translates into that same event, once the session
 * has received that much audio. The inverse of src/stt/deepgram-results.ts on one connection.
 */
import type { SttEvent } from '../../src/stt/stt-stream.js';

/** One recorded STT event and the audio time it is due at. */
export interface RecordedListenEvent {
  /** Audio seconds received when the event is sent. */
  audioS: number;
  event: SttEvent;
}

/** Due events in recorded order; an event is never sent before an earlier one. */
export class ListenReplay {
  private next = 0;
  private readonly events: readonly RecordedListenEvent[];

  constructor(events: readonly RecordedListenEvent[]) {
    this.events = [...events];
  }

  /** Events not sent yet. */
  get pending(): number {
    return this.events.length - this.next;
  }

  /** Events due once `audioS` seconds of audio have been received. */
  advance(audioS: number): SttEvent[] {
    const due: SttEvent[] = [];
    for (let e = this.events[this.next]; e && e.audioS <= audioS + 1e-9; e = this.events[this.next]) {
      due.push(e.event);
      this.next++;
    }
    return due;
  }
}

/** The Deepgram live message that the real adapter translates back into `event`. */
export function toListenWireMessage(event: SttEvent, requestId: string): Record<string, unknown> {
  switch (event.type) {
    case 'speech-started':
      return { type: 'SpeechStarted', channel: [0, 1], timestamp: event.atS };
    case 'utterance-end':
      return { type: 'UtteranceEnd', channel: [0, 1], last_word_end: event.lastWordEndS };
    case 'transcript': {
      const confidence = event.words.length
        ? event.words.reduce((sum, w) => sum + w.confidence, 0) / event.words.length
        : 0;
      return {
        type: 'Results',
        channel_index: [0, 1],
        duration: event.durationS,
        start: event.startS,
        is_final: event.isFinal,
        speech_final: event.speechFinal,
        from_finalize: false,
        channel: {
          alternatives: [
            {
              transcript: event.text,
              confidence,
              words: event.words.map((w) => ({
                word: w.word,
                start: w.startS,
                end: w.endS,
                confidence: w.confidence,
                ...(w.punctuated !== undefined && { punctuated_word: w.punctuated }),
              })),
            },
          ],
        },
        metadata: {
          request_id: requestId,
          model_info: { name: '2-general-nova', version: 'replay', arch: 'nova-3' },
          model_uuid: '00000000-0000-4000-8000-000000000003',
        },
      };
    }
  }
}
