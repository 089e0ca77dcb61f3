// @ts-check
/**
 * The DNS record part of the request form: a zone the policy permits, the name in it, an A or
 * CNAME record and its value, and the resource it makes.
 */
import { h } from './dom.js';
import { field, managedControl, numberInput, setValue, textOf } from './form-fields.js';

/**
 * @param {string[]} zones the DNS zones records may be made in
 * @param {{ managed: boolean, unmanaged: boolean }} modes how records may be made
 * @returns {import('./form-fields.js').ResourceFields}
 */
export function dnsFields(zones, modes) {
  const element = h(
    'fieldset',
    { class: 'resource-dns' },
    h('legend', {}, 'DNS record'),
    field(
      'resources.0.zone',
      'Zone',
      h(
        'select',
        { name: 'zone', required: true },
        zones.map((zone) => h('option', { value: zone }, zone)),
      ),
    ),
    field(
      'resources.0.name',
      'Name',
      h('input', { name: 'name', required: true, autocomplete: 'off', placeholder: 'app' }),
      'the label in the zone: app makes app.<zone>',
    ),
    field(
      'resources.0.recordType',
      'Type',
      h(
        'select',
        { name: 'recordType' },
        h('option', { value: 'A' }, 'A (an address)'),
        h('option', { value: 'CNAME' }, 'CNAME (another name)'),
      ),
    ),
    field(
      'resources.0.value',
      'Value',
      h('input', { name: 'value', required: true, autocomplete: 'off', placeholder: '10.10.0.77' }),
    ),
    field('resources.0.ttl', 'TTL (seconds)', numberInput('ttl', { min: 60, max: 86_400 }, 3_600)),
    managedControl(modes),
  );

  return {
    element,
    fill(resource, managed) {
      for (const name of ['zone', 'name', 'recordType', 'value', 'ttl'])
        setValue(element, name, resource[name]);
      setValue(element, 'managed', managed);
    },
    resource(data) {
      return {
        type: 'dns_record',
        zone: textOf(data, 'zone'),
        name: textOf(data, 'name'),
        recordType: textOf(data, 'recordType'),
        value: textOf(data, 'value'),
        ttl: Number(textOf(data, 'ttl')),
      };
    },
  };
}
