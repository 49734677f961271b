/**
 * Starts the provider sandboxes together (used by `cnam sandbox` and `npm run dev`) and
 * describes the environment a worker needs to talk to them.
 */
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from './flowroute';

export interface SandboxesOptions {
  host?: string;
  flowroutePort?: number;
  /** Review delay for new Flowroute records; 0 decides on the first read. */
  flowrouteApprovalDelayMs?: number;
  /** False keeps records pending until approved/rejected through the admin surface. */
  autoReview?: boolean;
}

export interface RunningSandboxes {
  flowroute: RunningFlowrouteSandbox;
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
  });
  return {
    flowroute,
    workerEnv: {
      FLOWROUTE_BASE_URL: flowroute.url,
      FLOWROUTE_ACCESS_KEY: accessKey,
      FLOWROUTE_SECRET_KEY: secretKey,
    },
    close: async () => {
      await flowroute.close();
    },
  };
}
