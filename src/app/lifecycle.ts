/**
 * Rename, remove and adopt (core/lifecycle): every rule checked before anything starts, then the
 * provider's workflow started by reference under the number's own workflow id, the one its
 * provisioning has, so a number has at most one run at a time whatever it does.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { provisionWorkflowId } from '../config/constants';
import {
  LIFECYCLE_OPERATIONS,
  type LifecycleOperation,
  type LifecycleResult,
  numberOnlyInput,
} from '../core/lifecycle';
import { normalizeUsLongCode } from '../core/phone';
import type { AnyProviderModule } from '../core/provider';
import type { RequestProblem } from '../core/request-problem';
import { checkProvisionRequest } from '../core/validation-activities';
import type { Operation } from '../core/workflow/messages';
import { nameIndexing } from '../temporal/data-converter';
import { CnamDisplayName, CnamPhoneNumber, CnamProvider, CnamStep } from '../core/workflow/search-attributes';
import { PROVIDER_IDS, PROVIDERS, providerById, type ProviderId } from '../providers';
import { InvalidRequestError, NumberBusyError } from './errors';
import { zodProblems } from './schemas';
import type { StartedProvision } from './start';

/** What to do to which number: `rename` takes `displayName` and the provider's rename fields, the others only `number`. */
export type LifecycleRequest = { operation: LifecycleOperation; provider: string; number: string } & Record<
  string,
  unknown
>;

export interface StartedLifecycle extends StartedProvision {
  operation: LifecycleOperation;
}

