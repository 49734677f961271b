/**
 * Shared Temporal test plumbing: real servers from the binaries `npm run setup:temporal`
 * installed (never a download), workflow code bundled once per test file.
 */
import { writeWorkflowEntry } from '../../src/worker';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { addAllSearchAttributes } from '../../src/temporal/search-attributes';

let runtimeReady = false;

/** Quiet SDK logs in tests: warnings and errors only. Once per process, before any worker. */
export function installQuietRuntime(): void {
  if (runtimeReady) return;
  runtimeReady = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  // The test server knows only predefined attributes; the workflows upsert ours.
  await addAllSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundling is slow and memory-hungry: once per process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  installQuietRuntime();
  bundle ??= bundleWorkflowCode({
    workflowsPath: writeWorkflowEntry(),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/** Unique per test so tests never share a queue or an id. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Polls `probe` until it returns a value, for a state the test cannot await directly. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
