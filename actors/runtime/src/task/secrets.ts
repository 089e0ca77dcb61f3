/** Where tasks find secrets by name. Values are handed to the task only, never logged by the runtime. */
import { OoError } from '@oo/contracts';

/** Returns the secret's value, or undefined when it is not configured. */
export type SecretResolver = (name: string) => string | undefined;

const SECRET_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Secrets from environment variables `OO_SECRET_<NAME>` (the default resolver). */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (name) => env[`OO_SECRET_${name}`];
}

/** Resolves `name` or throws OO_ERR_WORKFLOW_SECRET_MISSING (terminal: retrying will not set it). */
export function requireSecret(resolve: SecretResolver, name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw new OoError(
      'OO_ERR_WORKFLOW_SECRET_MISSING',
      `secret name "${name}" must be upper-case letters, digits, _`,
    );
  }
  const value = resolve(name);
  if (value === undefined || value === '') {
    throw new OoError('OO_ERR_WORKFLOW_SECRET_MISSING', `secret ${name} is not set (env OO_SECRET_${name})`, {
      details: { secret: name },
    });
  }
  return value;
}
