/** Starting a provisioning: every rule checked first, then the provider's workflow started by reference. */
import type { Client } from '@temporalio/client';
import { provisionWorkflowId } from '../config/constants';
import type { AnyProviderModule } from '../core/provider';
import type { RequestProblem } from '../core/request-problem';
import { checkProvisionRequest } from '../core/validation-activities';
import { nameIndexing } from '../temporal/data-converter';
import { CnamDisplayName, CnamPhoneNumber, CnamProvider, CnamStep } from '../core/workflow/search-attributes';
import { providerById } from '../providers';
import { InvalidRequestError } from './errors';
import { startOnNumber } from './lifecycle';
import type { ProvisionStart } from './schemas';

export interface StartedProvision {
  workflowId: string;
  runId: string | undefined;
  /** True when the same operation was already running on this number: that run is returned, none is started. */
  alreadyRunning: boolean;
}

interface Prepared {
  provider: AnyProviderModule;
  e164s: string[];
  displayName: string;
  input: { displayName: string };
}

/** Checks every rule of a start request (fields, numbers, name); throws InvalidRequestError naming each problem. */
export function prepareProvision(start: ProvisionStart): Prepared {
  const { provider: id, ...input } = start;
  const provider = providerById(id);
  if (!provider)
    throw new InvalidRequestError([
      { field: 'provider', rule: 'known-provider', message: `Unknown provider ${JSON.stringify(id)}` },
    ]);
  const problems: RequestProblem[] = [...provider.fieldProblems(input)];
  const nameRules = { [provider.id]: provider.checkName };
  const checks = provider
    .numbers(input)
    .map(({ field, value }) =>
      checkProvisionRequest(nameRules, { provider: provider.id, number: value, displayName: input.displayName }, field),
    );
  // The name is checked with every number: report its problems once.
  const seen = new Set<string>();
  for (const check of checks) {
    if (check.ok) continue;
    for (const p of check.problems) {
      const key = `${p.field}\n${p.rule}\n${p.message}`;
      if (!seen.has(key)) problems.push(p);
      seen.add(key);
    }
  }
  const values = checks.flatMap((c) => (c.ok ? [c.value] : []));
  if (problems.length > 0 || values.length !== checks.length || values.length === 0)
    throw new InvalidRequestError(problems);
  const e164s = values.map((v) => v.e164);
  const displayName = values[0]!.displayName;
  return { provider, e164s, displayName, input: provider.normalized(input, e164s, displayName) };
}

/**
 * Validates every field, then starts the provider's workflow under the (first) number's workflow id.
 * A provisioning already running there is `alreadyRunning`; another operation (a rename, say) is NumberBusyError.
 */
export async function startProvision(
  client: Client,
  taskQueue: string,
  start: ProvisionStart,
): Promise<StartedProvision> {
  const { provider, e164s, displayName, input } = prepareProvision(start);
  const workflowId = provisionWorkflowId(provider.id, e164s[0]!);
  const workflow = await provider.loadWorkflow();
  const names = nameIndexing();
  const started = await startOnNumber(client, workflowId, provider.workflowType, () =>
    client.workflow.start(workflow, {
      taskQueue,
      workflowId,
      args: [input],
      staticSummary: `${provider.label} CNAM "${displayName}" for ${e164s.join(', ')}`,
      // Filterable from the first moment; the workflow keeps them current as it moves.
      typedSearchAttributes: [
        { key: CnamProvider, value: provider.id },
        { key: CnamPhoneNumber, value: e164s[0]! },
        ...(names.indexed ? [{ key: CnamDisplayName, value: displayName }] : []),
        { key: CnamStep, value: 'validating' },
      ],
      ...(names.memo && { memo: names.memo }),
    }),
  );
  return { workflowId, ...started };
}
