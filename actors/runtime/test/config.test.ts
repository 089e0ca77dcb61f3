import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, RuntimeConfig } from '@oo/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oo-config-')), 'oo.config.json');
  writeFileSync(path, content);
  return path;
}

describe('runtime - configuration', () => {
  it('fills defaults when nothing is configured', () => {
    const config = loadConfig(RuntimeConfig, { env: {}, file: file('{}') });
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.log.level).toBe('info');
    expect(config.auth).toEqual({ principalTtlSeconds: 300, clockSkewSeconds: 30 });
  });

  it('lets named environment variables override the file', () => {
    const path = file(JSON.stringify({ nats: { url: 'nats://file:4222' }, log: { level: 'debug' } }));
    const config = loadConfig(RuntimeConfig, { env: { NATS_URL: 'nats://env:4222' }, file: path });
    expect(config.nats.url).toBe('nats://env:4222');
    expect(config.log.level).toBe('debug');
  });

  it('takes any key by path from OO__ variables, parsed as JSON', () => {
    const config = loadConfig(RuntimeConfig, { env: { OO__drainTimeoutMs: '2500' }, file: file('{}') });
    expect(config.drainTimeoutMs).toBe(2500);
  });

  it('fails naming the key, the rule and where the value came from', () => {
    expect(() => loadConfig(RuntimeConfig, { env: { OO_LOG_LEVEL: 'loud' }, file: file('{}') })).toThrow(
      /log\.level: .*Invalid option.*\[env OO_LOG_LEVEL\]/,
    );
  });

  it('names the variable a bad element of a list came from', () => {
    const Hosts = z.object({ hosts: z.array(z.ipv4()) });
    expect(() => loadConfig(Hosts, { env: { OO__hosts: '["10.0.0.1", "nope"]' }, file: file('{}') })).toThrow(
      /hosts\.1: .*\[env OO__hosts\]/,
    );
  });

  it('rejects unknown keys in the file, naming them', () => {
    expect(() => loadConfig(RuntimeConfig, { env: {}, file: file('{"natz": {}}') })).toThrow(
      /\(root\): .*natz.*\[file /,
    );
  });

  it('names the variable behind an unknown key or a rule over a section, not the defaults', () => {
    expect(() => loadConfig(RuntimeConfig, { env: { OO__natz__url: 'x' }, file: file('{}') })).toThrow(
      /\(root\): .*natz.*\[env OO__natz__url, file /,
    );
    const Smtp = z.object({
      smtp: z.object({ host: z.string(), port: z.number() }).optional(),
      other: z.string().optional(),
    });
    expect(() => loadConfig(Smtp, { env: { OO__smtp__host: 'mail', OO__other: 'x' } })).toThrow(
      /smtp\.port: .*\[env OO__smtp__host\]$/,
    );
  });

  it('rejects a config file that is not JSON with its path', () => {
    const path = file('{ nope');
    expect(() => loadConfig(RuntimeConfig, { env: {}, file: path })).toThrow(
      expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID', message: expect.stringContaining(path) }),
    );
  });

  it('takes NATS credentials from NATS_USER and NATS_PASSWORD, and refuses a password alone without echoing it', () => {
    const config = loadConfig(RuntimeConfig, {
      env: { NATS_USER: 'oo', NATS_PASSWORD: 's3cret-value' },
      file: file('{}'),
    });
    expect(config.nats).toMatchObject({ user: 'oo', password: 's3cret-value' });
    let message = '';
    try {
      loadConfig(RuntimeConfig, { env: { NATS_PASSWORD: 's3cret-value' }, file: file('{}') });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/nats\.password: a password needs nats\.user/);
    expect(message).not.toContain('s3cret-value');
  });
});
