/** Resolves true when `promise` resolves, false if `signal` aborts first (or already has). */
export function resolvedBeforeAbort(promise: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  const aborted = new Promise<false>((resolve) =>
    signal.addEventListener('abort', () => resolve(false), { once: true }),
  );
  return Promise.race([promise.then(() => true), aborted]);
}
