/**
 * An actor's HTTP server taking its port: on success the URL it listens on (the port it bound,
 * where 0 asked for any); a port already taken or an address it cannot bind stops the actor naming
 * the configuration keys, not with listen's stack. The gateway and the filestore both listen so.
 */
import { OoError } from '@oo/contracts';

/** What is needed of a fastify instance (kept structural: the runtime does not depend on fastify). */
export interface ListeningApp {
  listen(options: { host: string; port: number }): Promise<unknown>;
  close(): Promise<unknown>;
  readonly server: { address(): unknown };
}

/**
 * @param what who listens, as the error names it ("the gateway")
 * @param keys the configuration keys that set host and port, as the error names them
 * @throws OoError OO_ERR_CONFIG_INVALID when listening fails (the app is closed first)
 */
export async function listenNamingKeys(
  app: ListeningApp,
  { host, port }: { host: string; port: number },
  what: string,
  keys: string,
): Promise<string> {
  await app.listen({ host, port }).catch(async (err: Error) => {
    await app.close().catch(() => undefined);
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      `${what} cannot listen on ${host}:${port} (${keys}): ${err.message}`,
      {
        cause: err,
      },
    );
  });
  const address = app.server.address();
  const bound = typeof address === 'object' && address && 'port' in address ? Number(address.port) : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
