/** The interview: definitions as data, the pure state machine, prompts and intents. */
export * from './definition.js';
export * from './events.js';
export * from './greeting.js';
export * from './intents.js';
export { createInterview, transition } from './machine.js';
export * from './prompts.js';
export * from './registry.js';
export { currentStage, type InterviewPhase, type InterviewState, initialState, openQuestions } from './state.js';
export * from './tools.js';
