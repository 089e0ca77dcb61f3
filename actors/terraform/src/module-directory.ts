/** The folder of a module shipped with the runner. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OoError } from '@oo/contracts';

/** `modulesDir/<module>`; throws OO_ERR_TFE_MODULE_UNKNOWN (terminal) when it does not exist. */
export function moduleDirectory(modulesDir: string, module: string): string {
  const dir = join(modulesDir, module);
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(module) || !existsSync(dir)) {
    throw new OoError(
      'OO_ERR_TFE_MODULE_UNKNOWN',
      `Terraform module "${module}" is not among the runner's modules`,
      {
        retryable: false,
        details: { module },
      },
    );
  }
  return dir;
}
