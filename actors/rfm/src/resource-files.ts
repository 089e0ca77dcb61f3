/** The files of one commit: each resource as pretty JSON, and `oo-repo.json`. */
import { type CommonResource, RepoMetadata } from '@oo/contracts';
import type { RepoFile } from './git-commit.js';
import type { ResourceHandler } from './policy-types.js';

export const REPO_METADATA_FILE = 'oo-repo.json';

/** `virtual_machine/dev-rhel9-0001.json`, `dns_record/web.intranet.example.json`. */
export function resourcePath(resource: CommonResource): string {
  const name = resource.kind === 'dns_record' ? resource.fqdn.replace(/\.$/, '') : resource.name;
  return `${resource.kind}/${name}.json`;
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function resourceFiles(
  handler: ResourceHandler,
  resources: readonly CommonResource[],
  managed: boolean,
): { files: RepoFile[]; paths: string[] } {
  const files = resources.map((r) => ({ path: resourcePath(r), content: pretty(r) }));
  return {
    files: [
      ...files,
      {
        path: REPO_METADATA_FILE,
        content: pretty(RepoMetadata.parse(handler.repoMetadata(resources, managed))),
      },
    ],
    paths: files.map((f) => f.path),
  };
}
