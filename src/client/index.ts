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
import type { ProvisionStart } from '../app/schemas';
import { startProvision, type StartedProvision } from '../app/start';

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
    start: async (input) =>
      startProvision(client, taskQueue, prepareStart(input, { statusCallbackUrl: options.statusCallbackUrl })),
    status: async (workflowId) => describeProvision(client, id(workflowId)),
    list: async (filter = {}) => listProvisions(client, parseOrThrow(ProvisionFilterSchema, filter)),
    cancel: async (workflowId) => {
      await cancelProvision(client, id(workflowId));
    },
    checkNow: async (workflowId) => {
      await checkNowProvision(client, id(workflowId));
    },
    result: async (workflowId) => provisionResult(client, id(workflowId)),
  };
}

export { InvalidRequestError, ProvisionNotRunningError, failureMessage } from '../app/errors';
export type { ProvisionReport, ProvisionResult } from '../app/describe';
export type { ProvisionSummary } from '../app/list';
export type { ProvisionFilter, ProvisionStart } from '../app/schemas';
export type { StartedProvision } from '../app/start';
