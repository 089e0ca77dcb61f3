import { RequestBody } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../src/request-validation.js';

const vm = {
  type: 'virtual_machine',
  os: 'rhel9',
  network: 'NET',
  cpu: 1,
  memoryGb: 1,
  disks: [{ sizeGb: 10 }],
} as const;
const dns = {
  type: 'dns_record',
  zone: 'z.example',
  name: 'www',
  recordType: 'A',
  value: '10.0.0.1',
} as const;
const templates = {
  virtual_machine: { managed: 'vm-tf', unmanaged: 'vm-ansible' },
  dns_record: { unmanaged: 'dns' },
};
const body = (input: unknown) => RequestBody.parse(input);

describe('requests - request validation', () => {
  it('routes an unmanaged request to the unmanaged template of its resource type', () => {
    expect(validateRequest(body({ resources: [vm] }), { templates })).toEqual({
      ok: true,
      template: 'vm-ansible',
    });
  });

  it('routes a managed request to the managed template', () => {
    expect(validateRequest(body({ resources: [vm], managed: true }), { templates })).toEqual({
      ok: true,
      template: 'vm-tf',
    });
  });

  it('accepts any catalog item, or none, when no catalog is configured', () => {
    expect(validateRequest(body({ resources: [vm], catalogItem: 'anything' }), { templates }).ok).toBe(true);
  });

  it('requires a catalog item from the catalog when one is configured', () => {
    const result = validateRequest(body({ resources: [vm] }), { templates, catalog: ['rhel-vm'] });
    expect(result).toEqual({
      ok: false,
      reasons: [{ path: 'catalogItem', message: 'is required: name one of the catalog items (rhel-vm)' }],
    });
  });

  it('names the offered mode when a resource type has no template for the requested one', () => {
    const result = validateRequest(body({ resources: [dns], managed: true }), { templates });
    expect(result).toEqual({
      ok: false,
      reasons: [
        {
          path: 'resources.0.type',
          message:
            'dns_record cannot be managed here: no template is configured; only unmanaged is offered (set managed: false)',
        },
      ],
    });
  });

  it('refuses an unknown resource type for which no template is configured', () => {
    const result = validateRequest(body({ resources: [vm] }), { templates: {} });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reasons.map((r) => r.path)).toEqual(['resources.0.type']);
  });

  it('reports every resource of another type than the first, and every other problem, at once', () => {
    const result = validateRequest(body({ resources: [vm, dns, vm, dns], catalogItem: 'x' }), {
      templates,
      catalog: ['rhel-vm'],
    });
    expect(!result.ok && result.reasons.map((r) => r.path)).toEqual([
      'catalogItem',
      'resources.1.type',
      'resources.3.type',
    ]);
  });

  it('does not treat inherited object keys as resource types', () => {
    const result = validateRequest(body({ resources: [vm] }), {
      templates: Object.create({ virtual_machine: { unmanaged: 'x' } }),
    });
    expect(result.ok).toBe(false);
  });
});
