/** `oo templates validate [dir]`: the engine's load-time checks over a folder of templates. */
import { formatProblem, loadTemplatesDir } from '@oo/engine';
import { knownTaskTypes } from '../task-catalog.js';

export function validateTemplates(dir: string): number {
  const { templates, problems } = loadTemplatesDir(dir, knownTaskTypes());
  for (const t of templates)
    process.stdout.write(`ok       ${t.source} (${t.template.name}@${t.template.version})\n`);
  for (const p of problems) process.stdout.write(`invalid  ${formatProblem(p)}\n`);
  process.stdout.write(
    `${templates.length} valid, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}
