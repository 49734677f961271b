/**
 * Request shapes of the fleet routes and the typed client's fleet methods, built from the provider
 * registry, and what both do with a request before Temporal: rows checked and planned, refusals as
 * problems, the numbers' paging cursor. Rows are numbered from 1 (their line) in every problem.
 */
import { z } from 'zod';
import type { RequestProblem } from '../core/request-problem';
import { NUMBER_STATES, type NumberState } from '../fleet/messages';
import { type AlreadyDoneRow, type FleetPlan, planFleet, type RefusedRow } from '../fleet/plan';
import { FleetFileError, fleetRowsFrom } from '../fleet/rows';
import { PROVIDERS, providerById } from '../providers';
import { InvalidRequestError } from './errors';
import { zodProblems } from './schemas';

/** Rows one request may carry; a larger fleet is several requests with their own `fleetId`s. */
export const MAX_FLEET_ROWS = 10_000;
const MAX_CELL_LENGTH = 256;

/** Ids the fleet routes accept; derived ones are `cnam-fleet-` and 16 hex digits. */
export const FLEET_ID_PATTERN = /^cnam-fleet-[a-z0-9-]{1,64}$/;
const exampleFleetId = 'cnam-fleet-3f2a9c0d1e4b5a6f';
export const FleetIdSchema = z
  .string()
  .regex(FLEET_ID_PATTERN, `must be a fleet id: cnam-fleet- and 1 to 64 of a-z, 0-9 and -, e.g. ${exampleFleetId}`)
  .meta({ example: exampleFleetId });

const cell = z.union([z.string().max(MAX_CELL_LENGTH), z.number()]);

/** A row's columns beyond provider, number and displayName: each provider's own and its tuning options. */
const OPTIONAL_COLUMNS = [...new Set(PROVIDERS.flatMap((p) => [...p.fleet.columns, ...Object.keys(p.options)]))];

/** One row as in a fleet file: text or number cells, checked and grouped by the plan. */
export type FleetRowInput = { provider: string; number: string | number; displayName: string | number } & {
  [column: string]: string | number | undefined;
};

// Strict: a misspelt tuning column would otherwise be ignored silently.
export const FleetRowSchema = z
  .strictObject({
    provider: cell,
    number: cell,
    displayName: cell,
    ...Object.fromEntries(OPTIONAL_COLUMNS.map((column) => [column, cell.optional()])),
  })
  .meta({
    id: 'FleetRow',
    description:
      "A fleet file's row: provider, number and displayName, the provider's own columns and any of its tuning options. " +
      'Each row is checked with the rules of a single provisioning; a row that breaks one is refused by its line (its position from 1), the rest go on.',
    example: { provider: PROVIDERS[0].id, number: '+12065550100', displayName: 'Harbor Dental' },
  }) as unknown as z.ZodType<FleetRowInput>;

/** `POST /v1/fleets` and `CnamClient.applyFleet`: the rows and how to run them. */
export const FleetApplySchema = z
  .strictObject({
    rows: z.array(FleetRowSchema).min(1).max(MAX_FLEET_ROWS),
    fleetId: FleetIdSchema.optional().meta({
      description: 'Default: derived from the valid rows, so applying the same rows again finds the same fleet',
    }),
    maxConcurrentGroups: z.number().int().min(1).max(1000).optional().meta({ description: 'Default 20' }),
    dryRun: z.boolean().optional().meta({ description: 'Plan only: nothing is started' }),
  })
  .meta({ id: 'FleetApply' });
export type FleetApply = z.infer<typeof FleetApplySchema>;
export type FleetApplyOptions = Omit<FleetApply, 'rows'>;

/** The plan as answered: each group's numbers with their lines, each refused row with its reason. */
export interface FleetPlanSummary {
  fleetId: string;
  /** Rows in the request. */
  rows: number;
  /** Numbers the groups hold. */
  numbers: number;
  groups: {
    provider: string;
    label: string;
    workflowId: string;
    numbers: { number: string; line: number }[];
    /** The existing record or Trust Product the group will use, as the provider answered; null: it creates one. */
    reuses: string | null;
  }[];
  /** Rows whose number already shows the name at the provider: not run, reported done. */
  alreadyDone: AlreadyDoneRow[];
  refused: RefusedRow[];
  /** Whether the providers were read for this plan, and if not, why. */
  providerState: { read: boolean; note: string };
}

export interface FleetDryRun {
  fleetId: string;
  dryRun: true;
  plan: FleetPlanSummary;
}

export interface FleetApplied {
  fleetId: string;
  dryRun: false;
  /** This fleet was already running: nothing was started. */
  alreadyRunning: boolean;
  /** A run was started; false when already running or when earlier runs settled every number. */
  started: boolean;
  /** Numbers earlier runs of this fleet settled (done or failed): left out of this run. */
  alreadyDone: number;
  plan: FleetPlanSummary;
}

/** Structure problems with rows numbered from 1, as the plan numbers them (zod counts from 0). */
export function fleetProblems(error: z.ZodError): RequestProblem[] {
  return zodProblems(error).map((p) => ({
    ...p,
    field: p.field.replace(/^rows\.(\d+)/, (_m, index: string) => `rows.${Number(index) + 1}`),
  }));
}

