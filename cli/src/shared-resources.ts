/** The resources actors of one process share (see actor-registry.ts `Shared`). */
import type { ReadModel } from '@oo/read-model';
import type { Logger } from 'pino';
import type { Shared, TemplateSummary } from './actor-registry.js';
import type { OoConfig } from './oo-config.js';
import { openInstallationReadModel } from './read-model-access.js';

export function sharedResources(config: OoConfig, log: Logger): Shared & { close(): Promise<void> } {
  let opened: Promise<ReadModel> | undefined;
  let templates: Promise<readonly TemplateSummary[]> | undefined;
  return {
    urls: {},
    log,
    templates() {
      templates ??= import('@oo/engine').then(({ loadTemplatesDir }) =>
        loadTemplatesDir(config.engine.templatesDir).templates.map(({ template }) => ({
          name: template.name,
          version: template.version,
          description: template.description,
        })),
      );
      return templates;
    },
    readModel() {
      opened ??= openInstallationReadModel(config, config.dataDir, log.child({ component: 'read-model' }));
      return opened;
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}
