/**
 * The plan of a fleet, before anything starts: every row checked with the same rules as a single
 * provisioning, duplicates in the file refused, and the valid rows grouped so that rows sharing a
 * record or Trust Product become one provider workflow.
 */
import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../app/errors';
import type { ProvisionStart } from '../app/schemas';
import { prepareProvision } from '../app/start';
import { provisionWorkflowId } from '../config/constants';
import { type OptionTable, optionProblems } from '../core/options';
import type { AnyProviderModule, FleetRow } from '../core/provider';
import { describeProblems } from '../core/request-problem';
import { providerById, PROVIDER_IDS } from '../providers';
import type { FleetGroup } from './messages';
import type { FleetSurveyInput, FleetSurveyResult } from './survey-workflow';
import type { LocatedRow } from './rows';

export interface RefusedRow {
  line: number;
  number: string;
  reason: string;
}

/** A row whose number already shows its name at the provider: nothing runs for it, the report says done. */
export interface AlreadyDoneRow {
  line: number;
  number: string;
  provider: string;
  reason: string;
}

export interface FleetPlan {
  fleetId: string;
  groups: FleetGroup[];
  refused: RefusedRow[];
  /** Rows in the file. */
  rows: number;
  /** Rows already done at the provider (empty until the providers are read: see surveyPlan). */
  alreadyDone: AlreadyDoneRow[];
  /** Whether the providers were read for the plan, and if not, why. Null before anyone tried. */
  providerState: { read: boolean; note: string } | null;
}

/** The fleet's id: given, or derived from its valid rows, so applying the same file twice finds the same fleet. */
function fleetIdOf(groups: FleetGroup[]): string {
  const numbers = groups.flatMap((g) => g.numbers.map((n) => `${g.provider} ${n.number} ${g.label}`)).sort();
  return `cnam-fleet-${createHash('sha256').update(numbers.join('\n')).digest('hex').slice(0, 16)}`;
}

/** The provider's tuning options a row sets in columns of the same name (e.g. associationWait), as the workflow takes them. */
function tuning(options: OptionTable, row: FleetRow): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [field, option] of Object.entries(options)) {
    const text = row[field];
    if (text === undefined || text === '') continue;
    values[field] = option.kind === 'days' || /^\d+$/.test(text) ? Number(text) : text;
  }
  return values;
}

export function planFleet(
  rows: LocatedRow[],
  options: { fleetId?: string | undefined; maxNumbersPerGroup?: number | undefined } = {},
): FleetPlan {
  const refused: RefusedRow[] = [];
  const seen = new Map<string, number>();
  const byKey = new Map<string, { provider: string; inputs: { line: number; input: { displayName: string } }[] }>();
  for (const { line, row } of rows) {
    const provider = providerById(row.provider);
    if (!provider) {
      refused.push({
        line,
        number: row.number,
        reason: `provider (known-provider): "${row.provider}" is not one of ${PROVIDER_IDS.join(', ')}`,
      });
      continue;
    }
    let prepared: ReturnType<typeof prepareProvision>;
    try {
      prepared = prepareProvision({
        provider: provider.id,
        ...provider.fleet.inputFromRow(row),
        ...tuning(provider.options, row),
      } as ProvisionStart);
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      refused.push({ line, number: row.number, reason: describeProblems(err.problems) });
      continue;
    }
    // Tuning options out of bounds would fail the whole group at its first step: refuse the row instead.
    const tuningProblems = optionProblems(provider.options, prepared.input as Record<string, unknown>);
    if (tuningProblems.length > 0) {
      refused.push({
        line,
        number: row.number,
        reason: tuningProblems.map((p) => `${p.field} (duration): ${p.message}`).join('; '),
      });
      continue;
    }
    const e164 = prepared.e164s[0]!;
    const dupe = seen.get(`${provider.id} ${e164}`);
    if (dupe !== undefined) {
      refused.push({ line, number: row.number, reason: `duplicate: ${e164} is already on line ${dupe}` });
      continue;
    }
    seen.set(`${provider.id} ${e164}`, line);
    // A group runs with one input: rows that set different tuning options (waits, timeouts) go in different groups.
    const key = `${provider.id}\n${provider.fleet.groupKey(prepared.input)}\n${JSON.stringify(tuning(provider.options, row))}`;
    const group = byKey.get(key) ?? { provider: provider.id, inputs: [] };
    group.inputs.push({ line, input: prepared.input });
    byKey.set(key, group);
  }

  const groups: FleetGroup[] = [];
  for (const { provider: id, inputs } of byKey.values()) {
    const provider = providerById(id)!;
    // The provider's cap, or a smaller one the caller asks for (smaller groups: more reviews, smaller failures).
    const size = Math.min(provider.fleet.maxNumbersPerGroup, options.maxNumbersPerGroup ?? Number.POSITIVE_INFINITY);
    for (let i = 0; i < inputs.length; i += size) groups.push(groupOf(provider, inputs.slice(i, i + size)));
  }
  return {
    fleetId: options.fleetId ?? fleetIdOf(groups),
    groups,
    refused,
    rows: rows.length,
    alreadyDone: [],
    providerState: null,
  };
}

