#!/usr/bin/env -S node --conditions=oo-compiled
// OO ships TypeScript. Executed directly (`npx oo`, the shebang) or with `node --conditions=oo-compiled`,
// `oo` runs the compiled build (see build.js), built first when it is missing or older than the
// sources. Started as `node cli/bin/oo.js`, tsx compiles the sources as they load.
import { compiledRequested, ensureBuilt } from './build.js';

if (compiledRequested()) {
  await ensureBuilt();
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
