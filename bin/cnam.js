#!/usr/bin/env node
'use strict';
// Runs the compiled CLI in dist/ (`npm run build`; `npm install` builds it through `prepare`).
// In a checkout whose src/ is newer than that build (or with no build yet) it runs src/ through tsx
// instead: slower to start, but never stale code.
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'cli', 'main.js');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** True when some file under src/ changed after the build (a few ms for ~100 files). */
function newerThan(dir, builtAt) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(path, builtAt) : (mtime(path) ?? 0) > builtAt) return true;
  }
  return false;
}

async function loadCli() {
  const builtAt = mtime(compiled);
  const source = join(root, 'src', 'cli', 'main.ts');
  const hasSource = mtime(source) !== null;
  if (builtAt !== null && !(hasSource && newerThan(join(root, 'src'), builtAt))) return require(compiled);
  if (!hasSource) {
    process.stderr.write(
      'cnam: the compiled CLI (dist/) is missing: run `npm run build` in the cnam-orchestrator folder.\n',
    );
    process.exit(2);
  }
  // Both hooks: the CLI loads its heavier commands with `await import()`, which only tsx's ESM hook resolves.
  require('tsx/cjs');
  await import('tsx/esm');
  return require(source);
}

loadCli()
  .then((cli) => cli.main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
