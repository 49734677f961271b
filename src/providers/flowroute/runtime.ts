/** The worker side of Flowroute: the API client from FLOWROUTE_* variables, and the activities around it. */
import { z } from 'zod';
import type { ProviderRuntime } from '../../core/provider';
import { optionalText, parseEnv } from '../../config/env';
import { createFlowrouteActivities } from './activities';
import { FlowrouteClient } from './client';
import { createFlowrouteWatchActivities } from './watch-activities';

const envSchema = z
  .object({
    FLOWROUTE_ACCESS_KEY: optionalText,
    FLOWROUTE_SECRET_KEY: optionalText,
    FLOWROUTE_BASE_URL: z.url().default('https://api.flowroute.com'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.FLOWROUTE_ACCESS_KEY) !== Boolean(env.FLOWROUTE_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['FLOWROUTE_SECRET_KEY'],
        message: 'FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY go together: set both or neither',
      });
    }
  });

export const flowrouteRuntime: ProviderRuntime<FlowrouteClient> = {
  clientFromEnv(processEnv, { timeoutMs }) {
    const env = parseEnv(envSchema, processEnv, 'Flowroute');
    if (!env.FLOWROUTE_ACCESS_KEY || !env.FLOWROUTE_SECRET_KEY) return null;
    return new FlowrouteClient({
      baseUrl: env.FLOWROUTE_BASE_URL,
      accessKey: env.FLOWROUTE_ACCESS_KEY,
      secretKey: env.FLOWROUTE_SECRET_KEY,
      timeoutMs,
    });
  },
  createActivities: (client) => ({
    ...createFlowrouteActivities({ flowroute: client }),
    ...createFlowrouteWatchActivities({ flowroute: client }),
  }),
};
