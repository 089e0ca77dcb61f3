import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Hooks open databases: PGlite takes seconds to boot, tens of seconds on a busy CI machine.
  test: { testTimeout: 60_000, hookTimeout: 120_000, typecheck: { enabled: false } },
});
