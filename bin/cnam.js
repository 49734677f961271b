#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx cnam` works without a build step.
require('tsx/cjs');
const { main } = require('../src/starter.ts');
main(process.argv).then((code) => {
  process.exitCode = code;
});
