import { describe, expect, it } from 'vitest';
import { checkTemplateRoutes } from '../src/template-routes.js';

const loaded = new Set(['vm-managed', 'vm-unmanaged', 'dns-record']);

describe('oo configuration - template routes', () => {
  it('takes routes that name loaded templates', () => {
    expect(() =>
      checkTemplateRoutes(
        {
          virtual_machine: { managed: 'vm-managed', unmanaged: 'vm-unmanaged' },
          dns_record: { unmanaged: 'dns-record' },
        },
        loaded,
        '/opt/oo/templates',
      ),
    ).not.toThrow();
  });

  it('refuses a route to a template that is not loaded, naming the key and what is there', () => {
    const check = () =>
      checkTemplateRoutes(
        { dns_record: { unmanaged: 'dns' }, virtual_machine: { managed: 'vm' } },
        loaded,
        '/t',
      );
    expect(check).toThrow(expect.objectContaining({ code: 'OO_ERR_CONFIG_INVALID' }));
    expect(check).toThrow(
      'requests.templates.dns_record.unmanaged: no template "dns" in /t; requests.templates.virtual_machine.managed: no template "vm" in /t (templates there: dns-record, vm-managed, vm-unmanaged)',
    );
  });
});