/** `POST /v1/renames` and `CnamClient.rename`: one provider's rename input plus `provider`. */
export const RenameRequestSchema = z
  .discriminatedUnion(
    'provider',
    (PROVIDERS as readonly AnyProviderModule[]).map((p) =>
      (p.lifecycle.renameInput as unknown as z.ZodObject)
        .extend({ provider: z.literal(p.id) })
        .meta({ id: `${p.label}Rename` }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({ id: 'RenameRequest' });

/** `POST /v1/removals` and `/v1/adoptions`, `CnamClient.remove` and `adopt`: the provider and the number. */
export const NumberRequestSchema = numberOnlyInput
  .extend({ provider: z.enum(PROVIDER_IDS) })
  .meta({ id: 'NumberRequest' });

/** A rename: the provider, the number, the new name and the provider's own rename fields (its tuning options; Twilio's email and status callback). */
export type RenameRequest = { provider: ProviderId; number: string; displayName: string } & Record<string, unknown>;

/** A removal or an adoption: the provider and the number. */
export interface NumberRequest {
  provider: ProviderId;
  number: string;
}

interface PreparedLifecycle {
  provider: AnyProviderModule;
  operation: LifecycleOperation;
  e164: string;
  /** The new name (normalised) of a rename; null otherwise. */
  displayName: string | null;
  input: Record<string, unknown>;
}

/** The deployment's defaults for inputs that name none (Twilio's status callback). */
export interface LifecycleDefaults {
  statusCallbackUrl?: string | undefined;
}

/** Checks every rule of a request (fields, number, name); throws InvalidRequestError naming each problem. */
export function prepareLifecycle(request: LifecycleRequest, defaults: LifecycleDefaults = {}): PreparedLifecycle {
  const { operation, provider: id, ...fields } = request;
  if (!LIFECYCLE_OPERATIONS.includes(operation))
    throw new InvalidRequestError([
      {
        field: 'operation',
        rule: 'known-operation',
        message: `Unknown operation ${JSON.stringify(operation)}; one of ${LIFECYCLE_OPERATIONS.join(', ')}`,
      },
    ]);
  const provider = providerById(id);
  if (!provider)
    throw new InvalidRequestError([
      { field: 'provider', rule: 'known-provider', message: `Unknown provider ${JSON.stringify(id)}` },
    ]);
  const schema: z.ZodType<Record<string, unknown>> =
    operation === 'rename' ? provider.lifecycle.renameInput : numberOnlyInput;
  const parsed = schema.safeParse(fields);
  const problems: RequestProblem[] = parsed.success ? [] : zodProblems(parsed.error);
  // The rules too, on the fields whose shape is right: every broken rule is named in one answer.
  const shapeBroken = new Set(problems.map((p) => p.field));
  const rules = ruleCheck(provider, operation, fields);
  problems.push(...rules.problems.filter((p) => !shapeBroken.has(p.field)));
  if (!parsed.success || problems.length > 0 || !rules.e164) throw new InvalidRequestError(problems);
  let input: Record<string, unknown> = { ...parsed.data, number: rules.e164 };
  if (operation === 'rename') {
    input.displayName = rules.displayName;
    const takesCallback = 'statusCallbackUrl' in ((schema as unknown as z.ZodObject).shape ?? {});
    if (takesCallback && provider.withDefaults) input = provider.withDefaults(input, defaults);
  }
  return { provider, operation, e164: rules.e164, displayName: rules.displayName, input };
}

function ruleCheck(
  provider: AnyProviderModule,
  operation: LifecycleOperation,
  fields: Record<string, unknown>,
): { problems: RequestProblem[]; e164: string | null; displayName: string | null } {
  const number = typeof fields.number === 'string' ? fields.number : '';
  if (operation !== 'rename') {
    const phone = normalizeUsLongCode(number);
    return phone.ok
      ? { problems: [], e164: phone.e164, displayName: null }
      : { problems: [{ field: 'number', rule: phone.rule, message: phone.message }], e164: null, displayName: null };
  }
  const displayName = typeof fields.displayName === 'string' ? fields.displayName : '';
  const check = checkProvisionRequest(
    { [provider.id]: provider.checkName },
    { provider: provider.id, number, displayName },
  );
  return check.ok
    ? { problems: [], e164: check.value.e164, displayName: check.value.displayName }
    : { problems: check.problems, e164: null, displayName: null };
}

const SUMMARY: Record<LifecycleOperation, (label: string, e164: string, name: string | null) => string> = {
  rename: (label, e164, name) => `${label} CNAM rename to "${name}" for ${e164}`,
  remove: (label, e164) => `${label} CNAM removal for ${e164}`,
  adopt: (label, e164) => `${label} CNAM adoption of ${e164}`,
};

/**
 * Validates the request, then starts the provider's workflow for the operation under the number's
 * workflow id. The same operation already running is `alreadyRunning` (an idempotent retry); another
 * one (a provisioning, say) is NumberBusyError.
 */
export async function startLifecycle(
  client: Client,
  taskQueue: string,
  request: LifecycleRequest,
  defaults: LifecycleDefaults = {},
): Promise<StartedLifecycle> {
  const { provider, operation, e164, displayName, input } = prepareLifecycle(request, defaults);
  const workflowId = provisionWorkflowId(provider.id, e164);
  const workflow = (await provider.lifecycle.loadWorkflows())[operation] as (
    input: Record<string, unknown>,
  ) => Promise<LifecycleResult>;
  const names = nameIndexing();
  const started = await startOnNumber(client, workflowId, provider.lifecycle.workflowTypes[operation], () =>
    client.workflow.start(workflow, {
      taskQueue,
      workflowId,
      args: [input],
      staticSummary: SUMMARY[operation](provider.label, e164, displayName),
      // Filterable from the first moment; the workflow keeps them current as it moves.
      typedSearchAttributes: [
        { key: CnamProvider, value: provider.id },
        { key: CnamPhoneNumber, value: e164 },
        ...(displayName === null || !names.indexed ? [] : [{ key: CnamDisplayName, value: displayName }]),
        { key: CnamStep, value: 'validating' },
      ],
      ...(names.memo && { memo: names.memo }),
    }),
  );
  return { workflowId, ...started, operation };
}

/** The operation a workflow type carries out, from the registry; `unknown` for a type none of ours has. */
export function operationOfType(workflowType: string): Operation | 'unknown' {
  for (const provider of PROVIDERS as readonly AnyProviderModule[]) {
    if (provider.workflowType === workflowType) return 'provision';
    for (const operation of LIFECYCLE_OPERATIONS)
      if (provider.lifecycle.workflowTypes[operation] === workflowType) return operation;
  }
  return 'unknown';
}

/**
 * Starts a run under a number's workflow id. When one is running there already: the same workflow
 * type is the caller's own earlier start (`alreadyRunning`), another type is NumberBusyError.
 */
export async function startOnNumber(
  client: Client,
  workflowId: string,
  workflowType: string,
  start: () => Promise<{ firstExecutionRunId: string }>,
): Promise<{ runId: string | undefined; alreadyRunning: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await start();
      return { runId: handle.firstExecutionRunId, alreadyRunning: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const running = await client.workflow.getHandle(workflowId).describe();
      // It ended between the two calls: the number is free now.
      if (running.status.name !== 'RUNNING' && attempt < 3) continue;
      if (running.type === workflowType) return { runId: undefined, alreadyRunning: true };
      throw new NumberBusyError(workflowId, operationOfType(running.type));
    }
  }
}
