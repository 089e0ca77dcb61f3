/**
 * `npm run bench [-- <prefix>]`: runs every benchmark (or those whose name starts with the prefix)
 * and prints one JSON object per result line on stdout.
 */
import type { Benchmark } from './bench-result.js';
import { runtimeRoundtrip } from './benchmarks/runtime-roundtrip.js';

const benchmarks: readonly Benchmark[] = [runtimeRoundtrip];

const prefix = process.argv[2] ?? '';
const selected = benchmarks.filter((b) => b.name.startsWith(prefix) || prefix.startsWith(b.name));
if (selected.length === 0) {
  process.stderr.write(
    `no benchmark matches "${prefix}"; known: ${benchmarks.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(1);
}
for (const bench of selected) {
  for (const result of await bench.run()) {
    if (result.name.startsWith(prefix)) process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
process.exit(0);
