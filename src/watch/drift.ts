/**
 * Drift: a number we provisioned that no longer shows, at its provider, what we provisioned. One
 * vocabulary for every provider, the shapes the reconciliation passes around, and its Web UI text.
 * Pure (no I/O, no Node modules): the workflow, the activities, the CLI and the API all import it.
 */

/**
 * - `name-changed`: the number carries another name (another record, another End User name).
 * - `name-removed`: the number carries no name at all.
 * - `product-rejected`: the provider's review of the product behind the name ended rejected.
 * - `product-expired`: the product's validity ended (`valid_until` passed).
 * - `product-gone`: the product behind the name no longer exists.
 * - `number-unassigned`: the product exists but the number is no longer on it.
 * - `number-gone`: the number is no longer on the provider account (released).
 * - `not-showing`: the provider's state is right but a CNAM dip shows another name or none (only with `dip`).
 */
export const DRIFT_KINDS = [
  'name-changed',
  'name-removed',
  'product-rejected',
  'product-expired',
  'product-gone',
  'number-unassigned',
  'number-gone',
  'not-showing',
] as const;

export type DriftKind = (typeof DRIFT_KINDS)[number];

/** `cnam watch enable`'s schedule id, and the workflow type it runs. */
export const WATCH_SCHEDULE_ID = 'cnam-watch';
export const RECONCILE_WORKFLOW_TYPE = 'reconcileCnams';

/** The reconciliation's input: one object, so it can grow. */
export interface ReconcileInput {
  /** Start the workflow that puts each drifted number right (see `repairFor` in each provider). */
  repair?: boolean;
  /** Dip (a billed CNAM lookup) every number whose provider state is right, to see that the name shows. */
  dip?: boolean;
}

/** A number whose latest completed run (provision, rename, adopt) gave it a name: what it should show now. */
export interface WatchedNumber {
  provider: string;
  /** E.164. */
  number: string;
  displayName: string;
  /** The provider's resources behind the name, by role (e.g. the record id, the Trust Product SID). */
  resources: Record<string, string>;
  /** The run whose result this is, and when it closed. */
  workflowId: string;
  closedAt: string;
}

/** The workflow to start to put a number right: a provisioning (or a rename) of the name it should show. */
export interface RepairPlan {
  operation: 'provision' | 'rename';
  /** The request for the application layer without `provider` (and `operation`): the provider's own fields. */
  request: Record<string, unknown>;
}

/** What a provider's drift check answers for one number: null drift when it shows what it should. */
export interface NumberCheck {
  number: string;
  drift: { kind: DriftKind; detail: string } | null;
  /** How to repair it; null when it cannot be repaired by starting a workflow (report only), or no drift. */
  repair: RepairPlan | null;
  /** Why a drift has no repair, e.g. the number is no longer on the account. */
  noRepair?: string;
}

/** A provider's drift check activity takes its numbers and answers one check per number, in order. */
export type DriftCheck = (input: { numbers: WatchedNumber[] }) => Promise<{ checks: NumberCheck[] }>;

/**
 * Each provider's drift check is an activity on its own task queue, named after its label (e.g.
 * `checkAcmeDrift` for a provider labelled Acme): the reconciliation calls it by this name.
 */
export function driftCheckActivity(providerLabel: string): string {
  return `check${providerLabel.replace(/[^A-Za-z0-9]/g, '')}Drift`;
}

/** What a repair did: the workflow id it used and whether a run was started there now. */
export interface RepairOutcome {
  workflowId: string;
  started: boolean;
  detail: string;
}

export interface DriftItem {
  provider: string;
  number: string;
  displayName: string;
  kind: DriftKind;
  detail: string;
  /** With `repair`: what was started (or why not); null without `repair`, or for a report-only kind. */
  repair: RepairOutcome | null;
}

export interface ReconcileResult {
  checkedAt: string;
  /** Numbers whose provider state was read. */
  numbersChecked: number;
  drift: DriftItem[];
  /** Numbers that showed what they should. */
  ok: number;
  /** The options the run had. */
  repair: boolean;
  dip: boolean;
  /** What the run could not do, with why: numbers not checked (a provider without credentials, say), numbers not dipped. */
  notes: string[];
}

/** A short markdown summary of a result, for the Web UI's current details and `cnam watch report`. */
export function summarizeDrift(result: ReconcileResult, maxLines = 20): string {
  const head =
    result.drift.length === 0
      ? `**No drift**: ${result.ok} of ${result.numbersChecked} numbers show what we provisioned (checked ${result.checkedAt}).`
      : `**Drift on ${result.drift.length} of ${result.numbersChecked} numbers** (checked ${result.checkedAt}; ${result.ok} ok).`;
  const lines = result.drift.slice(0, maxLines).map((d) => {
    const repair = d.repair
      ? ` Repair: ${d.repair.started ? 'started' : 'not started'} ${d.repair.workflowId} (${d.repair.detail}).`
      : '';
    return `- ${d.provider} ${d.number} "${d.displayName}": \`${d.kind}\`, ${d.detail}.${repair}`;
  });
  if (result.drift.length > maxLines) lines.push(`- … and ${result.drift.length - maxLines} more`);
  const notes = result.notes.map((n) => `- Note: ${n}`);
  return [head, ...lines, ...notes].join('\n');
}
