/**
 * A typed client for Node services, on the Temporal client directly (no HTTP): the same input
 * schemas and rules as the API, and the same functions underneath.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { whileRunning } from '../app/control';
import { parseOrThrow, prepareStart, ProvisionFilterSchema, ProvisionIdSchema, type ProvisionFilter } from '../app/schemas';
import { cancelProvision, checkNowProvision, listProvisions, type ProvisionSummary } from '../app/list';
import { describeProvision, startProvision, type ProvisionReport, type ProvisionStart, type StartedProvision } from '../app/start';
import type { FlowrouteProvisionResult, TwilioProvisionResult } from '../core/workflow/messages';

export interface CnamClientOptions {
  client: Client;
  taskQueue: string;
  /** Given to Twilio provisionings that name no `statusCallbackUrl` (the deployment's webhook). */
  statusCallbackUrl?: string;
}

export type ProvisionResult = FlowrouteProvisionResult | TwilioProvisionResult;

export interface CnamClient {
  /** Validates (InvalidRequestError naming every field and rule), then starts; `alreadyRunning` when the number is in progress. */
  start(input: ProvisionStart): Promise<StartedProvision>;
  /** Execution state, the workflow's status, result or failure. Throws WorkflowNotFoundError. */
  status(workflowId: string): Promise<ProvisionReport>;
  /** Matching provisionings through visibility (eventually consistent), newest first. */
  list(filter?: ProvisionFilter): Promise<ProvisionSummary[]>;
  /** Requests cancellation. Throws WorkflowNotFoundError, or ProvisionNotRunningError once closed. */
  cancel(workflowId: string): Promise<void>;
  /** A waiting provisioning checks with the provider now. Same errors as `cancel`. */
  checkNow(workflowId: string): Promise<void>;
  /** Waits for the end: the typed result, or throws the failure (WorkflowFailedError; see failureMessage). */
  result(workflowId: string): Promise<ProvisionResult>;
}

export function createCnamClient(options: CnamClientOptions): CnamClient {
  const { client, taskQueue } = options;
  const idSchema = z.object({ workflowId: ProvisionIdSchema });
  const id = (workflowId: string) => parseOrThrow(idSchema, { workflowId }).workflowId;
  return {
    // async throughout, so a validation error is a rejection like every other failure.
    start: async (input) => startProvision(client, taskQueue, prepareStart(input, { statusCallbackUrl: options.statusCallbackUrl })),
    status: async (workflowId) => describeProvision(client, id(workflowId)),
    list: async (filter = {}) => listProvisions(client, parseOrThrow(ProvisionFilterSchema, filter)),
    cancel: async (workflowId) => {
      const valid = id(workflowId);
      await whileRunning(client, valid, () => cancelProvision(client, valid));
    },
    checkNow: async (workflowId) => {
      const valid = id(workflowId);
      await whileRunning(client, valid, () => checkNowProvision(client, valid));
    },
    result: async (workflowId) => (await client.workflow.getHandle(id(workflowId)).result()) as ProvisionResult,
  };
}

export { InvalidRequestError, failureMessage, type ProvisionReport, type ProvisionStart, type StartedProvision } from '../app/start';
export { ProvisionNotRunningError, type ProvisionSummary } from '../app/list';
export type { ProvisionFilter } from '../app/schemas';
