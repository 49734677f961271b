/**
 * A fleet: many numbers, one workflow. Each group (the numbers that share one record or Trust
 * Product) runs as a child: the provider's own workflow with all of the group's numbers, so shared
 * work is done once. A sliding window bounds the children running at once. A group that fails fails
 * exactly its numbers, with the reason; the others go on.
 */
import {
  ChildWorkflowFailure,
  continueAsNew,
  workflowInfo,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CnamFleetId } from '../core/workflow/search-attributes';

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
    return {
      fleetId: input.fleetId,
      total,
      counts,
      groups: { ...groups },
      summary: summary(counts, total),
    };
  };
  setHandler(getFleetStatus, status);
  setHandler(getFleetNumbers, ({ offset, limit, state }) => {
    const matching = state ? all().filter((n) => n.state === state) : all();
    return { numbers: matching.slice(offset, offset + limit), total: matching.length };
  });
  upsertSearchAttributes([{ key: CnamFleetId, value: input.fleetId }]);
  const report = () => setCurrentDetails(status().summary);
  report();

  const runGroup = async (group: FleetGroup): Promise<void> => {
    const members = byGroup.get(group.workflowId) ?? [];
    for (const n of members) n.state = 'running';
    groups.running++;
    report();
    try {
      const child = await startChild(group.workflowType, {
        workflowId: group.workflowId,
        args: [group.input],
        // Cancelling the fleet cancels its groups; each records what it had done.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [{ key: CnamFleetId, value: input.fleetId }],
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
  await Promise.all(lanes);
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

function summary(counts: Record<NumberState, number>, total: number): string {
  const parts = [`${counts.done} of ${total} done`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.running > 0) parts.push(`${counts.running} in progress`);
  if (counts.pending > 0) parts.push(`${counts.pending} waiting their turn`);
  return parts.join(', ');
}
