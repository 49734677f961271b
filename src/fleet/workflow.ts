/**
 * A fleet: many numbers, one workflow. Each group (the numbers that share one record or Trust
 * Product) runs as a child: the provider's own workflow with all of the group's numbers, so shared
 * work is done once. A sliding window bounds the children running at once. A group that fails fails
 * exactly its numbers, with the reason; the others go on.
 */
import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  workflowInfo,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { type Duration, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ProvisionStep } from '../core/workflow/messages';
import type { FleetActivities, GroupStep } from './activities';
import { CnamFleetId, NAMES_INDEXED_MEMO } from '../core/workflow/search-attributes';

/** Groups one run starts before it continues as new: each adds about ten events to the history. */
const DEFAULT_MAX_GROUPS_PER_RUN = 500;
import {
  type FleetGroup,
  type FleetInput,
  type FleetNumber,
  type FleetResult,
  type FleetStatus,
  getFleetNumbers,
  getFleetStatus,
  NUMBER_STATES,
  type NumberState,
} from './messages';

/** What a provider workflow's result says about its numbers: each listed, with a state when one can fail alone. */
interface GroupResultNumbers {
  numbers?: { number?: string; phoneNumber?: string; state?: string; failure?: string | null }[];
}

export async function provisionFleet(input: FleetInput): Promise<FleetResult> {
  const numbers: FleetNumber[] = input.groups.flatMap((g) =>
    g.numbers.map(({ number, line }) => ({
      number,
      line,
      provider: g.provider,
      workflowId: g.workflowId,
      state: 'pending' as NumberState,
      failure: null,
    })),
  );
  const earlier = input.earlier ?? [];
  const failedGroups: FleetGroup[] = [...(input.failedGroups ?? [])];
  const byGroup = new Map(
    input.groups.map((g) => [g.workflowId, numbers.filter((n) => n.workflowId === g.workflowId)]),
  );
  const before = input.groupsEarlier ?? { total: 0, done: 0, failed: 0 };
  const groups = { total: before.total + input.groups.length, running: 0, done: before.done, failed: before.failed };
  const all = (): FleetNumber[] => [...earlier, ...numbers];
  const status = (): FleetStatus => {
    const counts = Object.fromEntries(NUMBER_STATES.map((s) => [s, 0])) as Record<NumberState, number>;
    for (const n of all()) counts[n.state]++;
    const total = earlier.length + numbers.length;
    const running = input.groups.flatMap((g) => {
      const members = byGroup.get(g.workflowId) ?? [];
      const count = members.filter((n) => n.state === 'running').length;
      return count > 0 ? [{ group: g, count, entered: steps.get(g.workflowId) }] : [];
    });
    return {
      fleetId: input.fleetId,
      total,
      counts,
      groups: { ...groups },
      summary: summary(counts, total, running),
    };
  };
  setHandler(getFleetStatus, status);
  setHandler(getFleetNumbers, ({ offset, limit, state }) => {
    const matching = state ? all().filter((n) => n.state === state) : all();
    return { numbers: matching.slice(offset, offset + limit), total: matching.length };
  });
  // Each running group's step as last read (watchGroups), for the details sentence.
  const steps = new Map<string, GroupStep>();
  const runningGroups = new Set<string>();
  upsertSearchAttributes([{ key: CnamFleetId, value: input.fleetId }]);
  const report = () => setCurrentDetails(status().summary);
  report();

  const runGroup = async (group: FleetGroup): Promise<void> => {
    const members = byGroup.get(group.workflowId) ?? [];
    for (const n of members) n.state = 'running';
    groups.running++;
    runningGroups.add(group.workflowId);
    report();
    try {
      const child = await startChild(group.workflowType, {
        workflowId: group.workflowId,
        args: [group.input],
        // Cancelling the fleet cancels its groups; each records what it had done.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [{ key: CnamFleetId, value: input.fleetId }],
        // With the codec on, the groups keep names out of search attributes as the fleet was told to.
        ...(workflowInfo().memo?.[NAMES_INDEXED_MEMO] === false && { memo: { [NAMES_INDEXED_MEMO]: false } }),
        staticSummary: `${group.label}: ${members.length} number${members.length === 1 ? '' : 's'} of fleet ${input.fleetId}`,
      });
      applyResult(members, (await child.result()) as GroupResultNumbers);
      groups.done++;
    } catch (err) {
      for (const n of members) {
        n.state = 'failed';
        n.failure = groupFailure(err, group);
      }
      groups.failed++;
    } finally {
      groups.running--;
      runningGroups.delete(group.workflowId);
      steps.delete(group.workflowId);
      if (members.some((n) => n.state === 'failed')) failedGroups.push(group);
      report();
    }
  };

  // A sliding window: each lane takes the next group when its last one ends. A run starts at most
  // maxGroupsPerRun groups (or fewer when Temporal suggests it), then lets its children finish and
  // continues as new with the rest, so a fleet of any size keeps a small history.
  const perRun = input.maxGroupsPerRun ?? DEFAULT_MAX_GROUPS_PER_RUN;
  let next = 0;
  const more = () => next < input.groups.length && next < perRun && !workflowInfo().continueAsNewSuggested;
  const lanes = Array.from({ length: Math.min(input.maxConcurrentGroups, input.groups.length) }, async () => {
    while (more()) await runGroup(input.groups[next++]!);
  });
  // Histories of fleets started before the watch existed replay without it.
  const watching = patched('watch-group-steps');
  let lanesDone = false;
  const watch = watching ? watchGroups(() => (lanesDone ? null : [...runningGroups]), steps, report) : null;
  await Promise.all(lanes);
  lanesDone = true;
  await watch;
  if (next < input.groups.length) {
    const settled = numbers.filter((n) => n.state === 'done' || n.state === 'failed');
    await continueAsNew<typeof provisionFleet>({
      ...input,
      groups: input.groups.slice(next),
      earlier: [...earlier, ...settled],
      groupsEarlier: { total: groups.total - (input.groups.length - next), done: groups.done, failed: groups.failed },
      failedGroups,
    });
  }
  return { ...status(), numbers: all(), failedGroups };
}

