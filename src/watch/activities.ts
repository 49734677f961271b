/**
 * The reconciliation's own activities, on the workflows' queue, through the worker's Temporal client
 * (`Context.current().client`): listing every number we completed, and starting one repair.
 */
import { Context, log } from '@temporalio/activity';
import { NumberBusyError, InvalidRequestError } from '../app/errors';
import { startLifecycle, type LifecycleRequest } from '../app/lifecycle';
import { prepareStart } from '../app/schemas';
import { startProvision } from '../app/start';
import { provisionWorkflowId } from '../config/constants';
import { PROVIDERS } from '../providers';
import { listWatchedNumbers } from './completed';
import type { RepairOutcome, RepairPlan, WatchedNumber } from './drift';

export interface RepairRequest {
  provider: string;
  number: string;
  plan: RepairPlan;
  /** The task queue the repair's workflow runs on: the reconciliation's own. */
  taskQueue: string;
}

export function createWatchActivities() {
  return {
    /**
     * Every number whose latest completed run gave it a name (read only; pages through visibility), and
     * the registered providers, whose drift checks the workflow calls by name (see driftCheckActivity).
     */
    async listWatchedCnams(
      _: Record<string, never> = {},
    ): Promise<{ numbers: WatchedNumber[]; providers: { id: string; label: string }[] }> {
      const { client } = Context.current();
      const numbers = await listWatchedNumbers(client, (seen) => Context.current().heartbeat({ seen }));
      return { numbers, providers: PROVIDERS.map((p) => ({ id: p.id, label: p.label })) };
    },

    /**
     * One start of the workflow that puts a number right, under the number's own workflow id. The same
     * workflow already running there (an earlier repair, or this activity's own earlier attempt) is
     * reported, not started again; another run on the number, or a request the rules refuse, is reported too.
     */
    async startCnamRepair({ provider, number, plan, taskQueue }: RepairRequest): Promise<RepairOutcome> {
      const { client } = Context.current();
      const workflowId = provisionWorkflowId(provider, number);
      try {
        const started =
          plan.operation === 'provision'
            ? await startProvision(client, taskQueue, prepareStart({ ...plan.request, provider }))
            : await startLifecycle(client, taskQueue, {
                ...plan.request,
                provider,
                operation: plan.operation,
              } as LifecycleRequest);
        const what = plan.operation === 'provision' ? 'provisioning' : plan.operation;
        if (started.alreadyRunning)
          return {
            workflowId,
            started: false,
            detail: `a ${what} is already running on the number; not started again`,
          };
        log.info('Repair started', { workflowId, operation: plan.operation });
        return { workflowId, started: true, detail: `${what} of "${String(plan.request.displayName)}" started` };
      } catch (err) {
        if (err instanceof NumberBusyError) return { workflowId, started: false, detail: `busy: ${err.message}` };
        if (err instanceof InvalidRequestError)
          return { workflowId, started: false, detail: `refused: ${err.message.replace(/\n/g, '; ')}` };
        throw err;
      }
    },
  };
}

export type WatchActivities = ReturnType<typeof createWatchActivities>;
