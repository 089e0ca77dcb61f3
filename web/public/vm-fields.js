// @ts-check
/**
 * The virtual machine part of the request form: image, network and sizes within the policy's
 * bounds, disks added and removed within its disk count, and the resource it makes.
 */
import { h } from './dom.js';
import { field, managedControl, numberInput, setValue, textOf } from './form-fields.js';

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
 * @param {{ managed: boolean, unmanaged: boolean }} modes how VMs may be built
 * @returns {import('./form-fields.js').ResourceFields}
 */
export function vmFields(vm, modes) {
  const disks = h('div', { class: 'disks' });
  const addDisk = h('button', { type: 'button', class: 'secondary' }, 'Add a disk');

  function renumberDisks() {
    const rows = [...disks.children];
    rows.forEach((row, i) => {
      row.setAttribute('data-path', `resources.0.disks.${i}.sizeGb`);
      const label = row.querySelector('label');
      if (label) label.textContent = `Disk ${i + 1} (GB)`;
      const input = row.querySelector('input');
      if (input && label) {
        input.id = `f-disk-${i}`;
        label.htmlFor = input.id;
      }
      const remove = row.querySelector('button');
      if (remove) remove.hidden = rows.length <= vm.disks.min;
    });
    addDisk.hidden = rows.length >= vm.disks.max;
  }
  function diskRow(size = within(100, vm.diskGb)) {
    const input = numberInput('diskGb', vm.diskGb, size);
    const row = field('resources.0.disks.0.sizeGb', 'Disk', input, `${vm.diskGb.min}–${vm.diskGb.max}`);
    const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove');
    remove.addEventListener('click', () => {
      row.remove();
      renumberDisks();
    });
    input.after(remove);
    disks.appendChild(row);
    renumberDisks();
  }
  addDisk.addEventListener('click', () => diskRow());
  for (let i = 0; i < vm.disks.min; i++) diskRow();

  const element = h(
    'fieldset',
    { class: 'resource-vm' },
    h('legend', {}, 'Virtual machine'),
    field(
      'resources.0.os',
      'Operating system',
      h(
        'select',
        { name: 'os', required: true },
        vm.images.map((image) => h('option', { value: image.name }, `${image.name} (${image.family})`)),
      ),
    ),
    field(
      'resources.0.network',
      'Network',
      h(
        'select',
        { name: 'network', required: true },
        vm.networks.map((network) =>
          h('option', { value: network.name }, `${network.name} (${network.env})`),
        ),
      ),
    ),
    field(
      'resources.0.cpu',
      'CPUs',
      numberInput('cpu', vm.cpu, within(2, vm.cpu)),
      `${vm.cpu.min}–${vm.cpu.max}`,
    ),
    field(
      'resources.0.memoryGb',
      'Memory (GB)',
      numberInput('memoryGb', vm.memoryGb, within(8, vm.memoryGb)),
      `${vm.memoryGb.min}–${vm.memoryGb.max}`,
    ),
    disks,
    addDisk,
    field(
      'resources.0.count',
      'How many',
      numberInput('count', { min: 1, max: 100 }, 1),
      'identical machines',
    ),
    field(
      'resources.0.hostname',
      'Host name (optional)',
      h('input', { name: 'hostname', autocomplete: 'off' }),
      'named for you when left empty',
    ),
    field(
      'resources.0.lease',
      'Lease in days (optional)',
      h('input', { name: 'leaseDays', type: 'number', min: 1, max: 3650, step: 1 }),
    ),
    managedControl(modes),
  );

  return {
    element,
    fill(resource, managed) {
      for (const name of ['os', 'network', 'cpu', 'memoryGb', 'count', 'hostname']) {
        setValue(element, name, resource[name]);
      }
      const lease = /** @type {{ days?: number } | undefined} */ (resource.lease);
      setValue(element, 'leaseDays', lease?.days);
      setValue(element, 'managed', managed);
      const sizes = /** @type {{ sizeGb: number }[]} */ (resource.disks ?? []);
      if (sizes.length > 0) {
        while (disks.firstChild) disks.removeChild(disks.firstChild);
        for (const disk of sizes) diskRow(disk.sizeGb);
      }
    },
    resource(data) {
      /** @type {Record<string, unknown>} */
      const resource = {
        type: 'virtual_machine',
        os: textOf(data, 'os'),
        network: textOf(data, 'network'),
        cpu: Number(textOf(data, 'cpu')),
        memoryGb: Number(textOf(data, 'memoryGb')),
        disks: data.getAll('diskGb').map((size) => ({ sizeGb: Number(size) })),
        count: Number(textOf(data, 'count')),
      };
      if (textOf(data, 'hostname')) resource.hostname = textOf(data, 'hostname');
      if (textOf(data, 'leaseDays')) resource.lease = { days: Number(textOf(data, 'leaseDays')) };
      return resource;
    },
  };
}
