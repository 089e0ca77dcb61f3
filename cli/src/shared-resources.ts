/** The resources actors of one process share (see actor-registry.ts `Shared`). */
import type { TemplateRegistry, TemplatesFolderWatch } from '@oo/engine';
import type { ReadModel } from '@oo/read-model';
import type { Logger } from 'pino';
import type { Shared, TemplateSummary } from './actor-registry.js';
import type { OoConfig } from './oo-config.js';
import { openInstallationReadModel } from './read-model-access.js';

export function sharedResources(config: OoConfig, log: Logger): Shared & { close(): Promise<void> } {
  let opened: Promise<ReadModel> | undefined;
  let templates: Promise<readonly TemplateSummary[]> | undefined;
  let watch: TemplatesFolderWatch | undefined;
  let closed = false;

  /** Reads the folder, then again whenever it changes, keeping what a refused file held as the engine does. */
  const watchTemplates = async (): Promise<readonly TemplateSummary[]> => {
    const {
      createTemplateRegistry,
      loadTemplatesDir,
      reloadedRegistry,
      templatesFolderSignature,
      watchTemplatesFolder,
    } = await import('@oo/engine');
    const dir = config.engine.templatesDir;
    const summaries = (registry: TemplateRegistry) =>
      registry.list().map(({ template }) => ({
        name: template.name,
        version: template.version,
        description: template.description,
      }));
    const since = await templatesFolderSignature(dir);
    let registry = createTemplateRegistry(loadTemplatesDir(dir).templates);
    if (!closed) {
      watch = watchTemplatesFolder(dir, since, async () => {
        registry = reloadedRegistry(registry, loadTemplatesDir(dir), dir)?.registry ?? registry;
        templates = Promise.resolve(summaries(registry));
      });
    }
    return summaries(registry);
  };

  return {
    urls: {},
    log,
    templates() {
      templates ??= watchTemplates();
      return templates;
    },
    readModel() {
      opened ??= openInstallationReadModel(config, config.dataDir, log.child({ component: 'read-model' }));
      return opened;
    },
    async close() {
      closed = true;
      watch?.close();
      if (opened) await (await opened).close();
    },
  };
}