/** Marks each number done or failed as the group's result says; a number the result does not list failed. */
function applyResult(members: FleetNumber[], result: GroupResultNumbers): void {
  const reported = new Map((result.numbers ?? []).map((n) => [n.number ?? n.phoneNumber ?? '', n]));
  for (const member of members) {
    const outcome = reported.get(member.number);
    if (!outcome) {
      member.state = 'failed';
      member.failure = 'The provider workflow completed without this number.';
    } else if (outcome.state === 'failed') {
      member.state = 'failed';
      member.failure = outcome.failure ?? 'failed';
    } else member.state = 'done';
  }
}

/** The innermost cause's words: the provider's own reason for a rejection or refusal. */
function groupFailure(err: unknown, group: FleetGroup): string {
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return `${group.workflowId} is already running (started outside this fleet); its numbers were left to it.`;
  }
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (err instanceof ChildWorkflowFailure && current === err) return err.message;
  return current instanceof Error ? current.message : String(current);
}

const fleetActs = proxyActivities<FleetActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 2 } });

/**
 * When the fleet reads its groups' steps: soon after the start, while they move fast, then every two
 * hours through reviews and propagation that take days. Each read is a timer and an activity, about
 * ten events: a 9-day fleet reads about 110 times.
 */
const WATCH_INTERVALS: Duration[] = ['1 minute', '10 minutes', '30 minutes', '2 hours'];

/**
 * Reads what the running groups are doing (see WATCH_INTERVALS) until `running` says the lanes are
 * done (null). The reads only feed the details sentence: one that fails is skipped.
 */
async function watchGroups(
  running: () => string[] | null,
  steps: Map<string, GroupStep>,
  report: () => void,
): Promise<void> {
  for (let read = 0; ; read++) {
    if (await condition(() => running() === null, WATCH_INTERVALS[Math.min(read, WATCH_INTERVALS.length - 1)]!)) return;
    const ids = running();
    if (!ids || ids.length === 0) continue;
    try {
      const read = await fleetActs.readGroupSteps({ workflowIds: ids });
      const now = new Set(running() ?? []);
      for (const step of read.steps) if (now.has(step.workflowId)) steps.set(step.workflowId, step);
      report();
    } catch {
      // Only the details wait for the next read.
    }
  }
}

/** How the details name the numbers of running groups by their group's step. */
const RUNNING_WORDS: Partial<Record<ProvisionStep, string>> = {
  validating: 'being checked',
  'creating-record': 'getting their record',
  'preparing-trust-product': 'getting their Trust Product',
  submitting: 'being submitted for review',
  'awaiting-approval': 'awaiting review',
  assigning: 'being assigned',
  'enabling-lookup': 'getting Caller Name Lookup',
  'awaiting-propagation': 'taking effect',
  confirming: 'being confirmed',
};

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The fleet's details in the Web UI, e.g. "812 of 1,000 done, 3 failed; 150 awaiting review, 35 taking
 * effect; waiting for the review of Flowroute "ACME" (24141) since 2026-12-06 12:05 UTC, next check
 * 2026-12-06 14:05 UTC". The steps are as last read (see watchGroups).
 */
function summary(
  counts: Record<NumberState, number>,
  total: number,
  running: { group: FleetGroup; count: number; entered: GroupStep | undefined }[],
): string {
  const parts = [`${thousands(counts.done)} of ${thousands(total)} done`];
  if (counts.failed > 0) parts.push(`${thousands(counts.failed)} failed`);
  const byStep = new Map<string, number>();
  for (const { count, entered } of running) {
    const words = (entered && RUNNING_WORDS[entered.step]) ?? 'in progress';
    byStep.set(words, (byStep.get(words) ?? 0) + count);
  }
  const clauses = [parts.join(', ')];
  if (byStep.size > 0) clauses.push([...byStep].map(([words, n]) => `${thousands(n)} ${words}`).join(', '));
  const reviews = running
    .filter((r) => r.entered?.step === 'awaiting-approval')
    .sort((a, b) => (a.entered!.since < b.entered!.since ? -1 : 1));
  const oldest = reviews[0]?.entered;
  if (oldest) {
    const id = oldest.recordId ? ` (${oldest.recordId})` : '';
    const next = oldest.nextCheckAt ? `, next check ${minute(oldest.nextCheckAt)}` : '';
    const more = reviews.length > 1 ? ` and ${reviews.length - 1} more review${reviews.length > 2 ? 's' : ''}` : '';
    clauses.push(
      `waiting for the review of ${reviews[0]!.group.label}${id} since ${minute(oldest.since)}${next}${more}`,
    );
  }
  if (counts.pending > 0) clauses.push(`${thousands(counts.pending)} waiting their turn`);
  return clauses.join('; ');
}
