/**
 * Faults both emulators can inject, matched by method and path prefix. Each emulator adds its own
 * error-body fields (Flowroute `title`/`detail`, Twilio `code`/`message`) and answers in its own format.
 */
import { seededRandom } from './random';

/**
 * - `status` (default): answer with `status` after `delayMs`, or only delay when no status is given.
 * - `reset`: drop the connection before the request is applied.
 * - `lost-response`: apply the request, then drop the connection instead of answering.
 * - `slow-write`: apply the request after `delayMs` even if the client has gone by then.
 */
export const FAULT_KINDS = ['status', 'reset', 'lost-response', 'slow-write'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The fields every emulator's fault has. */
export interface FaultSpec {
  method?: string;
  /** Path prefix, so an exact path matches too. */
  path?: string;
  kind?: FaultKind;
  status?: number;
  /** How many times it fires; defaults to 1, or to "until cleared" when `rate` is set. */
  count?: number;
  /** Fraction (0 < rate <= 1) of matching requests it fires on. */
  rate?: number;
  /** Makes the `rate` draws repeatable. */
  seed?: number;
  delayMs?: number;
  /** Seconds for Retry-After; null sends no header (Twilio's 429 otherwise adds `Retry-After: 1`). */
  retryAfterSeconds?: number | null;
}

/** A fault as the sandbox holds and shows it. */
export type ActiveFault<F extends FaultSpec = FaultSpec> = F & {
  /** Firings left; null when it lasts until cleared. */
  remaining: number | null;
  /** Matching requests seen, fired or not. */
  matched: number;
  fired: number;
};

/** The emulator-specific fields and the status codes that emulator accepts. */
export interface FaultShape {
  extraFields: Record<string, 'string' | 'number'>;
  minStatus: number;
}

const COMMON_FIELDS: Record<string, 'string' | 'number'> = {
  method: 'string',
  path: 'string',
  kind: 'string',
  status: 'number',
  count: 'number',
  rate: 'number',
  seed: 'number',
  delayMs: 'number',
};

/** Checks a fault from an untyped source; returns the problem as a message, or the fault. */
export function checkFault<F extends FaultSpec>(input: unknown, shape: FaultShape): F | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'fault must be a JSON object';
  const f = input as Record<string, unknown>;
  const types = { ...COMMON_FIELDS, ...shape.extraFields };
  for (const [key, value] of Object.entries(f)) {
    if (value === undefined) continue;
    if (key === 'retryAfterSeconds') {
      if (value !== null && (typeof value !== 'number' || !(value >= 0)))
        return 'retryAfterSeconds must be a non-negative number or null';
      continue;
    }
    const type = types[key];
    // A typo must fail loudly instead of leaving a fault that never matches.
    if (!type) return `unknown fault field ${key}`;
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) return `${key} must be a ${type}`;
  }
  const fault = f as F;
  const kind = fault.kind ?? 'status';
  if (!FAULT_KINDS.includes(kind)) return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  if (fault.status !== undefined) {
    if (kind !== 'status') return `status only applies to kind "status"`;
    if (!Number.isInteger(fault.status) || fault.status < shape.minStatus || fault.status > 599) {
      return `fault status must be an integer between ${shape.minStatus} and 599`;
    }
  }
  if (fault.delayMs !== undefined && fault.delayMs < 0) return 'delayMs must not be negative';
  if (kind === 'status' && fault.status === undefined && !fault.delayMs) return 'fault needs a status or a delayMs';
  if (kind === 'slow-write' && !fault.delayMs) return 'a slow-write fault needs a delayMs';
  if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1))
    return 'fault count must be a positive integer';
  if (fault.rate !== undefined && !(fault.rate > 0 && fault.rate <= 1))
    return 'rate must be greater than 0 and at most 1';
  if (fault.seed !== undefined && !Number.isInteger(fault.seed)) return 'seed must be an integer';
  return { ...fault, ...(fault.method !== undefined && { method: fault.method.toUpperCase() }) };
}

/** Armed faults, checked in the order they were injected; the first one that fires wins. */
export class FaultTable<F extends FaultSpec> {
  readonly #entries: ActiveFault<F>[];
  // Kept beside the entries so the entries stay plain JSON for snapshots.
  readonly #draws = new WeakMap<ActiveFault<F>, () => number>();

  /** `entries` is the list to keep them in, for an emulator whose state object exposes it. */
  constructor(entries: ActiveFault<F>[] = []) {
    this.#entries = entries;
  }

  /** Arms an already checked fault. */
  add(fault: F): ActiveFault<F> {
    const remaining = fault.count ?? (fault.rate === undefined ? 1 : null);
    const entry = { ...fault, remaining, matched: 0, fired: 0 } as ActiveFault<F>;
    this.#draws.set(entry, fault.seed === undefined ? Math.random : seededRandom(fault.seed));
    this.#entries.push(entry);
    return entry;
  }

  clear(): void {
    this.#entries.splice(0);
  }

  list(): ActiveFault<F>[] {
    return this.#entries.map((f) => ({ ...f }));
  }

  /** The fault to apply to this request, if any, counting it; spent faults disappear. */
  take(method: string, path: string): ActiveFault<F> | undefined {
    const upper = method.toUpperCase();
    for (const entry of this.#entries) {
      if ((entry.method && entry.method !== upper) || (entry.path && !path.startsWith(entry.path))) continue;
      entry.matched += 1;
      const draw = this.#draws.get(entry) ?? Math.random;
      if (entry.rate !== undefined && entry.rate < 1 && draw() >= entry.rate) continue;
      entry.fired += 1;
      if (entry.remaining !== null) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.#entries.splice(this.#entries.indexOf(entry), 1);
      }
      return { ...entry };
    }
    return undefined;
  }
}
