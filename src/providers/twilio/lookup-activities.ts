/**
 * The CNAM dip: Twilio Lookup v2 `caller_name`, asked for numbers of any provider. It runs on the
 * workflows' own queue (Lookup is not Trust Hub, and its rate is not the CNAM provider's), with the
 * worker's Twilio credentials; without them, or with `CNAM_LOOKUP=off`, it says so and dips nothing.
 */
import type { DipResult } from '../../core/dip';
import type { Twilio } from './client';
import { twilioCall } from './activities';

/**
 * Lookup's `caller_name` object. twilio-node 6 wraps it in a class with camelCase fields; the API's own
 * snake_case names are read too, so an SDK that passes the object through unchanged still works.
 */
interface CallerNameObject {
  callerName?: string | null;
  callerType?: string | null;
  errorCode?: number | string | null;
  caller_name?: string | null;
  caller_type?: string | null;
  error_code?: number | string | null;
}

export function createLookupActivities({
  twilio,
  env = process.env,
}: {
  twilio: Twilio | null;
  env?: NodeJS.ProcessEnv;
}) {
  const off = env.CNAM_LOOKUP?.trim().toLowerCase() === 'off';
  return {
    /** One billed dip of one number: what the network shows as its caller name. Read only. */
    async dipCallerName({ e164 }: { e164: string }): Promise<DipResult> {
      if (off) return { configured: false, detail: 'CNAM dips are turned off (CNAM_LOOKUP=off)' };
      if (!twilio)
        return { configured: false, detail: 'no Twilio Lookup credentials (TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN)' };
      const found = await twilioCall(() => twilio.lookups.v2.phoneNumbers(e164).fetch({ fields: 'caller_name' }));
      const cn = (found.callerName ?? null) as CallerNameObject | null;
      const code = cn?.errorCode ?? cn?.error_code;
      return {
        configured: true,
        callerName: cn?.callerName ?? cn?.caller_name ?? null,
        callerType: cn?.callerType ?? cn?.caller_type ?? null,
        errorCode: code === null || code === undefined || code === '' ? null : Number(code),
      };
    },
  };
}
