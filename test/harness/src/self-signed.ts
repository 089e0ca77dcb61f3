/**
 * A self-signed certificate for 127.0.0.1, made by the real openssl: vCenter and APIC serve HTTPS
 * with a certificate of their own (or their own CA's), and this stands in for both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file, as `caFile` names it. */
  readonly certFile: string;
  remove(): void;
}

export function selfSignedCert(): SelfSigned {
  // openssl answers `version`, not `--version`, so test-harness's requireTool cannot probe it.
  if (spawnSync('openssl', ['version']).status !== 0) {
    throw new Error(
      'openssl is not installed: install openssl (apt-get install -y openssl) to run these tests',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'oo-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=simulator.test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
