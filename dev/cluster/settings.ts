/**
 * The production topology's settings, one source for `npm run cluster` (dev/cluster/) and the test that
 * keeps docker-compose.yml consistent with it (test/cluster/compose.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLUSTER_DIR = __dirname;

/** The pinned versions in dev/cluster/versions.env (also read by scripts/install-cluster.sh). */
export interface PinnedVersions {
  TEMPORAL_SERVER_VERSION: string;
  TEMPORAL_UI_VERSION: string;
  POSTGRES_MAJOR: string;
}

export function pinnedVersions(): PinnedVersions {
  const text = readFileSync(join(CLUSTER_DIR, 'versions.env'), 'utf8');
  const values = Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  for (const key of ['TEMPORAL_SERVER_VERSION', 'TEMPORAL_UI_VERSION', 'POSTGRES_MAJOR'])
    if (!values[key]) throw new Error(`dev/cluster/versions.env lacks ${key}`);
  return values as unknown as PinnedVersions;
}

/** Settings both the cluster script and the compose file use. */
export const CLUSTER_SETTINGS = {
  /** Temporal's SQL plugin for PostgreSQL 12 and later. */
  sqlPlugin: 'postgres12',
  databases: { persistence: 'temporal', visibility: 'temporal_visibility' },
  dbUser: 'temporal',
  /** Fixed for the life of a cluster: changing it needs a new database. */
  numHistoryShards: 4,
  namespace: 'default',
  /** How long a closed workflow's history stays readable. */
  namespaceRetention: '72h',
  workerReplicas: 2,
  /** Relative to the repository root; compose mounts the same file. */
  dynamicConfigFile: 'dev/cluster/dynamicconfig.yaml',
} as const;
