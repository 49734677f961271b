/** Remembers webhook signatures for a while: Twilio makes one attempt, so a repeat is a replay. */

export interface ReplayGuard {
  /** True the first time a signature is seen within the window; false for a repeat. */
  firstSeen(signature: string): boolean;
}

/** Bounded in memory: entries expire after `ttlMs`, and beyond `max` the oldest are dropped. */
export function createReplayGuard(options: { ttlMs?: number; max?: number; now?: () => number } = {}): ReplayGuard {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>(); // signature → expiry, in insertion (= expiry) order
  return {
    firstSeen(signature) {
      const t = now();
      for (const [sig, expiry] of seen) {
        if (expiry > t && seen.size < max) break;
        seen.delete(sig);
      }
      if (seen.has(signature)) return false;
      seen.set(signature, t + ttlMs);
      return true;
    },
  };
}
