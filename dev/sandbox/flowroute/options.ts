import { checkRateLimit, type RateLimit, type ResolvedRateLimit } from '../shared/rate-limit';

/** How the emulated account behaves; every field has a default suited to local development. */
export interface FlowrouteSandboxOptions {
  /** Defaults to 'sandbox-access-key'. */
  accessKey?: string;
  /** Defaults to 'sandbox-secret-key'. */
  secretKey?: string;
  /** 11-digit numbers on the account; defaults to DEFAULT_SANDBOX_NUMBERS. */
  numbers?: string[];
  /** Time from create (or update) until review decides; defaults to 5000, 0 decides on the first read. */
  approvalDelayMs?: number;
  /** Defaults to true; false keeps records pending until approve/reject through the admin controls. */
  autoReview?: boolean;
  /** Clock for review timing, timestamps and the rate limit's refill; defaults to Date.now. */
  now?: () => number;
  /** Requests per second the API accepts before answering 429; defaults to null, no limit. */
  rateLimit?: RateLimit | null;
}

export const DEFAULT_SANDBOX_NUMBERS = ['12065550100', '12065550101', '12065550102', '13125550100'];

/** What the account state and its review need: the numbers it starts with, review timing and the clock. */
export interface StoreConfig {
  numbers: string[];
  approvalDelayMs: number;
  autoReview: boolean;
  now: () => number;
}

/** Options with every default applied. */
export interface ResolvedOptions extends StoreConfig {
  accessKey: string;
  secretKey: string;
  rateLimit: ResolvedRateLimit | null;
}

/** Applies the defaults; throws when the rate limit is malformed. */
export function resolveOptions(options: FlowrouteSandboxOptions = {}): ResolvedOptions {
  const rateLimit = checkRateLimit(options.rateLimit ?? null);
  if (typeof rateLimit === 'string') throw new Error(`Flowroute sandbox: ${rateLimit}`);
  return {
    accessKey: options.accessKey ?? 'sandbox-access-key',
    secretKey: options.secretKey ?? 'sandbox-secret-key',
    numbers: [...(options.numbers ?? DEFAULT_SANDBOX_NUMBERS)],
    approvalDelayMs: options.approvalDelayMs ?? 5000,
    autoReview: options.autoReview ?? true,
    now: options.now ?? Date.now,
    rateLimit,
  };
}
