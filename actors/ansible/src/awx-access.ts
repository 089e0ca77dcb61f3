/**
 * How the AWX tasks of one runner reach AWX: one client (one connection pool) made on first use
 * and shared by every task of that runner, so a job polled every few seconds reuses its
 * connections. A runner without URL or token still starts; its AWX tasks then fail terminally.
 */
import { OoError } from '@oo/contracts';
import type { AnsibleConfig } from './ansible-config.js';
import { type AwxClient, createAwxClient } from './awx-client.js';
import type { AwxLogger } from './awx-http.js';

export interface AwxAccess {
  /** The shared client. Throws OO_ERR_AWX_NOT_CONFIGURED (terminal) without URL and token. */
  client(): AwxClient;
  /** Between two polls of a running job (ms). */
  readonly pollMs: number;
  /** Closes the client's connections, if it was made. */
  close(): Promise<void>;
}

export function awxAccess(settings: AnsibleConfig['awx'], log?: AwxLogger): AwxAccess {
  let client: AwxClient | undefined;
  return {
    pollMs: settings.pollMs,
    client() {
      if (client) return client;
      if (settings.url === undefined || settings.token === undefined) {
        throw new OoError(
          'OO_ERR_AWX_NOT_CONFIGURED',
          `AWX is not configured for this runner: ${settings.url === undefined ? 'AWX_URL' : 'AWX_TOKEN'} is not set`,
        );
      }
      client = createAwxClient({
        baseUrl: settings.url,
        token: settings.token,
        ...(settings.apiPath === undefined ? {} : { apiPath: settings.apiPath }),
        ...(settings.retry === undefined ? {} : { retry: settings.retry }),
        ...(log === undefined ? {} : { log }),
      });
      return client;
    },
    async close() {
      const open = client;
      client = undefined;
      await open?.close();
    },
  };
}
