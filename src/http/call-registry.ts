import { type Clock, systemClock } from '../lib/clock.js';

export interface LiveCall {
  hangUp: () => void;
  /** Says a short goodbye and hangs up after it (drain timeout); default: hangUp. */
  sayGoodbye?: () => void;
  /** Ends the call as erased (it is being erased while live); default: hangUp. */
  erase?: () => void;
  /** The service's call id and Twilio's CallSid, from the stream's `start`. */
  callId?: string | undefined;
  callSid?: string | undefined;
}

/** A place the voice webhook holds for a call until its stream starts (or the hold lapses). */
export interface Reservation {
  /** The call id the TwiML hands the stream, once the call is stored. */
  bind(callId: string): void;
  /** The webhook could not answer with a stream: the place is free again. */
  release(): void;
}

/** How long a webhook's place waits for its stream by default, ms (Twilio connects within seconds). */
export const DEFAULT_ADMISSION_TIMEOUT_MS = 15_000;

interface Hold {
  callId?: string;
  expiresAt: number;
}

/**
 * Counts the calls this process is carrying, refuses new ones at MAX_CALLS or while draining,
 * and lets shutdown wait for the ones in progress. A call counts from its voice webhook on (a
 * reservation, so a burst of webhooks cannot overrun the limit before their streams start) until
 * its stream ends; a reservation whose stream never arrives lapses after `admissionTimeoutMs`.
 * Counting is per process: each cluster worker has its own registry and share of MAX_CALLS.
 */
export class CallRegistry {
  private readonly active = new Map<string, LiveCall>();
  private readonly holds = new Set<Hold>();
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly maxCalls: number,
    private readonly clock: Clock = systemClock,
    private readonly admissionTimeoutMs = DEFAULT_ADMISSION_TIMEOUT_MS,
  ) {}

  /** Why a new call would be refused now, or undefined if it can be taken. */
  refusal(): 'draining' | 'at-capacity' | undefined {
    if (this.draining) return 'draining';
    if (this.active.size + this.pendingHolds() >= this.maxCalls) return 'at-capacity';
    return undefined;
  }

  /** Takes a place for a webhook's call, or says why not. Synchronous, so a burst cannot overrun. */
  reserve(): Reservation | { refused: 'draining' | 'at-capacity' } {
    const refused = this.refusal();
    if (refused) return { refused };
    const hold: Hold = { expiresAt: this.clock.now() + this.admissionTimeoutMs };
    this.holds.add(hold);
    return {
      bind: (callId) => {
        hold.callId = callId;
      },
      release: () => {
        this.holds.delete(hold);
      },
    };
  }

  /**
   * Why a media stream upgrade would be refused. Only streams count here: the upgrade is most
   * likely the stream of a reservation, which must not be refused for its own place.
   */
  streamRefusal(): 'at-capacity' | undefined {
    return this.active.size >= this.maxCalls ? 'at-capacity' : undefined;
  }

  /** A media stream was accepted (counted from the upgrade on). */
  add(id: string, call: LiveCall): void {
    this.active.set(id, call);
  }

  /** The stream's `start` named its call: it takes over its webhook's place. */
  started(id: string, ids: { callId?: string | undefined; callSid?: string | undefined }): void {
    const call = this.active.get(id);
    if (!call) return;
    call.callId = ids.callId;
    call.callSid = ids.callSid;
    for (const hold of this.holds) if (ids.callId !== undefined && hold.callId === ids.callId) this.holds.delete(hold);
  }

  remove(id: string): void {
    this.active.delete(id);
    if (this.active.size === 0) {
      for (const wake of this.idleWaiters) wake();
      this.idleWaiters = [];
    }
  }

  get size(): number {
    return this.active.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  startDraining(): void {
    this.draining = true;
  }

  /** Resolves when no call is left. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Ends the call with this id or CallSid as erased, if this process carries it (erasure ends a live
   * call first); true when one was hung up. Its stream has ended when this returns.
   */
  endForErasure(idOrCallSid: string): boolean {
    let ended = false;
    for (const call of [...this.active.values()]) {
      if (call.callId !== idOrCallSid && call.callSid !== idOrCallSid) continue;
      (call.erase ?? call.hangUp)();
      ended = true;
    }
    return ended;
  }

  /** Drain timeout reached: every call still up says a short goodbye and hangs up after it. */
  sayGoodbyeAll(): void {
    for (const call of this.active.values()) (call.sayGoodbye ?? call.hangUp)();
  }

  /** Ends every call still up (drain timeout reached, and the goodbyes' bound too), as the service's doing (MediaSession.shutDown). */
  hangUpAll(): void {
    for (const call of this.active.values()) call.hangUp();
  }

  /** Reservations still waiting for their stream; lapsed ones are dropped on the way. */
  private pendingHolds(): number {
    const now = this.clock.now();
    for (const hold of this.holds) if (hold.expiresAt <= now) this.holds.delete(hold);
    return this.holds.size;
  }
}
