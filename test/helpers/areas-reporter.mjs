// A node:test reporter that adds one line to the summary: product tests and emulator tests (test/dev)
// counted apart, so tests of our own emulators are never read as product coverage.
import { relative, sep } from 'node:path';

const isSuite = (data) => data.details?.type === 'suite';

export default async function* areas(source) {
  const counts = { product: { pass: 0, fail: 0 }, emulators: { pass: 0, fail: 0 } };
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || isSuite(event.data) || !event.data.file) continue;
    const area = relative(process.cwd(), event.data.file).startsWith(`test${sep}dev${sep}`) ? 'emulators' : 'product';
    counts[area][event.type === 'test:pass' ? 'pass' : 'fail'] += 1;
  }
  const line = (name) => `${name}: ${counts[name].pass} passed, ${counts[name].fail} failed`;
  yield `# by area: ${line('product')}; ${line('emulators')} (test/dev)\n`;
}
