/**
 * Payload encryption end to end: a worker and a client with CNAM_CODEC_KEYS start a real Twilio
 * provisioning (sandbox) whose input holds a name and a notification email. The history Temporal
 * stores and exports holds neither in plaintext; the Web UI, given `cnam`'s codec server through the
 * dev server's `--ui-codec-endpoint`, shows them decoded in a real browser (Debian's Chromium via
 * playwright-core). Skipped without Chromium as web-ui.test.ts is, except in CI, where it is required.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { startSandboxes, type RunningSandboxes } from '../../dev/sandbox/start';
import { temporalCliPath } from '../../dev/temporal/binaries';
import { startProvision } from '../../src/app/start';
import { getStatus } from '../../src/core/workflow/messages';
import { createClient } from '../../src/temporal/connection';
import { codecFromEnv } from '../../src/temporal/data-converter';
import { startCodecServer, type RunningCodecServer } from '../../src/temporal/codec-server';
import { devServerSearchAttributeFlags } from '../../src/temporal/search-attributes';
import { CnamDisplayName, NAMES_INDEXED_MEMO } from '../../src/core/workflow/search-attributes';
import { buildActivityDeps, createCnamWorker, type CnamWorker } from '../../src/worker';
import { freePort } from '../helpers/cli';
import { eventually, installQuietRuntime, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { launchChromium, OUT, requireChromium, skipWithoutChromium as skip } from '../helpers/browser';

const WAIT_MS = 45_000;

// Personal data to look for: distinctive, so a match can only be this run's.
const NAME = 'Quillon Dental';
const EMAIL = `privacy-${randomBytes(4).toString('hex')}@quillon.example`;

let env: TestWorkflowEnvironment;
let sandboxes: RunningSandboxes;
let codecServer: RunningCodecServer;
let worker: CnamWorker;
let running: Promise<void>;
let client: Client;
let browser: Browser;
let address: string;
let uiUrl: string;
let workflowId: string;
let runId: string;
const savedKeys = process.env.CNAM_CODEC_KEYS;

before(async () => {
  if (skip) return;
  requireChromium();
  installQuietRuntime();
  // Before the worker and the client exist: both read the keys when they are created.
  process.env.CNAM_CODEC_KEYS = `browser-test:${randomBytes(32).toString('base64')}`;
  const [port, uiPort, codecPort, bundle] = await Promise.all([freePort(), freePort(), freePort(), workflowBundle()]);
  address = `127.0.0.1:${port}`;
  uiUrl = `http://127.0.0.1:${uiPort}`;
  codecServer = await startCodecServer({
    port: codecPort,
    host: '127.0.0.1',
    codec: codecFromEnv()!,
    corsOrigins: [uiUrl, `http://localhost:${uiPort}`],
  });
  // startDevServer has no way to pass --ui-codec-endpoint: the SDK's launcher runs the same binary.
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      log: { format: 'json', level: 'error' },
      extraArgs: [
        '--ui-codec-endpoint',
        codecServer.url,
        '--ui-disable-news-fetch',
        ...devServerSearchAttributeFlags().flatMap((sa) => ['--search-attribute', sa]),
      ],
    },
  });
  sandboxes = await startSandboxes({ autoReview: false });
  const taskQueue = uniqueTaskQueue('codec');
  worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: await buildActivityDeps(sandboxes.workerEnv),
    workflowBundle: bundle,
  });
  running = worker.run();
  client = createClient(env.connection, 'default');
  ({ workflowId, runId } = (await startProvision(client, taskQueue, {
    provider: 'twilio',
    phoneNumber: '+12065550104',
    businessProfileSid: sandboxes.twilio.defaultBusinessProfileSid,
    displayName: NAME,
    notificationEmail: EMAIL,
    reviewPollInitial: '1h',
  })) as { workflowId: string; runId: string });
  // The query goes through the client's codec too: a status back means both sides share the keys.
  await eventually(
    async () => (await client.workflow.getHandle(workflowId).query(getStatus)).step === 'awaiting-approval',
    'the provisioning to await Twilio review',
    WAIT_MS,
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (workflowId)
    await client.workflow
      .getHandle(workflowId)
      .terminate('codec test done')
      .catch(() => undefined);
  worker?.shutdown();
  await running;
  await sandboxes?.close();
  await env?.teardown();
  await codecServer?.close();
  if (savedKeys === undefined) delete process.env.CNAM_CODEC_KEYS;
  else process.env.CNAM_CODEC_KEYS = savedKeys;
});

/** Where `text` occurs in `haystack`, any case (the name is upper-cased on its way to Twilio). */
const contains = (haystack: string, text: string) => haystack.toLowerCase().includes(text.toLowerCase());

/** The history as stored (protobuf bytes, where a JSON payload would be plain text) and as the CLI exports it. */
async function exports(): Promise<{ bytes: string; cliJson: string }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
  const { stdout } = await promisify(execFile)(
    temporalCliPath(),
    ['workflow', 'show', '--address', address, '--namespace', 'default', '--workflow-id', workflowId, '-o', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return { bytes, cliJson: stdout };
}

test('with the codec on, the history export holds neither the name nor the email in plaintext', { skip }, async () => {
  const { bytes, cliJson } = await exports();
  assert.ok(
    contains(cliJson, 'binary/encrypted') || contains(cliJson, 'YmluYXJ5L2VuY3J5cHRlZA'),
    'payloads are encrypted',
  );
  for (const [what, text] of [
    ['bytes', bytes],
    ['CLI JSON', cliJson],
  ] as const)
    assert.ok(!contains(text, EMAIL), `the email is in the history's ${what}`);
  // Search attributes too: with the codec on, the name stays out of CnamDisplayName (the server stores
  // search attributes in plaintext), so no copy of it is anywhere in the export.
  for (const [what, text] of [
    ['bytes', bytes],
    ['CLI JSON', cliJson],
  ] as const)
    assert.ok(!contains(text, NAME), `the name is in the history's ${what}`);
  const { memo, typedSearchAttributes } = await client.workflow.getHandle(workflowId).describe();
  assert.equal(typedSearchAttributes.get(CnamDisplayName), undefined, 'the name is not a search attribute');
  assert.deepEqual(memo, { [NAMES_INDEXED_MEMO]: false }, 'the workflow was told to keep names out');
});

test('the Web UI with the codec endpoint shows the input decoded: the name and the email', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
  page.setDefaultTimeout(WAIT_MS);
  const codecCalls: string[] = [];
  page.on('requestfinished', (r) => {
    const url = new URL(r.url());
    if (url.origin === codecServer.url && r.method() === 'POST') codecCalls.push(url.pathname);
  });
  await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`);
  // The decoded input as the UI prints it (JSON lines): no search attribute could show these.
  const name = page.getByText(`"displayName": "${NAME}"`).first();
  const email = page.getByText(`"notificationEmail": "${EMAIL}"`).first();
  const shown = await Promise.all([name.waitFor(), email.waitFor()]).then(
    () => true,
    () => false,
  );
  await page.screenshot({ path: resolve(OUT, 'codec-web-ui.png'), fullPage: true });
  assert.ok(shown, 'the decoded name and email are not on the workflow page (see test-output/codec-web-ui.png)');
  assert.ok(
    codecCalls.includes('/decode'),
    `the page never called the codec server's /decode (calls: ${codecCalls.join(', ') || 'none'})`,
  );
  await page.close();
});
