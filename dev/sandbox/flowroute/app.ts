import { Hono } from 'hono';
import { ConnectionDropped } from '../shared/connection';
import { countRequests, countWrites } from '../shared/counters';
import { registerAdminRoutes } from './admin';
import { flowrouteDatetime } from './documents';
import { FaultQueue, flowrouteFaults, type ActiveFlowrouteFault, type Fault } from './faults';
import { basicAuth, flowrouteError } from './http';
import { registerFlowrouteRoutes } from './routes';
import { FlowrouteSandboxStore, type CnamStatus } from './store';

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
  /** Clock for review timing and timestamps; defaults to Date.now. */
  now?: () => number;
}

export const DEFAULT_SANDBOX_NUMBERS = ['12065550100', '12065550101', '12065550102', '13125550100'];

/** One record as `/__sandbox/state` shows it, with its lifecycle state spelled out. */
export interface SandboxRecordView {
  id: string;
  value: string;
  status: CnamStatus;
  rejectionReason: string | null;
  creationDatetime: string;
  approvalDatetime: string | null;
  reviewDueAt: string;
  numberIds: string[];
}

/** Everything the sandbox holds, for assertions and debugging. */
export interface FlowrouteSandboxSnapshot {
  now: string;
  config: { numbers: string[]; approvalDelayMs: number; autoReview: boolean };
  records: SandboxRecordView[];
  numbers: { id: string; cnamId: string | null }[];
  /** number → CNAM id, only for numbers that carry one. */
  assignments: Record<string, string>;
  /** Keyed `METHOD /route/pattern`; `/v2/*` means no route matched. */
  requestCounts: Record<string, number>;
  /** Writes the routes applied (2xx), keyed like requestCounts; a lost response still counts. */
  writeCounts: Record<string, number>;
  /** Armed faults with how often each matched and fired; spent one-shot faults are gone. */
  faults: ActiveFlowrouteFault[];
}

/** Controls shared by the in-process app and the running server. */
export interface FlowrouteSandboxControls {
  state: FlowrouteSandboxStore;
  snapshot(): FlowrouteSandboxSnapshot;
  approve(id: string): void;
  reject(id: string, reason: string): void;
  /** Arms a fault; throws when it is malformed. */
  injectFault(fault: Fault): ActiveFlowrouteFault;
  clearFaults(): void;
  reset(): void;
}

export interface FlowrouteSandboxApp extends FlowrouteSandboxControls {
  app: Hono;
  /** Ends pending fault delays; the server calls it on close. */
  dispose(): void;
}

/** Builds the emulator as a Hono app; serve it with startFlowrouteSandbox or call `app.request` directly. */
export function createFlowrouteSandboxApp(options: FlowrouteSandboxOptions = {}): FlowrouteSandboxApp {
  const accessKey = options.accessKey ?? 'sandbox-access-key';
  const secretKey = options.secretKey ?? 'sandbox-secret-key';
  const store = new FlowrouteSandboxStore({
    numbers: [...(options.numbers ?? DEFAULT_SANDBOX_NUMBERS)],
    approvalDelayMs: options.approvalDelayMs ?? 5000,
    autoReview: options.autoReview ?? true,
    now: options.now ?? Date.now,
  });
  const faults = new FaultQueue();
  const closing = new AbortController();

  const snapshot = (): FlowrouteSandboxSnapshot => {
    const numbers = store.allNumbers();
    const ids = (n: { cnamId: number | null }) => (n.cnamId === null ? null : String(n.cnamId));
    return {
      now: new Date(store.now()).toISOString(),
      config: { numbers: [...store.config.numbers], approvalDelayMs: store.config.approvalDelayMs, autoReview: store.config.autoReview },
      records: store.list().map((r) => ({
        id: String(r.id),
        value: r.value,
        status: r.status,
        rejectionReason: r.rejectionReason,
        creationDatetime: flowrouteDatetime(r.createdAtMs),
        approvalDatetime: r.approvedAtMs === null ? null : flowrouteDatetime(r.approvedAtMs),
        reviewDueAt: new Date(r.reviewDueAtMs).toISOString(),
        numberIds: store.numbersUsing(r.id).map((n) => n.id),
      })),
      numbers: numbers.map((n) => ({ id: n.id, cnamId: ids(n) })),
      assignments: Object.fromEntries(numbers.filter((n) => n.cnamId !== null).map((n) => [n.id, String(n.cnamId)])),
      requestCounts: store.requestCounts(),
      writeCounts: store.writeCounts(),
      faults: faults.list(),
    };
  };
  const controls: FlowrouteSandboxControls = {
    state: store,
    snapshot,
    approve: (id) => void store.approve(id),
    reject: (id, reason) => void store.reject(id, reason),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    reset: () => {
      store.reset();
      faults.clear();
    },
  };

  const app = new Hono();
  registerAdminRoutes(app, { ...controls, has: (id) => store.get(id) !== undefined, faults: () => faults.list() });
  app.use('/v2/*', countRequests((key) => store.countRequest(key)));
  app.use('/v2/*', flowrouteFaults(faults, closing.signal));
  app.use('/v2/*', countWrites((key) => store.countWrite(key)));
  app.use('/v2/*', basicAuth(() => ({ accessKey, secretKey })));
  registerFlowrouteRoutes(app, store);
  app.notFound(() => flowrouteError(404, 'Resource not found', 'The requested resource was not found.'));
  app.onError((err) => {
    // A dropped connection has nobody to answer.
    if (err instanceof ConnectionDropped) throw err;
    return flowrouteError(500, 'Internal Server Error', `Sandbox error: ${err.message}`);
  });

  return { app, ...controls, dispose: () => closing.abort() };
}
