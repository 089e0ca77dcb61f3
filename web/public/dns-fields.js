// @ts-check
/**
 * One DNS record of the request form: a zone the policy permits, the name in it, an A or CNAME
 * record and its value, and the resource it makes.
 */
import { h } from './dom.js';
import { field, numberInput, reindex, setValue, valueIn } from './form-fields.js';

/**
 * @param {string[]} zones the DNS zones records may be made in
 * @param {number} start its place in `resources` to begin with (setIndex moves it)
 * @returns {import('./form-fields.js').ResourceFields}
 */
export function dnsFields(zones, start) {
  const legend = h('legend', {}, 'DNS record');
  const at = (/** @type {string} */ name) => `resources.${start}.${name}`;
  const element = h(
    'fieldset',
    { class: 'resource-dns' },
    legend,
    field(
      at('zone'),
      'Zone',
      h(
        'select',
        { name: 'zone', required: true },
        zones.map((zone) => h('option', { value: zone }, zone)),
      ),
    ),
    field(
      at('name'),
      'Name',
      h('input', { name: 'name', required: true, autocomplete: 'off', placeholder: 'app' }),
      'the label in the zone: app makes app.<zone>',
    ),
    field(
      at('recordType'),
      'Type',
      h(
        'select',
        { name: 'recordType' },
        h('option', { value: 'A' }, 'A (an address)'),
        h('option', { value: 'CNAME' }, 'CNAME (another name)'),
      ),
    ),
    field(
      at('value'),
      'Value',
      h('input', { name: 'value', required: true, autocomplete: 'off', placeholder: '10.10.0.77' }),
    ),
    field(at('ttl'), 'TTL (seconds)', numberInput('ttl', { min: 60, max: 86_400 }, 3_600)),
  );

  return {
    element,
    setIndex(index, of) {
      reindex(element, index);
      legend.textContent = of > 1 ? `DNS record ${index + 1}` : 'DNS record';
    },
    fill(resource) {
      for (const name of ['zone', 'name', 'recordType', 'value', 'ttl'])
        setValue(element, name, resource[name]);
    },
    resource() {
      const value = (/** @type {string} */ name) => valueIn(element, name);
      return {
        type: 'dns_record',
        zone: value('zone'),
        name: value('name'),
        recordType: value('recordType'),
        value: value('value'),
        ttl: Number(value('ttl')),
      };
    },
  };
}