/** Parses a fleet request or throws InvalidRequestError naming every field and rule. */
export function parseFleetApply(value: unknown): FleetApply {
  const result = FleetApplySchema.safeParse(value);
  if (!result.success) throw new InvalidRequestError(fleetProblems(result.error));
  return result.data;
}

/**
 * The plan of a checked request, with the deployment's defaults (e.g. a status callback) in each group's
 * input. Throws InvalidRequestError with every refusal when no row is left to start, unless it is a dry run.
 */
export function planFleetRequest(
  request: FleetApply,
  defaults: { statusCallbackUrl?: string | undefined } = {},
): FleetPlan {
  let plan: FleetPlan;
  try {
    plan = planFleet(fleetRowsFrom(request.rows), { fleetId: request.fleetId });
  } catch (err) {
    // The schema has checked what fleetRowsFrom checks; kept a 400 should the two ever differ.
    if (err instanceof FleetFileError)
      throw new InvalidRequestError([{ field: 'rows', rule: 'row', message: err.message }]);
    throw err;
  }
  if (plan.groups.length === 0 && !request.dryRun) throw new InvalidRequestError(refusalProblems(plan.refused));
  const groups = plan.groups.map((g) => {
    const provider = providerById(g.provider)!;
    return provider.withDefaults ? { ...g, input: provider.withDefaults(g.input, defaults) } : g;
  });
  return { ...plan, groups };
}

// A refusal's reason is `field (rule): message`, several joined by '; ' (describeProblems), or a sentence.
const PROBLEM_START = /(?:^|; )([\w.[\]]+) \(([\w-]+)\): /g;

/** Each refused row's reasons as problems on `rows.<line>.<field>`, or on `rows.<line>` when the reason names no field. */
export function refusalProblems(refused: RefusedRow[]): RequestProblem[] {
  return refused.flatMap(({ line, reason }) => {
    const starts = [...reason.matchAll(PROBLEM_START)];
    if (starts[0]?.index !== 0) {
      const [, rule, message] = /^([\w-]+): (.*)$/s.exec(reason) ?? [reason, 'refused', reason];
      return [{ field: `rows.${line}`, rule: rule!, message: message! }];
    }
    return starts.map((m, i) => ({
      field: `rows.${line}.${m[1]}`,
      rule: m[2]!,
      message: reason.slice(m.index + m[0].length, starts[i + 1]?.index ?? reason.length),
    }));
  });
}

/** Throws InvalidRequestError with every refusal when the providers' answers left nothing to run or report. */
export function requireSomethingToRun(plan: FleetPlan, request: FleetApply): FleetPlan {
  if (plan.groups.length === 0 && plan.alreadyDone.length === 0 && !request.dryRun)
    throw new InvalidRequestError(refusalProblems(plan.refused));
  return plan;
}

export function summarisePlan(plan: FleetPlan): FleetPlanSummary {
  return {
    fleetId: plan.fleetId,
    rows: plan.rows,
    numbers: plan.groups.reduce((n, g) => n + g.numbers.length, 0),
    groups: plan.groups.map(({ provider, label, workflowId, numbers, reuses }) => ({
      provider,
      label,
      workflowId,
      numbers,
      reuses: reuses ?? null,
    })),
    alreadyDone: plan.alreadyDone,
    refused: plan.refused,
    providerState: plan.providerState ?? { read: false, note: 'providers not read' },
  };
}

/** An opaque cursor: base64url of the offset of the page it starts. */
export const encodeCursor = (offset: number): string => Buffer.from(String(offset), 'utf8').toString('base64url');

/** The offset a cursor from encodeCursor stands for; undefined for anything else. */
export function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text) || encodeCursor(Number(text)) !== cursor) return undefined;
  return Number(text);
}

/** `GET /v1/fleets/{id}/numbers` and `CnamClient.fleetNumbers`: a page of the per-number report. */
export const FleetNumbersQuerySchema = z.strictObject({
  state: z.enum(NUMBER_STATES).optional().meta({ description: 'Only numbers in this state' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'Numbers per page; default 100' }),
  cursor: z
    .string()
    .max(32)
    .refine((c) => decodeCursor(c) !== undefined, {
      message: 'must be a nextCursor this API answered',
      params: { rule: 'cursor' },
    })
    .optional()
    .meta({ description: "The previous page's nextCursor; the first page without" }),
});
/** A page request as the typed client takes it (the API reads the same fields from the query string). */
export type FleetNumbersQuery = { state?: NumberState; limit?: number; cursor?: string };

/** Numbers per page unless the query says otherwise. */
export const DEFAULT_FLEET_PAGE = 100;

/** The offset, limit and state filter of a checked query. */
export function pageOf(query: z.infer<typeof FleetNumbersQuerySchema>) {
  return {
    offset: query.cursor === undefined ? 0 : decodeCursor(query.cursor)!,
    limit: query.limit ?? DEFAULT_FLEET_PAGE,
    ...(query.state && { state: query.state }),
  };
}

/** The cursor of the page after `returned` numbers from `offset`, or null when that was the last. */
export const nextCursor = (offset: number, returned: number, total: number): string | null =>
  returned > 0 && offset + returned < total ? encodeCursor(offset + returned) : null;
