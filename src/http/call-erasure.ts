import type { Logger } from '../observability/logger.js';
import type { CallRegistry } from './call-registry.js';

/** Erases a call (by id or CallSid); false when there is no such call. */
export type EraseCall = (idOrCallSid: string) => Promise<boolean>;

/**
 * Erasure of a call that may still be live: the call is hung up first, so it says nothing more
 * and starts no new writes; the writes it had queued land after the erasure and the store drops
 * them (erasure-guard.ts). A call live on another instance is covered by that guard alone.
 */
export function createCallErasure(deps: {
  store: { eraseCall: EraseCall };
  registry: Pick<CallRegistry, 'endForErasure'>;
  logger: Logger;
}): EraseCall {
  return async (idOrCallSid) => {
    if (deps.registry.endForErasure(idOrCallSid))
      deps.logger.info({ callId: idOrCallSid }, 'live call ended for erasure');
    return deps.store.eraseCall(idOrCallSid);
  };
}
