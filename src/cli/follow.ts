/** Following a running provisioning from the terminal: one line per step, until it closes. */
import type { Client } from '@temporalio/client';
import { describeProvision, type ProvisionReport } from '../app/describe';
import type { StartedProvision } from '../app/start';
import { printJson, say, warn } from './output';
import { printReport, reportExitCode } from './status';

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

/**
 * What `provision`, `rename`, `remove` and `adopt` print once started: the run (or the one already
 * going, in `alreadyRunning`'s words) and its Web UI link; with `wait`, every step until it ends, and the exit code.
 */
export async function reportStarted(
  client: Client,
  started: StartedProvision,
  opts: { json?: boolean; wait?: boolean; webUi: string; alreadyRunning: string; startedText: string },
): Promise<void> {
  if (!opts.json) {
    say(started.alreadyRunning ? opts.alreadyRunning : opts.startedText);
    say(`Web UI: ${opts.webUi}`);
  }
  if (!opts.wait) {
    if (opts.json) printJson({ ...started, webUi: opts.webUi });
    else say(`Follow it with: cnam status ${started.workflowId}`);
    return;
  }
  const report = await followProvision(client, started.workflowId);
  if (opts.json) printJson({ ...started, webUi: opts.webUi, ...report });
  else printReport(report);
  process.exitCode = reportExitCode(report);
}
