/** An AbortController tied to a parent signal for as long as it is needed. */

/**
 * A controller of its own that also aborts with `parent` (the call's signal), until `unlink`
 * (or its own abort) removes the listener, so the call's signal holds one per item in flight.
 */
export function linkedController(parent: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, unlink: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  const unlink = () => parent.removeEventListener('abort', onAbort);
  parent.addEventListener('abort', onAbort, { once: true });
  controller.signal.addEventListener('abort', unlink, { once: true });
  return { controller, unlink };
}
