#!/usr/bin/env -S node --conditions=oo-compiled --max-semi-space-size=32
// OO ships TypeScript. Executed directly (`npx oo`, the shebang) or with `node --conditions=oo-compiled`,
// `oo` runs the compiled build (see build.js), built first when it is missing or older than the
// sources. Started as `node cli/bin/oo.js`, tsx compiles the sources as they load.
// --max-semi-space-size=32 (MiB; V8's default is 16): a busy actor allocates ~100 KB a task, all
// short-lived, and with the default young generation it was collected every ~30 ms at ~3.5 ms a
// time. Twice the room halves the collections: 7-30% more tasks a second (engine.diamond), parked
// memory unchanged (engine.parked). Deployments pass the same flags (deploy/systemd).
import { compiledRequested, ensureBuilt } from './build.js';

if (compiledRequested()) {
  await ensureBuilt();
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
