/**
 * A typed client for Node services, on the Temporal client directly (no HTTP): the same input
 * schemas and rules as the API, and the same functions underneath.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { cancelProvision, checkNowProvision } from '../app/control';
import { describeProvision, provisionResult, type ProvisionReport, type ProvisionResult } from '../app/describe';
import {
  parseOrThrow,
  prepareStart,
  ProvisionFilterSchema,
  ProvisionIdSchema,
  type ProvisionFilter,
} from '../app/schemas';
import { listProvisions, type ProvisionSummary } from '../app/list';
import { applyFleet, describeFleet, type FleetReport, fleetNumbers, retryFleet, surveyPlan } from '../app/fleet';
import {
  type FleetApplied,
  type FleetApplyOptions,
  type FleetDryRun,
  FleetIdSchema,
  FleetNumbersQuerySchema,
  type FleetNumbersQuery,
  type FleetRowInput,
  nextCursor,
  pageOf,
  parseFleetApply,
  planFleetRequest,
  requireSomethingToRun,
  summarisePlan,
} from '../app/fleet-schemas';
import type { FleetNumber } from '../fleet/messages';
import type { ProvisionStart } from '../app/schemas';
import { startProvision, type StartedProvision } from '../app/start';
import {
  type LifecycleRequest,
  type NumberRequest,
  type RenameRequest,
  type StartedLifecycle,
  startLifecycle,
} from '../app/lifecycle';
import { triggerWatch, type WatchState, watchState } from '../watch/schedule';

export interface CnamClientOptions {
  client: Client;
  taskQueue: string;
  /** Given to Twilio provisionings that name no `statusCallbackUrl` (the deployment's webhook). */
  statusCallbackUrl?: string;
}

export interface CnamClient {
  /** Validates (InvalidRequestError naming every field and rule), then starts; `alreadyRunning` when the number is in progress. */
  start(input: ProvisionStart): Promise<StartedProvision>;
  /** Execution state, the workflow's status, result or failure. Throws WorkflowNotFoundError. */
  status(workflowId: string): Promise<ProvisionReport>;
  /** Matching provisionings through visibility (eventually consistent), newest first. */
  list(filter?: ProvisionFilter): Promise<ProvisionSummary[]>;
  /**
   * Gives a number a new name under its own workflow id. Validates first (InvalidRequestError naming
   * every field and rule); `alreadyRunning` when a rename of it runs; NumberBusyError when another
   * operation (its provisioning, say) does.
   */
  rename(input: RenameRequest): Promise<StartedLifecycle>;
  /** Takes the number's name off it (what no other number uses is deleted). Same errors as `rename`. */
  remove(input: NumberRequest): Promise<StartedLifecycle>;
  /** Takes over a number that shows a name at the provider: reads it, creates nothing. Same errors as `rename`. */
  adopt(input: NumberRequest): Promise<StartedLifecycle>;
  /**
   * Requests cancellation: the run undoes what it created (its status's `undo` says how each step went).
   * Throws WorkflowNotFoundError, ProvisionNotRunningError once closed, AlreadyCancellingError when a
   * cancel was requested before.
   */
  cancel(workflowId: string): Promise<void>;
  /** A waiting provisioning checks with the provider now. Same errors as `cancel`. */
  checkNow(workflowId: string): Promise<void>;
  /**
   * Waits for the end: the typed result (a provisioning's, or with `operation` a rename's, removal's or
   * adoption's), or throws the failure (WorkflowFailedError; see failureMessage).
   */
  result(workflowId: string): Promise<ProvisionResult>;
  /**
   * Plans a fleet (one name on many numbers) and, unless `dryRun`, starts it: `alreadyRunning` when it
   * runs, `started: false` when earlier runs settled (did or failed) every number. InvalidRequestError
   * naming `rows.<line>.<field>` for a malformed request, or with every refusal when no row is left to start.
   */
  applyFleet(rows: FleetRowInput[], options?: FleetApplyOptions): Promise<FleetDryRun | FleetApplied>;
  /** The fleet's state, counts and summary, or its failure. Throws WorkflowNotFoundError. */
  fleetStatus(fleetId: string): Promise<FleetReport>;
  /** A page of the fleet's numbers; pass `nextCursor` back as `cursor` until it is null. Throws WorkflowNotFoundError. */
  fleetNumbers(fleetId: string, page?: FleetNumbersQuery): Promise<FleetNumbersPage>;
  /**
   * Runs the failed numbers of a finished fleet again. Throws FleetNotRetryableError while it runs or when
   * no number failed (the API's 409), WorkflowNotFoundError for an unknown fleet.
   */
  retryFleet(fleetId: string): Promise<{ fleetId: string; retried: number }>;
  /**
   * The drift watch (`cnam watch`): its schedule (null when not enabled), the latest completed
   * reconciliation's report (null before the first), and the reconciliations running now.
   */
  watchReport(): Promise<WatchState>;
  /**
   * Runs the reconciliation now through the watch schedule; `alreadyRunning` (none started) when one
   * runs. Throws WatchNotEnabledError when there is no schedule (the API's 404).
   */
  runWatch(): Promise<{ workflowId: string; alreadyRunning: boolean }>;
}

