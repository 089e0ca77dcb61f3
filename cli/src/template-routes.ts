/**
 * The requests actor routes each resource type to a template by name (`requests.templates`); the
 * engine runs only the templates it loaded. A route naming a template that is not there used to
 * be found by the first request of that type: accepted, then failed with "no template loaded".
 * Checked when the requests actor is built instead, naming the key.
 */
import { OoError } from '@oo/contracts';
import type { OoConfig } from './oo-config.js';

/**
 * @throws OoError OO_ERR_CONFIG_INVALID naming each route (`requests.templates.<type>.<mode>`)
 * whose template is not among `loaded`
 */
export function checkTemplateRoutes(
  routes: OoConfig['requests']['templates'],
  loaded: ReadonlySet<string>,
  templatesDir: string,
): void {
  const problems: string[] = [];
  for (const [type, modes] of Object.entries(routes)) {
    for (const [mode, template] of Object.entries(modes)) {
      if (template !== undefined && !loaded.has(template)) {
        problems.push(`requests.templates.${type}.${mode}: no template "${template}" in ${templatesDir}`);
      }
    }
  }
  if (problems.length > 0) {
    const known = [...loaded].sort().join(', ') || 'none';
    throw new OoError('OO_ERR_CONFIG_INVALID', `${problems.join('; ')} (templates there: ${known})`, {
      details: { problems },
    });
  }
}
