import type { Hono } from 'hono';
import { validateFault, type ActiveFlowrouteFault, type Fault } from './faults';

/** What the admin routes drive; the same controls the in-process object exposes. */
export interface SandboxControls {
  snapshot(): unknown;
  has(id: string): boolean;
  approve(id: string): void;
  reject(id: string, reason: string): void;
  injectFault(fault: Fault): ActiveFlowrouteFault;
  clearFaults(): void;
  faults(): ActiveFlowrouteFault[];
  reset(): void;
}

/** `/__sandbox/*`: unauthenticated test controls, never part of Flowroute's API. */
export function registerAdminRoutes(app: Hono, controls: SandboxControls): void {
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
    if (typeof reason !== 'string' || reason.trim() === '') return c.json({ error: 'body must be {"reason": "..."}' }, 400);
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

  app.post('/__sandbox/reset', (c) => {
    controls.reset();
    return c.body(null, 204);
  });
}
