/** Keys of the `oo` configuration: defaults, overrides, and the rules that refuse a value naming its key. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@oo/runtime';
import { describe, expect, it } from 'vitest';
import { filestoreUrlOf } from '../src/actor-registry.js';
import { OO_ENV_KEYS, OoConfig } from '../src/oo-config.js';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oo-config-')), 'oo.config.json');
  writeFileSync(path, content);
  return path;
}

const load = (env: Record<string, string>, json = '{}') =>
  loadConfig(OoConfig, { env, file: file(json), envKeys: OO_ENV_KEYS });

/** What loading `json` throws, or undefined when it loads. */
function refusal(json: string): unknown {
  try {
    load({}, json);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('oo configuration - engine reconciler', () => {
  it('gives up a task no runner takes after a day, and keeps an ended run 30 days, by default', () => {
    const { engine } = load({});
    expect(engine).toMatchObject({
      stuckAfterMs: 300_000,
      abandonAfterMs: 86_400_000,
      keepEndedRunsMs: 30 * 86_400_000,
    });
  });

  it('takes abandonAfterMs from the file or an OO__ variable', () => {
    expect(load({}, '{"engine": {"abandonAfterMs": 3600000}}').engine.abandonAfterMs).toBe(3_600_000);
    expect(load({ OO__engine__abandonAfterMs: '7200000' }).engine.abandonAfterMs).toBe(7_200_000);
  });

  it('refuses an abandonAfterMs under twice stuckAfterMs, naming the key and the rule', () => {
    expect(() => load({}, '{"engine": {"stuckAfterMs": 600000, "abandonAfterMs": 900000}}')).toThrow(
      /engine\.abandonAfterMs: must be at least twice stuckAfterMs/,
    );
  });
});

describe('oo configuration - requests retention', () => {
  it('keeps an ended request 30 days by default, or as long as an OO__ variable says', () => {
    expect(load({}).requests.keepEndedRequestsMs).toBe(30 * 86_400_000);
    expect(load({ OO__requests__keepEndedRequestsMs: '864000000' }).requests.keepEndedRequestsMs).toBe(
      864_000_000,
    );
  });

  it('refuses a keep time shorter than the commands stream keeps a submit, naming the key', () => {
    expect(() => load({}, '{"requests": {"keepEndedRequestsMs": 3600000}}')).toThrow(
      /requests\.keepEndedRequestsMs: must be at least the commands stream's max age/,
    );
  });
});

describe('oo configuration - gateway section', () => {
  it('refuses what the gateway itself would refuse at start: a publicUrl that is not http(s), naming the key', () => {
    expect(load({}, '{"gateway": {"publicUrl": "https://oo.example"}}').gateway.publicUrl).toBe(
      'https://oo.example',
    );
    expect(() => load({}, '{"gateway": {"publicUrl": "ftp://oo.example"}}')).toThrow(/gateway\.publicUrl/);
  });
});

describe('oo configuration - requests reconciler', () => {
  it('looks every minute for requests left undispatched 5 minutes, by default', () => {
    expect(load({}).requests).toMatchObject({ reconcileIntervalMs: 60_000, dispatchGraceMs: 300_000 });
  });

  it('takes dispatchGraceMs from the file or an OO__ variable', () => {
    expect(load({}, '{"requests": {"dispatchGraceMs": 600000}}').requests.dispatchGraceMs).toBe(600_000);
    expect(load({ OO__requests__dispatchGraceMs: '120000' }).requests.dispatchGraceMs).toBe(120_000);
  });

  it('refuses a dispatch grace under a minute or a bad interval, naming the key', () => {
    expect(refusal('{"requests": {"dispatchGraceMs": 1000}}')).toMatchObject({
      code: 'OO_ERR_CONFIG_INVALID',
      message: expect.stringMatching(/requests\.dispatchGraceMs: must be at least a minute/),
    });
    expect(refusal('{"requests": {"reconcileIntervalMs": "often"}}')).toMatchObject({
      code: 'OO_ERR_CONFIG_INVALID',
      message: expect.stringMatching(/requests\.reconcileIntervalMs/),
    });
  });
});

describe('oo configuration - upload retention', () => {
  it('keeps an upload 30 days by default, or as long as an OO__ variable says', () => {
    expect(load({}).filestore.keepUploadsMs).toBe(30 * 86_400_000);
    expect(load({ OO__filestore__keepUploadsMs: '86400000' }).filestore.keepUploadsMs).toBe(86_400_000);
  });

  it('refuses a keep time under an hour, naming the key', () => {
    expect(refusal('{"filestore": {"keepUploadsMs": 0}}')).toMatchObject({
      code: 'OO_ERR_CONFIG_INVALID',
      message: expect.stringMatching(/filestore\.keepUploadsMs: must be at least an hour/),
    });
  });
});

describe('oo configuration - where the filestore is reached', () => {
  it('is the filestore this process started, else OO_FILESTORE_URL, else its listen address', () => {
    const here = { urls: {} };
    expect(filestoreUrlOf(load({}), here)).toBe('http://127.0.0.1:7071');
    const elsewhere = load({ OO_FILESTORE_URL: 'http://files.example:7071' });
    expect(elsewhere.filestore.url).toBe('http://files.example:7071');
    expect(filestoreUrlOf(elsewhere, here)).toBe('http://files.example:7071');
    expect(filestoreUrlOf(elsewhere, { urls: { filestore: 'http://127.0.0.1:40001' } })).toBe(
      'http://127.0.0.1:40001',
    );
  });

  it('refuses a filestore.url that is not http(s), naming the key', () => {
    expect(() => load({ OO_FILESTORE_URL: 'files.example:7071' })).toThrow(
      /filestore\.url.*must be an http\(s\) URL such as http:\/\/files\.example:7071/,
    );
  });
});

describe('oo configuration - gateway request timeout', () => {
  it('gives a client 30 s to send a whole request by default', () => {
    expect(load({}).gateway.requestTimeoutMs).toBe(30_000);
  });

  it('takes requestTimeoutMs from the file or an OO__ variable', () => {
    expect(load({}, '{"gateway": {"requestTimeoutMs": 5000}}').gateway.requestTimeoutMs).toBe(5_000);
    expect(load({ OO__gateway__requestTimeoutMs: '7000' }).gateway.requestTimeoutMs).toBe(7_000);
  });

  it('refuses a requestTimeoutMs under 100 ms, naming the key', () => {
    expect(() => load({}, '{"gateway": {"requestTimeoutMs": 10}}')).toThrow(/gateway\.requestTimeoutMs/);
  });
});

describe('oo configuration - gateway token cache', () => {
  it('trusts a found API token for 5 s by default', () => {
    expect(load({}).gateway.tokenCacheMs).toBe(5_000);
  });

  it('takes tokenCacheMs from the file or an OO__ variable', () => {
    expect(load({}, '{"gateway": {"tokenCacheMs": 0}}').gateway.tokenCacheMs).toBe(0);
    expect(load({ OO__gateway__tokenCacheMs: '20000' }).gateway.tokenCacheMs).toBe(20_000);
  });

  it('refuses a tokenCacheMs under 0 or over 60 s, naming the key', () => {
    expect(() => load({}, '{"gateway": {"tokenCacheMs": -1}}')).toThrow(/gateway\.tokenCacheMs/);
    expect(() => load({ OO__gateway__tokenCacheMs: '60001' })).toThrow(/gateway\.tokenCacheMs/);
  });
});

describe('oo configuration - gateway authentication failures', () => {
  it('refuses an address after 60 failed authentications a minute by default', () => {
    expect(load({}).gateway.authFailuresPerMinute).toBe(60);
  });

  it('takes authFailuresPerMinute from the file or an OO__ variable, 0 turning the limit off', () => {
    expect(load({}, '{"gateway": {"authFailuresPerMinute": 0}}').gateway.authFailuresPerMinute).toBe(0);
    expect(load({ OO__gateway__authFailuresPerMinute: '500' }).gateway.authFailuresPerMinute).toBe(500);
  });

  it('refuses a negative or fractional authFailuresPerMinute, naming the key', () => {
    expect(() => load({}, '{"gateway": {"authFailuresPerMinute": -1}}')).toThrow(
      /gateway\.authFailuresPerMinute/,
    );
    expect(() => load({ OO__gateway__authFailuresPerMinute: '1.5' })).toThrow(
      /gateway\.authFailuresPerMinute/,
    );
  });
});

describe('oo configuration - gateway behind a reverse proxy', () => {
  it('believes no X-Forwarded-For by default', () => {
    expect(load({}).gateway.trustProxy).toBe(false);
  });

  it('takes the trusted proxies from the file, or comma-separated from an OO__ variable', () => {
    expect(load({}, '{"gateway": {"trustProxy": ["10.0.0.0/8"]}}').gateway.trustProxy).toEqual([
      '10.0.0.0/8',
    ]);
    expect(load({ OO__gateway__trustProxy: '127.0.0.1,::1' }).gateway.trustProxy).toEqual([
      '127.0.0.1',
      '::1',
    ]);
    expect(load({ OO__gateway__trustProxy: 'true' }).gateway.trustProxy).toBe(true);
  });

  it('refuses a hop count or a value that is not an address with OO_ERR_CONFIG_INVALID, naming the key', () => {
    const invalid = expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID' });
    expect(() => load({ OO__gateway__trustProxy: '1' })).toThrow(invalid);
    expect(() => load({ OO__gateway__trustProxy: '1' })).toThrow(
      /gateway\.trustProxy: a hop count is not accepted/,
    );
    expect(() => load({}, '{"gateway": {"trustProxy": ["proxy.internal"]}}')).toThrow(invalid);
    expect(() => load({}, '{"gateway": {"trustProxy": ["proxy.internal"]}}')).toThrow(
      /gateway\.trustProxy\.0: "proxy\.internal" is not an IP address/,
    );
    expect(() => load({ OO__gateway__trustProxy: '10.0.0.1,proxy.internal' })).toThrow(
      /gateway\.trustProxy\.1: "proxy\.internal" .*\[env OO__gateway__trustProxy\]/,
    );
  });
});

describe('oo configuration - AWX from the environment', () => {
  it('reads AWX_URL, AWX_TOKEN and AWX_API_PATH as the ansible actor does on its own', () => {
    const { awx } = load({
      AWX_URL: 'https://awx.example.test',
      AWX_TOKEN: 'not-a-real-token',
      AWX_API_PATH: '/api/controller/v2/',
    });
    expect(awx).toMatchObject({ url: 'https://awx.example.test', apiPath: '/api/controller/v2/' });
  });
});

describe('oo configuration - SMTP from the environment', () => {
  it('reads the SMTP login from SMTP_USER and SMTP_PASS, as its host and port from SMTP_HOST and SMTP_PORT', () => {
    const { notify } = load({
      SMTP_HOST: 'mail.example.test',
      SMTP_PORT: '587',
      SMTP_USER: 'oo-notices',
      SMTP_PASS: 'not-a-real-password',
    });
    expect(notify.smtp).toMatchObject({
      host: 'mail.example.test',
      port: 587,
      user: 'oo-notices',
      pass: 'not-a-real-password',
    });
  });
});

describe('oo configuration - gateway inventory', () => {
  it('has no inventory source by default (oo up then starts a simulated vCenter)', () => {
    expect(load({}).gateway.inventory).toBeUndefined();
  });

  it('takes vCenter from VCENTER_URL, VCENTER_USERNAME and VCENTER_PASSWORD', () => {
    const env = {
      VCENTER_URL: 'https://vc.example',
      VCENTER_USERNAME: 'ro@vsphere.local',
      VCENTER_PASSWORD: 's3cret',
    };
    expect(load(env).gateway.inventory).toEqual({
      vcenter: {
        url: 'https://vc.example',
        username: 'ro@vsphere.local',
        password: 's3cret',
        timeoutMs: 10_000,
      },
      cacheMs: 60_000,
    });
  });

  it("takes ACI's networks from ACI_URL, ACI_USERNAME and ACI_PASSWORD beside a file", () => {
    const env = {
      OO_INVENTORY_FILE: '/x.json',
      ACI_URL: 'https://apic.example',
      ACI_USERNAME: 'ro',
      ACI_PASSWORD: 'pw',
    };
    expect(load(env).gateway.inventory?.aci).toEqual({
      url: 'https://apic.example',
      username: 'ro',
      password: 'pw',
      timeoutMs: 10_000,
    });
  });

  it('takes a file from OO_INVENTORY_FILE', () => {
    expect(load({ OO_INVENTORY_FILE: '/etc/oo/inventory.json' }).gateway.inventory).toEqual({
      file: '/etc/oo/inventory.json',
      cacheMs: 60_000,
    });
  });

  it('refuses half a vCenter or two sources, naming the key', () => {
    expect(() => load({ VCENTER_URL: 'https://vc.example' })).toThrow(
      /gateway\.inventory\.vcenter\.username/,
    );
    expect(() =>
      load(
        { OO_INVENTORY_FILE: '/x.json' },
        '{"gateway": {"inventory": {"vcenter": {"url": "https://vc.example", "username": "u", "password": "p"}}}}',
      ),
    ).toThrow(/gateway\.inventory: set either file or vcenter/);
  });
});

describe('oo configuration - database', () => {
  it('takes a PostgreSQL URL from DATABASE_URL', () => {
    expect(load({ DATABASE_URL: 'postgresql://oo@db:5432/oo' }).database.url).toBe(
      'postgresql://oo@db:5432/oo',
    );
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL, naming the key and variable', () => {
    expect(() => load({ DATABASE_URL: '127.0.0.1:5432/oo' })).toThrow(
      /database\.url: must be a PostgreSQL URL.*\[env DATABASE_URL\]/,
    );
  });
});