function groupOf(provider: AnyProviderModule, chunk: { line: number; input: { displayName: string } }[]): FleetGroup {
  const input = provider.fleet.mergeGroup(chunk.map((c) => c.input));
  const numbers = provider.numbers(input).map((n, j) => ({ number: n.value, line: chunk[j]!.line }));
  return {
    provider: provider.id,
    workflowType: provider.workflowType,
    workflowId: provisionWorkflowId(provider.id, numbers[0]!.number),
    input,
    numbers,
    label: `${provider.label} "${input.displayName}"`,
  };
}

/** The same group with only `numbers` (a subset, in order): its input rebuilt from the provider's own fields. */
export function regroup(group: FleetGroup, numbers: { number: string; line: number }[]): FleetGroup {
  const provider = providerById(group.provider)!;
  const keep = new Set(numbers.map((n) => n.number));
  // Each number's input is the group's input with that number first, so mergeGroup rebuilds it exactly.
  const base = group.input as { displayName: string };
  const all = provider.numbers(base).map((n) => n.value);
  const inputs = all
    .filter((n) => keep.has(n))
    .map((n) => ({
      line: numbers.find((m) => m.number === n)!.line,
      input: provider.normalized(base, [n], base.displayName),
    }));
  return groupOf(provider, inputs);
}

/** Each provider's survey request for the plan's groups (in the plan's order within each provider). */
export function surveyRequest(plan: FleetPlan): FleetSurveyInput {
  const byProvider = new Map<string, unknown[]>();
  for (const g of plan.groups) {
    const queries = byProvider.get(g.provider) ?? [];
    queries.push(providerById(g.provider)!.fleet.survey.query(g.input));
    byProvider.set(g.provider, queries);
  }
  return {
    providers: [...byProvider].map(([provider, groups]) => ({
      provider,
      activity: providerById(provider)!.fleet.survey.activity,
      groups,
    })),
  };
}

/**
 * The plan with what the providers said: a group whose name a provider has already refused becomes
 * refused rows; numbers already showing their name leave their group (reported done); each group
 * says what it reuses. The fleet id stays the one derived from every valid row.
 */
export function withSurvey(plan: FleetPlan, survey: FleetSurveyResult): FleetPlan {
  const answers = new Map(survey.providers.map((p) => [p.provider, [...(p.groups ?? [])]]));
  const refused = [...plan.refused];
  const alreadyDone = [...plan.alreadyDone];
  const groups: FleetGroup[] = [];
  for (const group of plan.groups) {
    const answer = answers.get(group.provider)?.shift();
    if (!answer) {
      groups.push(group);
      continue;
    }
    if (answer.refusal !== null) {
      for (const n of group.numbers)
        refused.push({ line: n.line, number: n.number, reason: `provider-refused: ${answer.refusal}` });
      continue;
    }
    const done = new Map(answer.alreadyDone.map((d) => [d.number, d.reason]));
    for (const n of group.numbers) {
      const reason = done.get(n.number);
      if (reason !== undefined) alreadyDone.push({ line: n.line, number: n.number, provider: group.provider, reason });
    }
    const left = group.numbers.filter((n) => !done.has(n.number));
    if (left.length === 0) continue;
    groups.push({ ...(left.length === group.numbers.length ? group : regroup(group, left)), reuses: answer.reuses });
  }
  refused.sort((a, b) => a.line - b.line);
  alreadyDone.sort((a, b) => a.line - b.line);
  const labels = survey.providers.map((p) => providerById(p.provider)?.label ?? p.provider);
  const unread = survey.providers.filter((p) => p.groups === null);
  const providerState =
    unread.length === 0
      ? { read: true, note: `read from ${labels.join(' and ')}` }
      : {
          read: false,
          note: unread.map((p) => `${providerById(p.provider)?.label ?? p.provider} not read: ${p.failure}`).join('; '),
        };
  return { ...plan, groups, refused, alreadyDone, providerState };
}
