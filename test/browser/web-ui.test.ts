/**
 * In a real browser: Debian's Chromium, driven by playwright-core, opens the dev server's Web UI,
 * finds a waiting provision by a search-attribute query and reads its current details, and finds a
 * completed one by whether CNAM dips saw its name on the network (`CnamShowing`).
 * Needs `apt-get install chromium` (or CHROMIUM_PATH); never downloads a browser. Without it the
 * test is skipped, saying how to install it, except in CI (`CI` set), where it is required.
 * Screenshots go to test-output/ (git-ignored).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Browser, Locator, Page } from 'playwright-core';
import { startProvision } from '../../src/app/start';
import type { RunningDevServer } from '../../dev/temporal/dev-server';
import { getStatus, type ProvisionStatus } from '../../src/core/workflow/messages';
import { startStack, type Stack } from '../helpers/stack';
import { eventually } from '../helpers/temporal';
import { launchChromium, OUT, requireChromium, skipWithoutChromium as skip } from '../helpers/browser';

const WAIT_MS = 45_000;

let stack: Stack;
let server: RunningDevServer;
let client: Client;
let browser: Browser;
let workflowId: string;
let status: ProvisionStatus;

before(async () => {
  if (skip) return;
  requireChromium();
  // Flowroute's review never ends during the test: the provision stays in awaiting-approval.
  stack = await startStack({ flowrouteApprovalDelayMs: 3_600_000 }, { ui: true, queuePrefix: 'browser' });
  ({ server, client } = stack);
  ({ workflowId } = await startProvision(client, stack.taskQueue, {
    provider: 'flowroute',
    number: '+12065550102',
    displayName: 'Harbor Dental',
    approvalPollInitial: '1h',
  }));
  // nextCheckAt is set together with the "Waiting for Flowroute approval…" details.
  status = await eventually(
    async () => {
      const s = await client.workflow.getHandle(workflowId).query(getStatus);
      return s.step === 'awaiting-approval' && s.nextCheckAt !== null && s;
    },
    'awaiting-approval with a next check',
    WAIT_MS,
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (workflowId)
    await client.workflow
      .getHandle(workflowId)
      .terminate('web-ui test done')
      .catch(() => undefined);
  await stack?.close();
});

/** Waits for `target`, reloading now and then: visibility and metadata can lag a moment. */
async function appears(page: Page, target: Locator): Promise<boolean> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await target.waitFor({ state: 'visible', timeout: 7_500 });
      return true;
    } catch {
      if (Date.now() > deadline) return false;
      await page.reload();
    }
  }
}

const listUrl = (query: string) => `${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;

test('the Web UI lists the waiting provision for a search-attribute query and shows its current details', {
  skip,
}, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(WAIT_MS);
  const row = page.getByRole('link', { name: workflowId, exact: true });

  await page.goto(listUrl('CnamStep="awaiting-approval" AND CnamProvider="flowroute"'));
  const listed = await appears(page, row);
  await page.screenshot({ path: resolve(OUT, 'web-ui-list.png'), fullPage: true });
  assert.ok(listed, `${workflowId} is not in the Web UI's list for the query (see test-output/web-ui-list.png)`);

  await row.click();
  await page.waitForURL((url) => url.pathname.startsWith(`/namespaces/default/workflows/${workflowId}/`));
  // UI 2.54 shows the static summary and the current details (as markdown, each in an iframe) on this tab.
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  const details = page.locator('#user-metadata-current-details').contentFrame();
  const summary = page.locator('#user-metadata-summary').contentFrame();
  const detailsShown = await appears(
    page,
    details.getByText(new RegExp(`^Waiting for Flowroute approval of record ${status.recordId}, next check `)),
  );
  await page.screenshot({ path: resolve(OUT, 'web-ui-workflow.png'), fullPage: true });
  assert.ok(detailsShown, `the current details are not shown (see test-output/web-ui-workflow.png)`);
  // Markdown turns the straight quotes of 'Flowroute CNAM "Harbor Dental" for +12065550102' into curly ones.
  const summaryShown = await appears(page, summary.getByText(/^Flowroute CNAM .Harbor Dental. for \+12065550102$/));
  assert.ok(summaryShown, 'the static summary is not shown');

  // The query really filters: one the provision does not match lists nothing.
  await page.goto(listUrl(`CnamStep="completed" AND CnamProvider="flowroute"`));
  await row.or(page.getByText('No Workflows Found')).first().waitFor();
  assert.equal(await row.count(), 0, 'a provision awaiting approval is listed as completed');
  await page.close();
});

test('the Web UI finds a completed provision by CnamShowing and says since when the name shows', { skip }, async () => {
  const { workflowId: shownId } = await startProvision(client, stack.taskQueue, {
    provider: 'flowroute',
    number: '+13125550100',
    displayName: 'Harbor Optics',
    approvalPollInitial: '1s',
    associationWait: '1s',
  });
  const handle = client.workflow.getHandle(shownId);
  const recordId = await eventually(async () => (await handle.query(getStatus)).recordId, 'the record', WAIT_MS);
  stack.sandboxes.flowroute.approve(recordId);
  await handle.result();
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(WAIT_MS);
  const row = page.getByRole('link', { name: shownId, exact: true });
  await page.goto(listUrl('CnamShowing="showing" AND CnamProvider="flowroute"'));
  const listed = await appears(page, row);
  await page.screenshot({ path: resolve(OUT, 'web-ui-showing.png'), fullPage: true });
  assert.ok(listed, `${shownId} is not listed as showing (see test-output/web-ui-showing.png)`);
  await row.click();
  await page.waitForURL((url) => url.pathname.startsWith(`/namespaces/default/workflows/${shownId}/`));
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  const details = page.locator('#user-metadata-current-details').contentFrame();
  const shown = await appears(
    page,
    details.getByText(/^Done: the name is provisioned .*; registered and showing since \S+$/),
  );
  await page.screenshot({ path: resolve(OUT, 'web-ui-showing-details.png'), fullPage: true });
  assert.ok(shown, 'the verification is not in the current details (see test-output/web-ui-showing-details.png)');
  await page.close();
});
