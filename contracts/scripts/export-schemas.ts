/** Writes schemas/<name>.schema.json for every public body, and contracts/ERRORS.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { errorTableMarkdown, PublicSchemas } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'contracts', 'schemas');
mkdirSync(outDir, { recursive: true });
for (const [name, schema] of Object.entries(PublicSchemas)) {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  writeFileSync(join(outDir, `${name}.schema.json`), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`contracts/schemas/${name}.schema.json`);
}
writeFileSync(join(root, 'contracts', 'ERRORS.md'), errorTableMarkdown());
console.log('contracts/ERRORS.md');
