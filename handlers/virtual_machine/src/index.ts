export { validateVirtualMachine } from './validate-vm.js';
export { virtualMachineHandler } from './virtual-machine-handler.js';
