/** Starting a simulator's HTTP server: the one way all three listen and name their origin. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/**
 * Listens on `port` (0: a free one) of `host` (default 127.0.0.1); resolves with the origin,
 * `http://<host>:<port>` (`https` for a TLS server), once bound, or rejects with the bind error.
 */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = server instanceof TlsServer ? 'https' : 'http';
  return `${scheme}://${shown}:${address.port}`;
}
