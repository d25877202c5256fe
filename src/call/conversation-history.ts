/**
 * The LLM history of one call (ConversationHistory): what the model is shown of the conversation,
 * which is what the caller heard, never what was only planned.
 */
import type { ChatMessage, ToolCall } from '../llm/reply-stream.js';

/** Appended to an agent line the caller cut off, so the model knows it was not all heard. */
export const INTERRUPTED_MARKER = ' [interrupted]';

type AgentMessage = Extract<ChatMessage, { role: 'assistant' }>;

/** The history as it was at one moment, to go back to (a commit taken back). */
export interface HistorySnapshot {
  readonly messages: readonly ChatMessage[];
  readonly entries: ReadonlyMap<string, AgentMessage>;
}

/**
 * The conversation as the LLM sees it: candidate lines, and of the agent's lines only what the
 * caller heard. An agent line enters when its text is known (a fixed line at once, a reply when
 * it finishes generating, with its tool calls ahead of their results) and is rewritten to the
 * heard text when it finishes playing; a line nobody heard and that called no tool is dropped.
 */
export class ConversationHistory {
  private messages: ChatMessage[] = [];
  private readonly agentEntries = new Map<string, AgentMessage>();

  /** A copy to go back to when a commit is taken back. */
  snapshot(): HistorySnapshot {
    return { messages: [...this.messages], entries: new Map(this.agentEntries) };
  }

  restore(snapshot: HistorySnapshot): void {
    this.messages = [...snapshot.messages];
    this.agentEntries.clear();
    for (const [id, entry] of snapshot.entries) this.agentEntries.set(id, entry);
  }

  addCandidate(text: string): void {
    this.messages.push({ role: 'user', content: text });
  }

  /** An agent line's text is known (not yet heard). */
  agentPlanned(speechId: string, text: string, toolCalls: ToolCall[] = []): void {
    const entry: AgentMessage = toolCalls.length
      ? { role: 'assistant', content: text, toolCalls }
      : { role: 'assistant', content: text };
    this.agentEntries.set(speechId, entry);
    this.messages.push(entry);
  }

  addToolResult(toolCallId: string, content: string): void {
    this.messages.push({ role: 'tool', toolCallId, content });
  }

  /** What the caller heard of an agent line. */
  agentSaid(speechId: string, heardText: string, interrupted: boolean): void {
    const content = interrupted && heardText ? `${heardText}${INTERRUPTED_MARKER}` : heardText;
    const entry = this.agentEntries.get(speechId);
    this.agentEntries.delete(speechId);
    if (!entry) {
      if (content) this.messages.push({ role: 'assistant', content });
      return;
    }
    const index = this.messages.indexOf(entry);
    if (index < 0) return;
    if (!content && !entry.toolCalls?.length) this.messages.splice(index, 1);
    else this.messages[index] = { ...entry, content };
  }

  /** The messages for a request: the stage's system prompt, the history, and a pending candidate line. */
  forRequest(systemPrompt: string, pendingCandidate?: string): ChatMessage[] {
    const out: ChatMessage[] = [{ role: 'system', content: systemPrompt }, ...this.messages];
    if (pendingCandidate !== undefined) out.push({ role: 'user', content: pendingCandidate });
    return out;
  }

  get length(): number {
    return this.messages.length;
  }
}
