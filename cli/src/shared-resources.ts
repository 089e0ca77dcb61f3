/** The resources actors of one process share (see actor-registry.ts `Shared`). */
import type { TemplateRegistry, TemplatesFolderWatch } from '@oo/engine';
import type { ReadModel } from '@oo/read-model';
import type { Logger } from 'pino';
import type { Shared, TemplateSummary } from './actor-registry.js';
import type { OoConfig } from './oo-config.js';
import { openInstallationReadModel } from './read-model-access.js';

export function sharedResources(config: OoConfig, log: Logger): Shared & { close(): Promise<void> } {
  let opened: Promise<ReadModel> | undefined;
  /** The templates folder's registry, read on first use and again whenever the folder changes. */
  let folder: Promise<{ registry: TemplateRegistry }> | undefined;
  let watch: TemplatesFolderWatch | undefined;
  let closed = false;

  /** Reads the folder, then again whenever it changes, keeping what a refused file held as the engine does. */
  const watchFolder = async (): Promise<{ registry: TemplateRegistry }> => {
    const {
      createTemplateRegistry,
      loadTemplatesDir,
      reloadedRegistry,
      templatesFolderSignature,
      watchTemplatesFolder,
    } = await import('@oo/engine');
    // The engine's check, task types included: a template it refuses is neither listed nor routed.
    const types = (await import('./task-catalog.js')).knownTaskTypes();
    const dir = config.engine.templatesDir;
    const since = await templatesFolderSignature(dir);
    const read = { registry: createTemplateRegistry(loadTemplatesDir(dir, types).templates) };
    if (!closed) {
      watch = watchTemplatesFolder(dir, since, async () => {
        read.registry =
          reloadedRegistry(read.registry, loadTemplatesDir(dir, types), dir)?.registry ?? read.registry;
      });
    }
    return read;
  };

  return {
    urls: {},
    log,
    async templates(): Promise<readonly TemplateSummary[]> {
      folder ??= watchFolder();
      return (await folder).registry.list().map(({ template }) => ({
        name: template.name,
        version: template.version,
        description: template.description,
      }));
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
