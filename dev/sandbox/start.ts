/**
 * Starts the provider sandboxes together (used by `npm run sandbox` and `npm run dev`) and
 * describes the environment a worker needs to talk to them.
 */
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from './flowroute';
import type { RateLimit } from './shared/rate-limit';
import { startTwilioSandbox, type RunningTwilioSandbox } from './twilio';

export interface SandboxesOptions {
  host?: string;
  flowroutePort?: number;
  twilioPort?: number;
  /** Review delay for new Flowroute records; 0 decides on the first read. */
  flowrouteApprovalDelayMs?: number;
  /** Time from `in-review` to Twilio's decision; 0 decides at once. */
  twilioDecisionDelayMs?: number;
  /** False: nothing is decided until approved/rejected through the admin surfaces. */
  autoReview?: boolean;
  /** Each sandbox's own request-rate limit (429 beyond it); defaults to none. */
  rateLimit?: RateLimit | null;
  /** Numbers on the Flowroute account (11 digits) instead of the default ones. */
  flowrouteNumbers?: string[];
  /** Time from a CNAM's registration until Lookup dips show it; defaults to 0. */
  lookupPropagationMs?: number;
}

export interface RunningSandboxes {
  flowroute: RunningFlowrouteSandbox;
  twilio: RunningTwilioSandbox;
  /** The worker's provider variables pointing at these sandboxes (sandbox-only credentials). */
  workerEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startSandboxes(options: SandboxesOptions = {}): Promise<RunningSandboxes> {
  const host = options.host ?? '127.0.0.1';
  const accessKey = 'sandbox-access-key';
  const secretKey = 'sandbox-secret-key';
  const flowroute = await startFlowrouteSandbox({
    host,
    port: options.flowroutePort ?? 0,
    accessKey,
    secretKey,
    ...(options.flowrouteApprovalDelayMs !== undefined && { approvalDelayMs: options.flowrouteApprovalDelayMs }),
    ...(options.autoReview !== undefined && { autoReview: options.autoReview }),
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    ...(options.flowrouteNumbers && { numbers: options.flowrouteNumbers }),
  });
  const twilio = await startTwilioSandbox({
    host,
    port: options.twilioPort ?? 0,
    inReviewDelayMs: Math.min(1_000, options.twilioDecisionDelayMs ?? 1_000),
    ...(options.twilioDecisionDelayMs !== undefined && { decisionDelayMs: options.twilioDecisionDelayMs }),
    ...(options.autoReview !== undefined && { autoReview: options.autoReview }),
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    // Lookup dips see one network: the Flowroute account's approved presets as well as Twilio's own CNAMs.
    lookupSources: [(e164) => flowroute.registeredCnam(e164)],
    ...(options.lookupPropagationMs !== undefined && { lookupPropagationMs: options.lookupPropagationMs }),
  });
  return {
    flowroute,
    twilio,
    workerEnv: {
      FLOWROUTE_BASE_URL: flowroute.url,
      FLOWROUTE_ACCESS_KEY: accessKey,
      FLOWROUTE_SECRET_KEY: secretKey,
      TWILIO_BASE_URL: twilio.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
    },
    close: async () => {
      await Promise.all([flowroute.close(), twilio.close()]);
    },
  };
}
