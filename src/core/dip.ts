/**
 * The CNAM dip as the core sees it: one activity, `dipCallerName`, on the workflows' own queue, for
 * numbers of any provider. A provider whose API can dip (Twilio Lookup) supplies it through its
 * runtime's `createSharedActivities`; without one, the core's answers "not configured".
 */
import type { DipAnswer } from './verification';

export type DipResult = { configured: false; detail: string } | ({ configured: true } & DipAnswer);

export interface DipActivities {
  /** One billed dip of one number: what the network shows as its caller name. Read only. */
  dipCallerName(input: { e164: string }): Promise<DipResult>;
}

/** The fallback when no registered provider can dip. */
export function createNoDipActivities(): DipActivities {
  return {
    async dipCallerName() {
      return { configured: false, detail: 'no provider on this worker can make CNAM dips' };
    },
  };
}
