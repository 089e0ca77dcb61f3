/** The resources actors of one process share (see actor-registry.ts `Shared`). */
import type { TemplatesFolderWatch } from '@oo/engine';
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

  /** Reads the folder, then again whenever it changes, as the engine does. */
  const watchTemplates = async (): Promise<readonly TemplateSummary[]> => {
    const { loadTemplatesDir, templatesFolderSignature, watchTemplatesFolder } = await import('@oo/engine');
    const dir = config.engine.templatesDir;
    const read = () =>
      loadTemplatesDir(dir).templates.map(({ template }) => ({
        name: template.name,
        version: template.version,
        description: template.description,
      }));
    const since = await templatesFolderSignature(dir);
    const first = read();
    if (!closed) {
      watch = watchTemplatesFolder(dir, since, async () => {
        templates = Promise.resolve(read());
      });
    }
    return first;
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
