/** Calendar dates relative to today (UTC), for back-dated events. */
export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
