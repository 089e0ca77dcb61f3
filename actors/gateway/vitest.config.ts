import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Opening an in-memory PGlite compiles PostgreSQL's WebAssembly: seconds, more on a busy machine.
  test: { testTimeout: 60_000, hookTimeout: 120_000, typecheck: { enabled: false } },
});
