// Totals the TRX files of one test run into the single line CI counts:
//   tests: <passed> passed, <failed> failed, <skipped> skipped
// Exits non-zero when there are no results at all, so a run that ran nothing cannot pass silently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.trx')) files.push(p);
  }
};
try { walk(dir); } catch { /* no folder: reported below */ }

let passed = 0, failed = 0, skipped = 0;
for (const file of files) {
  const counters = /<Counters\b([^>]*)\/>/.exec(readFileSync(file, 'utf8'));
  if (!counters) { console.error(`no <Counters> in ${file}`); failed++; continue; }
  const attr = (name) => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(counters[1]) ?? [0, 0])[1]);
  passed += attr('passed');
  failed += attr('failed') + attr('error') + attr('timeout') + attr('aborted');
  // xunit's skipped tests are counted in total but not in executed (notExecuted stays 0).
  skipped += Math.max(attr('total') - attr('executed'), attr('notExecuted'));
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (files.length === 0) { console.error(`no TRX results under ${dir}`); process.exit(1); }
