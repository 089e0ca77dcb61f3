/**
 * `npm run bench [-- <prefix>]`: runs every benchmark (or those whose name starts with the prefix)
 * and prints one JSON object per result line on stdout.
 */
import type { Benchmark } from './bench-result.js';
import { engineDiamond } from './benchmarks/engine-diamond.js';
import { engineLatency } from './benchmarks/engine-latency.js';
import { engineParked } from './benchmarks/engine-parked.js';
import { engineScale } from './benchmarks/engine-scale.js';
import { gatewayAccept } from './benchmarks/gateway-accept.js';
import { runtimeRoundtrip } from './benchmarks/runtime-roundtrip.js';

const benchmarks: readonly Benchmark[] = [
  runtimeRoundtrip,
  engineDiamond,
  engineLatency,
  engineParked,
  engineScale,
  gatewayAccept,
];

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
