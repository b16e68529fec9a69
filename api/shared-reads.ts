/**
 * Identical reads in flight at once share one call: twenty supervisors opening the overview
 * together cost the visibility store one set of counts and one of watch-list searches, not twenty.
 * Nothing is kept once the call has answered, so a caller who joins gets an answer read at most one
 * call's time before it asked.
 */
export function sharedWhileInFlight<A, T>(
  read: (arg: A) => Promise<T>,
  keyOf: (arg: A) => string,
): (arg: A) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (arg) => {
    const key = keyOf(arg);
    const running = inFlight.get(key);
    if (running) return running;
    const started = read(arg).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
