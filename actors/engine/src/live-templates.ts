/**
 * The templates a running engine works with: the folder's for new runs, read again whenever a file
 * is added, edited or removed (template-folder-watch.ts), and, for a run under way, the exact
 * template it started with.
 *
 * A reload makes the folder as it is now what new runs start from: a new file's template can be
 * started, a removed file's no longer can. A file whose new content fails the checks is refused and
 * logged, and what it held before stays loaded: a half-saved or mistaken edit does not take a working
 * template away. A folder that cannot be read at all keeps everything loaded. A run keeps its template
 * whatever happens to the file, through its snapshot in the `templates` bucket.
 */
import { OoError } from '@oo/contracts';
import type { Logger } from 'pino';
import type { LoadedTemplate, Problem } from './loaded-template.js';
import { templatesFolderSignature, watchTemplatesFolder } from './template-folder-watch.js';
import { compileTemplate, loadTemplatesDir } from './template-loader.js';
import { createTemplateRegistry, registryChanges, type TemplateRegistry } from './template-registry.js';
import type { templateSnapshots } from './template-snapshots.js';

export interface LiveTemplates {
  /**
   * The folder's template `name` at `version`, or its newest version: what a new run starts from.
   * One not loaded is looked for in the folder once more before the run is refused: a file saved
   * a moment ago (a script copying a template, then starting it) is not missed for want of an event.
   * @throws OoError OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND
   */
  get(name: string, version?: number): Promise<LoadedTemplate>;
  /** The exact template a run started with (`RunState.templateKey`), even if its file changed or went. */
  ofRun(templateKey: string): Promise<LoadedTemplate>;
  /** Stops watching the folder. */
  stop(): void;
}

export interface LiveTemplatesOptions {
  readonly dir: string;
  readonly knownTaskTypes: ReadonlySet<string> | undefined;
  readonly snapshots: ReturnType<typeof templateSnapshots>;
  readonly log: Logger;
  /** Told of each file refused and of a folder not readable, beside the log (the actor's presence shows the last). */
  readonly report: (problem: Problem) => void;
  /** How often the folder is looked at besides the file system's events (ms). */
  readonly checkMs?: number;
}

/**
 * Templates compiled from snapshots (or replaced by a reload) kept for the runs still using them:
 * compiling a template (its expressions) for every event of such a run would cost more than its task.
 */
const RETIRED_KEPT = 64;

/**
 * The registry a new read of the folder makes after `before`: the templates read, and the one each
 * refused file held before (`kept`); undefined when the folder could not be read at all.
 */
export function reloadedRegistry(
  before: TemplateRegistry,
  loaded: { templates: readonly LoadedTemplate[]; problems: readonly Problem[] },
  dir: string,
): { registry: TemplateRegistry; kept: LoadedTemplate[] } | undefined {
  if (loaded.problems.some((p) => p.file === dir)) return undefined;
  const registry = createTemplateRegistry(loaded.templates);
  const refused = new Set(loaded.problems.map((p) => p.file));
  const loadedFrom = new Set(loaded.templates.map((t) => t.source));
  const kept: LoadedTemplate[] = [];
  for (const earlier of before.list()) {
    if (!refused.has(earlier.source) || loadedFrom.has(earlier.source)) continue;
    try {
      registry.add(earlier);
      kept.push(earlier);
    } catch {
      // Its name@version is now another file's, with other content: that file's stands.
    }
  }
  return { registry, kept };
}

export async function liveTemplates(options: LiveTemplatesOptions): Promise<LiveTemplates> {
  const { dir, knownTaskTypes, snapshots, log, report } = options;
  const retired = new Map<string, Promise<LoadedTemplate>>();
  const retire = (key: string, template: Promise<LoadedTemplate>) => {
    retired.set(key, template);
    if (retired.size > RETIRED_KEPT) retired.delete(retired.keys().next().value as string);
  };

  const load = () => {
    const loaded = loadTemplatesDir(dir, knownTaskTypes);
    for (const problem of loaded.problems) {
      log.error({ problem }, 'template refused');
      report(problem);
    }
    return loaded;
  };
  const since = await templatesFolderSignature(dir);
  let registry = createTemplateRegistry(load().templates);
  for (const t of registry.list()) await snapshots.save(t);

  const reload = async () => {
    const next = reloadedRegistry(registry, load(), dir);
    if (!next) {
      log.error({ dir }, 'templates folder not readable; the templates loaded before are kept');
      return;
    }
    for (const t of next.kept) {
      log.warn({ file: t.source, template: t.key }, 'template refused; its previous content stays loaded');
    }
    for (const t of next.registry.list()) await snapshots.save(t);
    for (const t of registry.list()) if (!next.registry.byKey(t.key)) retire(t.key, Promise.resolve(t));
    const changes = registryChanges(registry, next.registry);
    registry = next.registry;
    log.info({ dir, ...changes }, 'templates reloaded');
  };
  const watch = watchTemplatesFolder(dir, since, reload, {
    ...(options.checkMs === undefined ? {} : { checkMs: options.checkMs }),
    onError: (err) => log.warn({ err }, 'templates not reloaded; trying again at the next look'),
  });

  return {
    async get(name, version) {
      try {
        return registry.get(name, version);
      } catch (err) {
        if (!(err instanceof OoError) || err.code !== 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND') throw err;
        await watch.lookNow();
        return registry.get(name, version);
      }
    },
    ofRun(templateKey) {
      const known = registry.byKey(templateKey) ?? retired.get(templateKey);
      if (known) return Promise.resolve(known);
      const compiled = snapshots
        .load(templateKey)
        .then((json) => compileTemplate(json, `snapshot ${templateKey}`, undefined));
      retire(templateKey, compiled);
      compiled.catch(() => retired.delete(templateKey));
      return compiled;
    },
    stop: () => watch.close(),
  };
}
