/**
 * docker-compose.yml, the Dockerfile and cnam.env.example against what they must agree with: the pinned versions
 * (dev/cluster/versions.env), the cluster settings `npm run cluster` uses (dev/cluster/settings.ts) and the
 * variables the code reads. Reads files only: no Docker engine, no running cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_SETTINGS, pinnedVersions } from '../../dev/cluster/settings';
import { loadWorkerEnv } from '../../src/config/env';
import { PROVIDER_IDS } from '../../src/providers';

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  env_file?: string;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}

// `merge`: the file shares settings through YAML anchors and `<<` merge keys, as Compose reads them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const versions = pinnedVersions();
const S = CLUSTER_SETTINGS;

function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no "${name}" service`);
  return found;
}
const env = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, String(v)]));
const script = (name: string): string => (service(name).command ?? []).join('\n');

/** Compose durations as stop_grace_period takes them ("40s", "1m30s"), in ms. */
function composeDurationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  assert.equal(parts.map((p) => p[0]).join(''), text, `"${text}" is not a compose duration`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

test('compose: images are the pinned versions of dev/cluster/versions.env', () => {
  const expected: Record<string, string> = {
    postgresql: `postgres:${versions.POSTGRES_MAJOR}`,
    temporal: `temporalio/server:${versions.TEMPORAL_SERVER_VERSION}`,
    'temporal-schema': `temporalio/admin-tools:${versions.TEMPORAL_SERVER_VERSION}`,
    'temporal-namespace': `temporalio/admin-tools:${versions.TEMPORAL_SERVER_VERSION}`,
    'temporal-ui': `temporalio/ui:${versions.TEMPORAL_UI_VERSION}`,
  };
  for (const [name, image] of Object.entries(expected))
    assert.equal(service(name).image, image, `${name}: image drifted from dev/cluster/versions.env`);
  const cnamImage = service('worker').image;
  for (const [name, svc] of Object.entries(compose.services))
    assert.ok(
      svc.image === cnamImage || Object.values(expected).includes(svc.image ?? ''),
      `${name}: image ${svc.image} is neither a pinned one nor the image of this repository's Dockerfile`,
    );
});

test('compose: Temporal and its schema job use the cluster settings', () => {
  const server = env('temporal');
  assert.equal(server.DB, S.sqlPlugin, 'temporal: DB (the SQL plugin) drifted from CLUSTER_SETTINGS.sqlPlugin');
  assert.equal(server.DBNAME, S.databases.persistence, 'temporal: DBNAME drifted from CLUSTER_SETTINGS.databases');
  assert.equal(server.VISIBILITY_DBNAME, S.databases.visibility, 'temporal: VISIBILITY_DBNAME drifted');
  assert.equal(server.POSTGRES_USER, S.dbUser, 'temporal: POSTGRES_USER drifted from CLUSTER_SETTINGS.dbUser');
  assert.equal(env('postgresql').POSTGRES_USER, S.dbUser, 'postgresql: POSTGRES_USER drifted from dbUser');
  assert.equal(Number(server.NUM_HISTORY_SHARDS), S.numHistoryShards, 'temporal: NUM_HISTORY_SHARDS drifted');
  assert.deepEqual(
    service('temporal').depends_on?.['temporal-schema'],
    { condition: 'service_completed_successfully' },
    'temporal: must start only after the schema job completed successfully',
  );

  const job = env('temporal-schema');
  for (const key of ['DB', 'DB_PORT', 'POSTGRES_SEEDS', 'POSTGRES_USER', 'DBNAME', 'VISIBILITY_DBNAME'])
    assert.equal(job[key], server[key], `temporal-schema: ${key} differs from the temporal service's`);
  const sql = script('temporal-schema');
  assert.ok(sql.includes('--plugin $$DB') && sql.includes('-u $$POSTGRES_USER'), 'temporal-schema: tool flags');
  for (const [db, dir] of [
    ['DBNAME', 'temporal'],
    ['VISIBILITY_DBNAME', 'visibility'],
  ])
    for (const step of ['create-database', 'setup-schema -v 0.0', `update-schema -d "$$schema/${dir}/versioned"`])
      assert.ok(sql.includes(`--db "$$${db}" ${step}`), `temporal-schema: no \`${step}\` for $${db}`);
  assert.ok(sql.includes('schema=/etc/temporal/schema/postgresql/v12'), 'temporal-schema: schema directory');

  const ns = script('temporal-namespace');
  const create = `namespace create --namespace ${S.namespace} --retention ${S.namespaceRetention}`;
  assert.ok(ns.includes(create), `temporal-namespace: expected \`${create}\` (CLUSTER_SETTINGS)`);
});

test('compose: the server mounts dev/cluster/dynamicconfig.yaml where DYNAMIC_CONFIG_FILE_PATH points', () => {
  const target = env('temporal').DYNAMIC_CONFIG_FILE_PATH;
  const mount = (service('temporal').volumes ?? []).map((v) => v.split(':')).find(([, to]) => to === target);
  assert.ok(mount, `temporal: nothing is mounted at DYNAMIC_CONFIG_FILE_PATH (${target})`);
  assert.equal(normalize(mount[0]!), normalize(S.dynamicConfigFile), 'temporal: mounted dynamic config drifted');
  assert.ok(existsSync(join(ROOT, S.dynamicConfigFile)), `${S.dynamicConfigFile} does not exist`);
});

test("compose: worker, api, setup and sandbox run this repository's image with their commands", () => {
  const expected: Record<string, string[]> = { setup: ['setup'], worker: ['worker'], api: ['serve'] };
  for (const name of ['setup', 'worker', 'api', 'sandbox']) {
    const svc = service(name);
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
    assert.equal(normalize(build?.context ?? ''), '.', `${name}: not built from this repository`);
    assert.equal(build?.dockerfile ?? 'Dockerfile', 'Dockerfile', `${name}: built from another Dockerfile`);
    assert.equal(svc.image, service('worker').image, `${name}: image differs from the worker's`);
    if (expected[name]) {
      assert.deepEqual(svc.command, expected[name], `${name}: command`);
      assert.equal(svc.env_file, 'cnam.env', `${name}: secrets come from env_file cnam.env`);
    }
  }
  assert.equal(service('worker').deploy?.replicas, S.workerReplicas, 'worker: replicas drifted from workerReplicas');
  assert.equal(env('api').CNAM_API_HOST, '0.0.0.0', 'api: must listen on every interface inside its container');
  const apiPort = env('api').CNAM_API_PORT ?? '8080';
  assert.ok(
    service('api').ports?.some((p) => p.endsWith(`:${apiPort}`)),
    `api: container port ${apiPort} unpublished`,
  );
  const hostPorts = Object.values(compose.services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
  assert.equal(new Set(hostPorts).size, hostPorts.length, `two services publish the same host port: ${hostPorts}`);
});

test("compose: the worker's grace, health and metrics settings", () => {
  const worker = env('worker');
  assert.ok(worker.CNAM_SHUTDOWN_GRACE, 'worker: set CNAM_SHUTDOWN_GRACE in compose, where cnam.env cannot change it');
  // Parsed as the worker parses it (and every other worker variable compose sets is validated on the way).
  const graceMs = loadWorkerEnv(worker).CNAM_SHUTDOWN_GRACE;
  const stopMs = composeDurationMs(service('worker').stop_grace_period ?? '10s');
  assert.ok(
    stopMs > graceMs + 15_000,
    `worker: stop_grace_period (${stopMs} ms) must exceed CNAM_SHUTDOWN_GRACE (${graceMs} ms) plus the worker's 15 s of forced shutdown`,
  );
  assert.ok(worker.CNAM_METRICS_ADDRESS, 'worker: CNAM_METRICS_ADDRESS is not set');
  const probe = (service('worker').healthcheck?.test ?? []).join(' ');
  assert.ok(
    probe.includes(`:${worker.CNAM_HEALTH_PORT}/readyz`),
    `worker: healthcheck misses CNAM_HEALTH_PORT's /readyz`,
  );
});

test('compose: the sandbox runs only in its profile', () => {
  assert.deepEqual(service('sandbox').profiles, ['sandbox'], 'sandbox: must be in profile "sandbox" only');
  for (const [name, svc] of Object.entries(compose.services))
    if (!svc.profiles) assert.ok(!svc.depends_on?.sandbox, `${name} (always started) depends on the sandbox`);
  assert.ok(service('sandbox').entrypoint?.includes('dev/sandbox/cli.ts'), 'sandbox: entrypoint');
});

test('Dockerfile: the final stage runs as a non-root user, without src/, and carries the sandbox', () => {
  const lines = read('Dockerfile').split('\n');
  const from = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  const final = lines.slice(from).filter((line) => !line.startsWith('#'));
  const user = final
    .filter((line) => /^USER\s/i.test(line))
    .at(-1)
    ?.split(/\s+/)[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `final stage: USER is ${user ?? 'unset'} (root)`);
  const sources = final
    .filter((line) => /^COPY\s/i.test(line))
    .flatMap((line) =>
      line
        .split(/\s+/)
        .slice(1, -1)
        .filter((t) => !t.startsWith('--')),
    );
  for (const source of sources) {
    const path = source.replace(/^\/app\//, '').replace(/^\.\//, '');
    assert.ok(!/^(src(\/|$)|\.?$|\/app\/?$)/.test(path), `final stage copies ${source}: bin/cnam.js would run src/`);
  }
  assert.ok(sources.includes('dev/sandbox/'), 'final stage: dev/sandbox/ (the compose sandbox) is not copied');
  assert.ok(final.includes('ENTRYPOINT ["node", "bin/cnam.js"]'), 'final stage: ENTRYPOINT');
  assert.ok(final.includes('CMD ["worker"]'), 'final stage: default CMD');
});

/**
 * Environment variables src/ reads: schema keys with our prefixes, `env.X` / `env['X']`, names held in a
 * `...VARIABLE` constant or `envDefault`, and `CNAM_${...}_X` templates expanded per provider.
 */
function variablesReadBySrc(dir = join(ROOT, 'src')): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const name of variablesReadBySrc(path)) names.add(name);
    if (!entry.name.endsWith('.ts')) continue;
    const text = readFileSync(path, 'utf8');
    for (const re of [
      /^\s+((?:CNAM|TEMPORAL|FLOWROUTE|TWILIO|OTEL)_[A-Z0-9_]+)\s*:/gm,
      /\benv\??\.([A-Z][A-Z0-9_]+)/g,
      /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g,
      /(?:VARIABLE|Variable|envDefault)\s*[:=]\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
    ])
      for (const m of text.matchAll(re)) names.add(m[1]!);
    for (const m of text.matchAll(/`([A-Z][A-Z0-9_]*)\$\{[^}]*\}([A-Z0-9_]*)`/g))
      for (const id of PROVIDER_IDS) names.add(`${m[1]}${id.toUpperCase()}${m[2]}`);
  }
  return names;
}

test('cnam.env.example lists every variable the code reads', () => {
  const listed = new Set([...read('cnam.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  const readBySrc = variablesReadBySrc();
  assert.ok(readBySrc.has('CNAM_API_TOKEN') && readBySrc.has('FLOWROUTE_ACCESS_KEY'), 'the scan of src/ found nothing');
  // Read by libraries, not src/: @temporalio/envconfig and the OpenTelemetry exporter; and the worker's own.
  const named = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
  const operational = ['CNAM_METRICS_ADDRESS', 'CNAM_HEALTH_PORT', 'CNAM_SHUTDOWN_GRACE'];
  const missing = [...readBySrc, ...named, ...operational].filter((name) => !listed.has(name));
  assert.deepEqual(missing, [], `cnam.env.example does not list: ${missing.join(', ')}`);
});
