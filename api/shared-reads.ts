/**
 * Identical reads in flight at once share one call: twenty supervisors opening the overview
 * together cost the visibility store one set of counts, not twenty. Nothing is kept once the call
 * has answered, so a caller who joins gets an answer read at most one call's time before it asked.
 */
export function sharedWhileInFlight<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = read(key).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
