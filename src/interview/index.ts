/**
 * The interview: definitions as data, the pure state machine, prompts and intents.
 *
 * Driving it (the call orchestrator):
 * 1. `let state = createInterview(registry.get(id), { dtmfZeroEndsCall })`; on the stream's `start`,
 *    `transition(state, { type: 'call_started', atMs: clock.now(), context })`.
 * 2. After every `transition`, keep the new state and carry out the effects in order:
 *    - `start_timer` / `cancel_timer`: one Clock timer per name (a start replaces the old one); when it
 *      fires, send `timer_fired` with that name.
 *    - `say` / `request_reply`: queue speech in order. A reply is `systemPrompt` + the heard history
 *      as messages + `tools`; start it once the speech before it is fully generated. Pre-rendered
 *      audio may serve `purpose: 'greeting_opening'` (its text is `greetingOpening(definition)`).
 *      Never clear speech with `interruptible: false`. Forward each tool call as `llm_tool_called`
 *      with the reply's `speechId`. When a speech is over (last mark back, interrupted, or no audio),
 *      send `agent_speech_finished` with what the caller heard.
 *    - `answer_tool_call`: append the `tool` message to the history. `cancel_speech`: drop that speech.
 *    - `stage_started` / `stage_ended` / `dtmf_logged` / `end_call`: write to the call record.
 *    - `hang_up`: close the media stream (the goodbye has played).
 * 3. Feed `candidate_speech_started` when the STT hears words, `candidate_utterance_committed` on each
 *    router commit, `dtmf_received`, `caller_hung_up` on `stop`/close, `service_shut_down` when the
 *    service cuts the call off, `error_occurred` on a fatal error.
 * 4. Stamp every event with the same clock (`atMs`); `currentStage(state)` gives the transcript's stage.
 */
export * from './definition.js';
export * from './events.js';
export * from './greeting.js';
export * from './intents.js';
export {
  CALL_ERASED_REASON,
  createInterview,
  SERVICE_SHUT_DOWN_REASON,
  SHUTDOWN_GOODBYE,
  transition,
} from './machine.js';
export * from './prompts.js';
export * from './registry.js';
export { currentStage, type InterviewPhase, type InterviewState, initialState, openQuestions } from './state.js';
export * from './tools.js';
