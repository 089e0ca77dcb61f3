import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorTableMarkdown } from '../src/index.js';

describe('contracts - generated files', () => {
  it('keeps ERRORS.md in step with the registry (run `npm run schemas` after changing codes)', () => {
    const onDisk = readFileSync(new URL('../ERRORS.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(errorTableMarkdown());
  });
});
