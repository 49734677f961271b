/** Following a running provisioning from the terminal: one line per step, until it closes. */
import type { Client } from '@temporalio/client';
import { describeProvision, type ProvisionReport } from '../app/describe';
import { warn } from './output';

const POLL_MS = 1_000;

/** Prints each step as it starts (to stderr, so --json stdout stays one document) and returns the final report. */
export async function followProvision(client: Client, workflowId: string): Promise<ProvisionReport> {
  let printed = 0;
  let lastWait = '';
  for (;;) {
    const report = await describeProvision(client, workflowId);
    const steps = report.status?.stepsDone ?? [];
    for (; printed < steps.length; printed++) {
      const s = steps[printed]!;
      warn(`  ${s.at}  ${s.step}`);
    }
    const next = report.status?.nextCheckAt;
    if (report.state === 'running' && next && next !== lastWait) {
      lastWait = next;
      warn(
        `                            waiting until ${next} (send \`cnam check-now ${workflowId}\` to check at once)`,
      );
    }
    if (report.state !== 'running') return report;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
