/** `<data>/up.json`: how scripts and tests find a running `oo up`. Written 0600: it holds a token. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const UpFile = z
  .object({
    nats: z.string(),
    gateway: z.string().optional(),
    adminToken: z.string().optional(),
    simulators: z
      .object({
        awx: z.string().optional(),
        tfe: z.string().optional(),
        vcenter: z.string().optional(),
        apic: z.string().optional(),
      })
      .optional(),
    /** The Prometheus endpoint, when `metrics.port` is configured. */
    metrics: z.string().optional(),
    pid: z.number().int(),
    startedAt: z.string(),
  })
  .strict();
export type UpFile = z.infer<typeof UpFile>;

export function writeUpFile(dataDir: string, up: UpFile): string {
  const path = join(dataDir, 'up.json');
  writeFileSync(path, `${JSON.stringify(up, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export function readUpFile(dataDir: string): UpFile | undefined {
  try {
    return UpFile.parse(JSON.parse(readFileSync(join(dataDir, 'up.json'), 'utf8')));
  } catch {
    return undefined;
  }
}
