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
import type { LocatedRow } from './rows';

export interface RefusedRow {
  line: number;
  number: string;
  reason: string;
}

export interface FleetPlan {
  fleetId: string;
  groups: FleetGroup[];
  refused: RefusedRow[];
  /** Rows in the file. */
  rows: number;
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
    const key = `${provider.id}\n${provider.fleet.groupKey(prepared.input)}`;
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
  return { fleetId: options.fleetId ?? fleetIdOf(groups), groups, refused, rows: rows.length };
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
