/** The worker side of Twilio: the SDK client from TWILIO_* variables, and the activities around it. */
import { z } from 'zod';
import type { ProviderRuntime } from '../../core/provider';
import { optionalText, parseEnv } from '../../config/env';
import { createTwilioActivities } from './activities';
import { createLookupActivities } from './lookup-activities';
import { createTwilioClient, type Twilio } from './client';
import { createTwilioWatchActivities } from './watch-activities';

const envSchema = z
  .object({
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-f]{32}$/, 'must be AC followed by 32 hex digits')
      .optional(),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_KEY_SID: z
      .string()
      .regex(/^SK[0-9a-f]{32}$/, 'must be SK followed by 32 hex digits')
      .optional(),
    TWILIO_API_KEY_SECRET: optionalText,
    /** Sends every Twilio call to this origin instead of Twilio's hosts (the emulator). */
    TWILIO_BASE_URL: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TWILIO_API_KEY_SID) !== Boolean(env.TWILIO_API_KEY_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_API_KEY_SECRET'],
        message: 'TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together: set both or neither',
      });
    }
    const twilioAuth = Boolean(env.TWILIO_AUTH_TOKEN) || Boolean(env.TWILIO_API_KEY_SID);
    if (twilioAuth && !env.TWILIO_ACCOUNT_SID) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID is required with Twilio credentials',
      });
    }
  });

export const twilioRuntime: ProviderRuntime<Twilio> = {
  clientFromEnv(processEnv, { timeoutMs }) {
    const env = parseEnv(envSchema, processEnv, 'Twilio');
    if (!env.TWILIO_ACCOUNT_SID || !(env.TWILIO_AUTH_TOKEN || env.TWILIO_API_KEY_SID)) return null;
    return createTwilioClient({
      accountSid: env.TWILIO_ACCOUNT_SID,
      timeoutMs,
      ...(env.TWILIO_API_KEY_SID && env.TWILIO_API_KEY_SECRET
        ? { apiKeySid: env.TWILIO_API_KEY_SID, apiKeySecret: env.TWILIO_API_KEY_SECRET }
        : { authToken: env.TWILIO_AUTH_TOKEN }),
      ...(env.TWILIO_BASE_URL && { baseUrl: env.TWILIO_BASE_URL }),
    });
  },
  createActivities: (client) => ({
    ...createTwilioActivities({ twilio: client }),
    ...createTwilioWatchActivities({ twilio: client }),
  }),
  // CNAM dips through Twilio Lookup, for numbers of every provider.
  createSharedActivities: (client) => ({ ...createLookupActivities({ twilio: client }) }),
};