export interface FleetNumbersPage {
  fleetId: string;
  numbers: FleetNumber[];
  /** Numbers matching the filter. */
  total: number;
  nextCursor: string | null;
}

export function createCnamClient(options: CnamClientOptions): CnamClient {
  const { client, taskQueue } = options;
  const idSchema = z.object({ workflowId: ProvisionIdSchema });
  const id = (workflowId: string) => parseOrThrow(idSchema, { workflowId }).workflowId;
  const fleetIdSchema = z.object({ fleetId: FleetIdSchema });
  const fleetId = (value: string) => parseOrThrow(fleetIdSchema, { fleetId: value }).fleetId;
  const defaults = { statusCallbackUrl: options.statusCallbackUrl };
  const lifecycle = (request: LifecycleRequest) => startLifecycle(client, taskQueue, request, defaults);
  return {
    // async throughout, so a validation error is a rejection like every other failure.
    start: async (input) => startProvision(client, taskQueue, prepareStart(input, defaults)),
    rename: async (input) => lifecycle({ ...input, operation: 'rename' }),
    remove: async (input) => lifecycle({ ...input, operation: 'remove' }),
    adopt: async (input) => lifecycle({ ...input, operation: 'adopt' }),
    status: async (workflowId) => describeProvision(client, id(workflowId)),
    list: async (filter = {}) => listProvisions(client, parseOrThrow(ProvisionFilterSchema, filter)),
    cancel: async (workflowId) => {
      await cancelProvision(client, id(workflowId));
    },
    checkNow: async (workflowId) => {
      await checkNowProvision(client, id(workflowId));
    },
    result: async (workflowId) => provisionResult(client, id(workflowId)),
    applyFleet: async (rows, fleetOptions = {}) => {
      const request = parseFleetApply({ ...fleetOptions, rows });
      const plan = requireSomethingToRun(
        await surveyPlan(
          client,
          taskQueue,
          planFleetRequest(request, { statusCallbackUrl: options.statusCallbackUrl }),
        ),
        request,
      );
      if (request.dryRun) return { fleetId: plan.fleetId, dryRun: true, plan: summarisePlan(plan) };
      const started = await applyFleet(client, taskQueue, plan, {
        ...(request.maxConcurrentGroups && { maxConcurrentGroups: request.maxConcurrentGroups }),
      });
      return { dryRun: false, ...started, plan: summarisePlan(plan) };
    },
    fleetStatus: async (value) => describeFleet(client, fleetId(value)),
    retryFleet: async (value) => {
      const { retried } = await retryFleet(client, taskQueue, fleetId(value));
      return { fleetId: value, retried };
    },
    fleetNumbers: async (value, query = {}) => {
      const page = pageOf(parseOrThrow(FleetNumbersQuerySchema, query));
      const found = await fleetNumbers(client, fleetId(value), page);
      return { fleetId: value, ...found, nextCursor: nextCursor(page.offset, found.numbers.length, found.total) };
    },
    watchReport: async () => watchState(client),
    runWatch: async () => triggerWatch(client),
  };
}

export {
  AlreadyCancellingError,
  InvalidRequestError,
  NumberBusyError,
  ProvisionNotRunningError,
  failureMessage,
} from '../app/errors';
export type { LifecycleResult } from '../core/lifecycle';
export type { NumberRequest, RenameRequest, StartedLifecycle } from '../app/lifecycle';
export type { ProvisionReport, ProvisionResult } from '../app/describe';
export type { ProvisionSummary } from '../app/list';
export { FleetNotRetryableError } from '../app/fleet';
export type { FleetReport, StartedFleet } from '../app/fleet';
export type {
  FleetApplied,
  FleetApplyOptions,
  FleetDryRun,
  FleetNumbersQuery,
  FleetPlanSummary,
  FleetRowInput,
} from '../app/fleet-schemas';
export type { FleetNumber } from '../fleet/messages';
export type { ProvisionFilter, ProvisionStart } from '../app/schemas';
export type { StartedProvision } from '../app/start';
export { WatchNotEnabledError } from '../watch/schedule';
export type { WatchReport, WatchSchedule, WatchState } from '../watch/schedule';
export type { DriftItem, DriftKind, ReconcileResult } from '../watch/drift';
export type { NumberVerification, Verification, VerificationOutcome } from '../core/verification';
// For services that receive this deployment's webhook notifications (CNAM_NOTIFY_URL).
export { NotificationVerificationError, verifyNotification } from '../notify/signature';
export type { NotificationEvent, NotificationType } from '../notify/events';
