/**
 * The provider registry is the only list of providers: adding one is a folder under src/providers/
 * and one entry in src/providers/index.ts. These tests fail when product code outside a provider's
 * folder names a provider, or when the registry and what the worker runs disagree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROVIDERS } from '../../src/providers';
import { writeWorkflowEntry } from '../../src/worker';
import { searchAttributeDefinitions } from '../../src/temporal/search-attribute-definitions';

const SRC = resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The code without comments, so explanations may name providers; strings and identifiers may not. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

test('no product code outside a provider folder and the registry names a provider', () => {
  const outside = sourceFiles(SRC).filter(
    (f) => !/^providers\/[^/]+\//.test(relative(SRC, f)) && relative(SRC, f) !== 'providers/index.ts',
  );
  assert.ok(outside.length > 30, `the scan sees the product (${outside.length} files)`);
  const found: string[] = [];
  for (const provider of PROVIDERS) {
    const id = provider.id;
    const forbidden = [
      new RegExp(`['"\`]${id}['"\`]`), // the id as a value: a ternary or a list over providers
      new RegExp(`providers/${id}\\b`), // an import of the provider's files
      new RegExp(`\\b${provider.workflowType}\\b`), // its workflow by name
      new RegExp(`\\b${provider.label}[A-Z]\\w*`), // its types and functions, e.g. FlowrouteClient
    ];
    for (const file of outside) {
      const text = code(file);
      for (const pattern of forbidden) if (pattern.test(text)) found.push(`${relative(SRC, file)}: ${pattern}`);
    }
  }
  assert.deepEqual(found, []);
});

test('the scan would catch a provider named outside its folder', () => {
  const id = PROVIDERS[0].id;
  assert.match(`const p = x === '${id}' ? 1 : 2;`, new RegExp(`['"\`]${id}['"\`]`));
  assert.equal(code('/dev/null'), '');
});

test('each provider workflow is exported under its registered workflow type', async () => {
  for (const provider of PROVIDERS) {
    const workflow = await provider.loadWorkflow();
    assert.equal(workflow.name, provider.workflowType, provider.id);
  }
  const entry = readFileSync(writeWorkflowEntry(), 'utf8');
  assert.deepEqual(
    [...entry.matchAll(/export \{ (\w+) \}/g)].map((m) => m[1]),
    [
      ...PROVIDERS.map((p) => p.workflowType),
      ...PROVIDERS.flatMap((p) => Object.values(p.lifecycle.workflowTypes)),
      'provisionFleet',
      'surveyFleet',
      'reconcileCnams',
    ],
  );
  for (const provider of PROVIDERS) {
    const flows = await provider.lifecycle.loadWorkflows();
    for (const [operation, type] of Object.entries(provider.lifecycle.workflowTypes))
      assert.equal(flows[operation as keyof typeof flows].name, type, `${provider.id} ${operation}`);
  }
});

test("each provider's fleet survey names one of its own activities", async () => {
  for (const provider of PROVIDERS) {
    const activities = (await provider.loadRuntime()).createActivities(null);
    assert.equal(typeof activities[provider.fleet.survey.activity], 'function', provider.id);
  }
});

test('ids, labels and workflow types are unique; every provider search attribute is registered', () => {
  for (const key of ['id', 'label', 'workflowType'] as const) {
    assert.equal(new Set(PROVIDERS.map((p) => p[key])).size, PROVIDERS.length, key);
  }
  const registered = searchAttributeDefinitions().map((d) => d.name);
  for (const provider of PROVIDERS)
    for (const key of provider.searchAttributes) assert.ok(registered.includes(key.name), key.name);
  assert.ok(registered.includes('CnamTrustProductSid'));
});

test('the product never imports the emulators, the dev stack or the tests', () => {
  const offenders = sourceFiles(SRC).filter((f) => /from '(\.\.\/)+(dev|test)\//.test(readFileSync(f, 'utf8')));
  assert.deepEqual(
    offenders.map((f) => relative(SRC, f)),
    [],
  );
});
