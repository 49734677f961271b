/**
 * Second half of `npm run build`: bundles the compiled workflow code once, so the compiled worker
 * starts without webpack (`workflowBundle: { codePath }` in src/worker.ts). As in Temporal's
 * production sample (samples-typescript production/src/scripts/build-workflow-bundle.ts), with the
 * OpenTelemetry workflow interceptors bundled in.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';

const DIST = resolve(__dirname, '..', 'dist');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The compiled worker's own entry writer: the registry's workflows, as the compiled code resolves them.
  const { writeWorkflowEntry } = require(resolve(DIST, 'worker')) as typeof import('../src/worker');
  const { WORKFLOW_INTERCEPTOR_MODULE } = require(
    resolve(DIST, 'telemetry', 'tracing'),
  ) as typeof import('../src/telemetry/tracing');
  // The tracing interceptors are always in: one build serves workers with tracing on and off (src/telemetry/tracing.ts).
  const { code } = await bundleWorkflowCode({
    workflowsPath: writeWorkflowEntry(),
    workflowInterceptorModules: [WORKFLOW_INTERCEPTOR_MODULE],
    logger: new DefaultLogger('WARN'),
  });
  const codePath = resolve(DIST, 'workflow-bundle.js');
  await writeFile(codePath, code);
  console.log(`Workflow bundle written to ${codePath} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
