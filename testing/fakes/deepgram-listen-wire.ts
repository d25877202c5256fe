/**
 * The fake listen engine's decisions as Deepgram live wire messages (`Results`,
 * `SpeechStarted`, `UtteranceEnd`), shared by the WebSocket session and the socket-free
 * timelines of the property tests, so both speak exactly the same protocol.
 */
import type { EngineEvent } from './deepgram-listen-engine.js';

export function toListenWire(event: EngineEvent, requestId: string): Record<string, unknown> {
  switch (event.type) {
    case 'SpeechStarted':
      return { type: 'SpeechStarted', channel: [0, 1], timestamp: event.timestamp };
    case 'UtteranceEnd':
      return { type: 'UtteranceEnd', channel: [0, 1], last_word_end: event.lastWordEnd };
    case 'Results':
      return {
        type: 'Results',
        channel_index: [0, 1],
        duration: event.duration,
        start: event.start,
        is_final: event.isFinal,
        speech_final: event.speechFinal,
        from_finalize: event.fromFinalize,
        channel: {
          alternatives: [
            { transcript: event.transcript, confidence: event.words.length ? 0.98 : 0, words: event.words },
          ],
        },
        metadata: {
          request_id: requestId,
          model_info: { name: '2-general-nova', version: '2024-01-18.26916', arch: 'nova-3' },
          model_uuid: '00000000-0000-4000-8000-000000000003',
        },
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
