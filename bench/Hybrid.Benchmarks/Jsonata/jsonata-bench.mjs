// Times the same expressions as JsonataBenchmarks.cs against the reference implementation (jsonata@2.0.6 from
// tests/tools, installed by `npm ci --prefix tests/tools`), so the ratio to the C# implementation can be reported.
//   node bench/Hybrid.Benchmarks/Jsonata/jsonata-bench.mjs [seconds-per-expression]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../../tests/tools/package.json'));
const jsonata = require('jsonata');
const version = require('jsonata/package.json').version;
const expressions = JSON.parse(readFileSync(join(here, 'expressions.json'), 'utf8'));
const data = JSON.parse(readFileSync(join(here, 'orders.json'), 'utf8'));
const seconds = Number(process.argv[2] ?? 2);

async function time(compiled, budgetMs) {
  // batches of increasing size until one batch takes long enough to measure
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await compiled.evaluate(data);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ms >= budgetMs) return (ms * 1000) / n; // microseconds per evaluation
    n *= 2;
  }
}

console.log(`jsonata ${version} on node ${process.version}`);
console.log('| Benchmark | node µs/op |');
console.log('|---|---:|');
for (const { name, expr } of expressions) {
  const compiled = jsonata(expr);
  await time(compiled, 200); // warm-up (JIT)
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push(await time(compiled, (seconds * 1000) / 5));
  samples.sort((a, b) => a - b);
  console.log(`| ${name} | ${samples[2].toFixed(2)} |`);
}
