// @ts-check
/**
 * One virtual machine of the request form: image, network and sizes within the policy's bounds,
 * disks added and removed within its disk count, and the resource it makes.
 */
import { h } from './dom.js';
import { field, numberInput, reindex, setValue, valueIn } from './form-fields.js';

/**
 * @typedef {import('./form-fields.js').Bounds} Bounds
 * @typedef {{
 *   images: { name: string, family: string }[],
 *   networks: { name: string, env: string }[],
 *   cpu: Bounds, memoryGb: Bounds, diskGb: Bounds, disks: Bounds,
 * }} VmOptions
 */

/**
 * `value` within `bounds`, the nearer end when outside.
 * @param {number} value
 * @param {Bounds} bounds
 */
const within = (value, bounds) => Math.max(bounds.min, Math.min(value, bounds.max));

/**
 * @param {VmOptions} vm what the policy permits
 * @param {number} start its place in `resources` to begin with (setIndex moves it)
 * @returns {import('./form-fields.js').ResourceFields}
 */
export function vmFields(vm, start) {
  let index = start;
  const disks = h('div', { class: 'disks' });
  const addDisk = h('button', { type: 'button', class: 'secondary' }, 'Add a disk');

  function renumberDisks() {
    const rows = [...disks.children];
    rows.forEach((row, i) => {
      const path = `resources.${index}.disks.${i}.sizeGb`;
      row.setAttribute('data-path', path);
      const label = row.querySelector('label');
      if (label) label.textContent = `Disk ${i + 1} (GB)`;
      const input = row.querySelector('input');
      if (input && label) {
        input.id = `f-${path}`;
        label.htmlFor = input.id;
      }
      const remove = row.querySelector('button');
      if (remove) remove.hidden = rows.length <= vm.disks.min;
    });
    addDisk.hidden = rows.length >= vm.disks.max;
  }
  function diskRow(size = within(100, vm.diskGb)) {
    const input = numberInput('diskGb', vm.diskGb, size);
    const row = field(
      `resources.${index}.disks.0.sizeGb`,
      'Disk',
      input,
      `${vm.diskGb.min}–${vm.diskGb.max}`,
    );
    const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove');
    remove.addEventListener('click', () => {
      row.remove();
      renumberDisks();
      // The button pressed is gone; the focus goes on rather than back to the page's start.
      addDisk.focus();
    });
    input.after(remove);
    disks.appendChild(row);
    renumberDisks();
  }
  addDisk.addEventListener('click', () => {
    diskRow();
    /** @type {HTMLElement | null} */ (disks.lastElementChild?.querySelector('input') ?? null)?.focus();
  });
  for (let i = 0; i < vm.disks.min; i++) diskRow();

  const legend = h('legend', {}, 'Virtual machine');
  const at = (/** @type {string} */ name) => `resources.${index}.${name}`;
  const element = h(
    'fieldset',
    { class: 'resource-vm' },
    legend,
    field(
      at('os'),
      'Operating system',
      h(
        'select',
        { name: 'os', required: true },
        vm.images.map((image) => h('option', { value: image.name }, `${image.name} (${image.family})`)),
      ),
    ),
    field(
      at('network'),
      'Network',
      h(
        'select',
        { name: 'network', required: true },
        vm.networks.map((network) =>
          h('option', { value: network.name }, `${network.name} (${network.env})`),
        ),
      ),
    ),
    field(at('cpu'), 'CPUs', numberInput('cpu', vm.cpu, within(2, vm.cpu)), `${vm.cpu.min}–${vm.cpu.max}`),
    field(
      at('memoryGb'),
      'Memory (GB)',
      numberInput('memoryGb', vm.memoryGb, within(8, vm.memoryGb)),
      `${vm.memoryGb.min}–${vm.memoryGb.max}`,
    ),
    disks,
    addDisk,
    field(at('count'), 'How many', numberInput('count', { min: 1, max: 100 }, 1), 'identical machines'),
    field(
      at('hostname'),
      'Host name (optional)',
      h('input', { name: 'hostname', autocomplete: 'off' }),
      'named for you when left empty',
    ),
    field(
      at('lease'),
      'Lease in days (optional)',
      h('input', { name: 'leaseDays', type: 'number', min: 1, max: 3650, step: 1 }),
    ),
  );

  return {
    element,
    setIndex(next, of) {
      index = next;
      reindex(element, index);
      legend.textContent = of > 1 ? `Virtual machine ${index + 1}` : 'Virtual machine';
    },
    fill(resource) {
      for (const name of ['os', 'network', 'cpu', 'memoryGb', 'count', 'hostname']) {
        setValue(element, name, resource[name]);
      }
      const lease = /** @type {{ days?: number } | undefined} */ (resource.lease);
      setValue(element, 'leaseDays', lease?.days);
      const sizes = /** @type {{ sizeGb: number }[]} */ (resource.disks ?? []);
      if (sizes.length > 0) {
        while (disks.firstChild) disks.removeChild(disks.firstChild);
        for (const disk of sizes) diskRow(disk.sizeGb);
      }
    },
    resource() {
      const value = (/** @type {string} */ name) => valueIn(element, name);
      /** @type {Record<string, unknown>} */
      const resource = {
        type: 'virtual_machine',
        os: value('os'),
        network: value('network'),
        cpu: Number(value('cpu')),
        memoryGb: Number(value('memoryGb')),
        disks: [...disks.querySelectorAll('input[name=diskGb]')].map((input) => ({
          sizeGb: Number(/** @type {HTMLInputElement} */ (input).value),
        })),
        count: Number(value('count')),
      };
      if (value('hostname')) resource.hostname = value('hostname');
      if (value('leaseDays')) resource.lease = { days: Number(value('leaseDays')) };
      return resource;
    },
  };
}
