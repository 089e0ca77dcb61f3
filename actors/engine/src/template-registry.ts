/** The loaded templates, by name and version. A name@version is immutable once added. */
import { OoError } from '@oo/contracts';
import type { LoadedTemplate } from './loaded-template.js';

export interface TemplateRegistry {
  /**
   * The template `name` at `version`, or its newest version when `version` is absent.
   * @throws OoError OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND
   */
  get(name: string, version?: number): LoadedTemplate;
  /** The template with this exact `LoadedTemplate.key`, if loaded: what a running run must keep using. */
  byKey(key: string): LoadedTemplate | undefined;
  /**
   * Adds a template; adding the same content again is a no-op.
   * @throws OoError OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE when name@version is loaded with other content.
   */
  add(template: LoadedTemplate): void;
  /** Every template, by name then version. */
  list(): LoadedTemplate[];
}

/** Names listed at most in an error, so a folder of hundreds does not make a page of one. */
const NAMES_TOLD = 20;

export function createTemplateRegistry(initial: Iterable<LoadedTemplate> = []): TemplateRegistry {
  const byName = new Map<string, Map<number, LoadedTemplate>>();
  const byKey = new Map<string, LoadedTemplate>();

  const registry: TemplateRegistry = {
    get(name, version) {
      const versions = byName.get(name);
      const found =
        versions &&
        (version === undefined ? versions.get(Math.max(...versions.keys())) : versions.get(version));
      if (!found) {
        const what = version === undefined ? name : `${name}@${version}`;
        throw new OoError(
          'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND',
          `no template ${what} is loaded (${whatIsLoaded(name, versions)})`,
          { retryable: false, details: { template: name, ...(version === undefined ? {} : { version }) } },
        );
      }
      return found;
    },
    byKey: (key) => byKey.get(key),
    add(template) {
      const { name, version } = template.template;
      const versions = byName.get(name) ?? new Map<number, LoadedTemplate>();
      const existing = versions.get(version);
      if (existing && existing.key !== template.key) {
        throw new OoError(
          'OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE',
          `${name}@${version} from ${template.source} differs from the one loaded from ${existing.source}; bump its version`,
          {
            retryable: false,
            details: { template: name, version, loaded: existing.key, offered: template.key },
          },
        );
      }
      versions.set(version, template);
      byName.set(name, versions);
      byKey.set(template.key, template);
    },
    list: () =>
      [...byName.keys()]
        .sort()
        .flatMap((name) =>
          [...byName.get(name)!.values()].sort((a, b) => a.template.version - b.template.version),
        ),
  };
  /** What a caller asking for `name` could have meant: its versions, or the names loaded. */
  const whatIsLoaded = (name: string, versions: Map<number, LoadedTemplate> | undefined): string => {
    if (versions) return `${name} has version ${[...versions.keys()].sort((a, b) => a - b).join(', ')}`;
    const names = [...byName.keys()].sort();
    if (names.length === 0) return 'none is';
    const told = names.slice(0, NAMES_TOLD).join(', ');
    return `loaded: ${told}${names.length > NAMES_TOLD ? `, and ${names.length - NAMES_TOLD} more` : ''}`;
  };
  for (const t of initial) registry.add(t);
  return registry;
}

/** What a reload of the folder changed, as name@version lists (`changed`: same version, other content). */
export interface RegistryChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export function registryChanges(before: TemplateRegistry, after: TemplateRegistry): RegistryChanges {
  const keys = (registry: TemplateRegistry) =>
    new Map(registry.list().map((t) => [`${t.template.name}@${t.template.version}`, t.key]));
  const old = keys(before);
  const now = keys(after);
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    changed: [...now].filter(([id, key]) => old.has(id) && old.get(id) !== key).map(([id]) => id),
    removed: [...old.keys()].filter((id) => !now.has(id)),
  };
}
