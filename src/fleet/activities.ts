/**
 * The fleet's own activity: what its running groups are doing, read with each group's `getStatus`
 * query through the worker's Temporal client, so the fleet's details in the Web UI can say it.
 */
import { Context } from '@temporalio/activity';
import { getStatus, type ProvisionStep } from '../core/workflow/messages';

export interface GroupStep {
  workflowId: string;
  step: ProvisionStep;
  /** The resource under review, once known (record id, Trust Product SID). */
  recordId: string | null;
  /** The next provider check or the end of the current wait; null when not waiting. */
  nextCheckAt: string | null;
  /** When the current step started. */
  since: string;
}

export function createFleetActivities() {
  return {
    /** Each group's current step; a group that cannot answer (it just ended) is left out. Reads only. */
    async readGroupSteps({ workflowIds }: { workflowIds: string[] }): Promise<{ steps: GroupStep[] }> {
      const { client } = Context.current();
      const answers = await Promise.all(
        workflowIds.map(async (workflowId): Promise<GroupStep | null> => {
          try {
            const status = await client.workflow.getHandle(workflowId).query(getStatus);
            return {
              workflowId,
              step: status.step,
              recordId: status.recordId,
              nextCheckAt: status.nextCheckAt,
              since: status.stepsDone.at(-1)?.at ?? '',
            };
          } catch {
            return null;
          }
        }),
      );
      return { steps: answers.filter((a): a is GroupStep => a !== null) };
    },
  };
}

export type FleetActivities = ReturnType<typeof createFleetActivities>;
