import { defineConfig } from 'vitest/config';

// Each file starts a whole system of its own (nats-server, database, ports, data folder), so the two
// files may run side by side; the timeouts leave room for a busy 2-core machine.
export default defineConfig({
  test: { testTimeout: 240_000, hookTimeout: 180_000 },
});
