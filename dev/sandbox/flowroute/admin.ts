import { Hono } from 'hono';
import { checkRateLimit, type RateLimit, type ResolvedRateLimit } from '../shared/rate-limit';
import { flowrouteDatetime } from './documents';
import { validateFault, type ActiveFlowrouteFault, type Fault } from './faults';
import type { StoreConfig } from './options';
import { numbersInOrder, numbersUsing, recordsInOrder, type CnamStatus, type FlowrouteSandboxState } from './store';

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
  /** 429s the API answered, from the rate limit or an injected fault. */
  http429: number;
  /** Armed faults with how often each matched and fired; spent one-shot faults are gone. */
  faults: ActiveFlowrouteFault[];
}

/** A copy of the state in the snapshot's shape: ids as strings, times as Flowroute and ISO strings. */
export function snapshotState(
  state: FlowrouteSandboxState,
  config: StoreConfig,
  faults: ActiveFlowrouteFault[],
): FlowrouteSandboxSnapshot {
  const numbers = numbersInOrder(state);
  return {
    now: new Date(config.now()).toISOString(),
    config: { numbers: [...config.numbers], approvalDelayMs: config.approvalDelayMs, autoReview: config.autoReview },
    records: recordsInOrder(state).map((r) => ({
      id: String(r.id),
      value: r.value,
      status: r.status,
      rejectionReason: r.rejectionReason,
      creationDatetime: flowrouteDatetime(r.createdAtMs),
      approvalDatetime: r.approvedAtMs === null ? null : flowrouteDatetime(r.approvedAtMs),
      reviewDueAt: new Date(r.reviewDueAtMs).toISOString(),
      numberIds: numbersUsing(state, r.id).map((n) => n.id),
    })),
    numbers: numbers.map((n) => ({ id: n.id, cnamId: n.cnamId === null ? null : String(n.cnamId) })),
    assignments: Object.fromEntries(numbers.filter((n) => n.cnamId !== null).map((n) => [n.id, String(n.cnamId)])),
    requestCounts: { ...state.requestCounts },
    writeCounts: { ...state.writeCounts },
    http429: state.http429,
    faults,
  };
}

/** What the admin routes drive; the same controls the in-process object exposes. */
export interface AdminControls {
  snapshot(): FlowrouteSandboxSnapshot;
  has(id: string): boolean;
  hasNumber(id: string): boolean;
  approve(id: string): void;
  reject(id: string, reason: string): void;
  injectFault(fault: Fault): ActiveFlowrouteFault;
  clearFaults(): void;
  faults(): ActiveFlowrouteFault[];
  rateLimit(): ResolvedRateLimit | null;
  setRateLimit(limit: RateLimit | null): ResolvedRateLimit | null;
  reset(): void;
  setNumberCnam(numberId: string, cnamId: string | null): void;
  releaseNumber(numberId: string): void;
}

/** `/__sandbox/*`: unauthenticated test controls, never part of Flowroute's API. */
export function adminRoutes(controls: AdminControls): Hono {
  const app = new Hono();
  app.get('/__sandbox/state', (c) => c.json(controls.snapshot()));

  app.post('/__sandbox/cnams/:id/approve', (c) => {
    const id = c.req.param('id');
    if (!controls.has(id)) return c.json({ error: `no CNAM record ${id}` }, 404);
    controls.approve(id);
    return c.json({ ok: true });
  });

  app.post('/__sandbox/cnams/:id/reject', async (c) => {
    const id = c.req.param('id');
    if (!controls.has(id)) return c.json({ error: `no CNAM record ${id}` }, 404);
    const body: unknown = await c.req.json().catch(() => undefined);
    const reason = typeof body === 'object' && body !== null && 'reason' in body ? body.reason : undefined;
    if (typeof reason !== 'string' || reason.trim() === '')
      return c.json({ error: 'body must be {"reason": "..."}' }, 400);
    controls.reject(id, reason);
    return c.json({ ok: true });
  });

  app.post('/__sandbox/faults', async (c) => {
    const fault = validateFault(await c.req.json().catch(() => undefined));
    if (typeof fault === 'string') return c.json({ error: fault }, 400);
    return c.json({ ok: true, fault: controls.injectFault(fault) }, 201);
  });

  app.get('/__sandbox/faults', (c) => c.json({ faults: controls.faults() }));

  app.delete('/__sandbox/faults', (c) => {
    controls.clearFaults();
    return c.body(null, 204);
  });

  // The body is the limit itself, or null to lift it; both routes answer the limit in force.
  app.get('/__sandbox/rate-limit', (c) => c.json(controls.rateLimit()));

  app.put('/__sandbox/rate-limit', async (c) => {
    const limit = checkRateLimit(await c.req.json().catch(() => undefined));
    if (typeof limit === 'string') return c.json({ error: limit }, 400);
    return c.json(controls.setRateLimit(limit));
  });

  // Drift: what someone changes in Flowroute's portal, or a number leaving the account.
  app.put('/__sandbox/numbers/:numberId/cnam', async (c) => {
    const numberId = c.req.param('numberId');
    if (!controls.hasNumber(numberId)) return c.json({ error: `no number ${numberId} on the account` }, 404);
    const body: unknown = await c.req.json().catch(() => undefined);
    const cnamId = typeof body === 'object' && body !== null && 'cnamId' in body ? body.cnamId : undefined;
    if (cnamId !== null && typeof cnamId !== 'string')
      return c.json({ error: 'body must be {"cnamId": "<record id>"} or {"cnamId": null}' }, 400);
    if (cnamId !== null && !controls.has(cnamId)) return c.json({ error: `no CNAM record ${cnamId}` }, 404);
    controls.setNumberCnam(numberId, cnamId);
    return c.json({ id: numberId, cnamId });
  });

  app.delete('/__sandbox/numbers/:numberId', (c) => {
    const numberId = c.req.param('numberId');
    if (!controls.hasNumber(numberId)) return c.json({ error: `no number ${numberId} on the account` }, 404);
    controls.releaseNumber(numberId);
    return c.body(null, 204);
  });

  app.post('/__sandbox/reset', (c) => {
    controls.reset();
    return c.body(null, 204);
  });
  return app;
}
