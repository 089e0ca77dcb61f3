/**
 * Plan and apply logs as TFE's archivist serves them: a byte stream that starts with STX (0x02),
 * grows while the phase runs, and ends with ETX (0x03) once the phase is final. Readers page through
 * it with `?offset=<bytes read>&limit=<n>` (go-tfe `logreader.go`).
 */
import { newSecret } from './store.js';

export const STX = '\u0002';
export const ETX = '\u0003';

export interface LogBuffer {
  /** Secret of the unauthenticated log-read URL. */
  readonly token: string;
  text: string;
  done: boolean;
}

export function newLogBuffer(): LogBuffer {
  return { token: newSecret(), text: '', done: false };
}

export function appendLog(log: LogBuffer, text: string): void {
  if (!log.done) log.text += text;
}

export function closeLog(log: LogBuffer): void {
  log.done = true;
}

/** The bytes a reader gets for `offset`/`limit` (both in bytes of the framed stream). */
export function readLogSlice(log: LogBuffer, offset: number, limit: number | undefined): Buffer {
  const framed = Buffer.from(`${STX}${log.text}${log.done ? ETX : ''}`, 'utf8');
  const start = Math.min(Math.max(0, offset), framed.length);
  const end = limit === undefined ? framed.length : Math.min(framed.length, start + Math.max(0, limit));
  return framed.subarray(start, end);
}

/** Terraform-looking text written as a run walks its script. */
export const LogText = {
  planStart: (terraformVersion: string) =>
    `Terraform v${terraformVersion}\non linux_amd64\nInitializing plugins and modules...\n`,
  planChanges: (isDestroy: boolean) =>
    isDestroy
      ? '\nTerraform will perform the following actions:\n\n  # vsphere_virtual_machine.vm will be destroyed\n' +
        '  - resource "vsphere_virtual_machine" "vm" {}\n\nPlan: 0 to add, 0 to change, 1 to destroy.\n'
      : '\nTerraform will perform the following actions:\n\n  # vsphere_virtual_machine.vm will be created\n' +
        '  + resource "vsphere_virtual_machine" "vm" {}\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n',
  planNoChanges: () => '\nNo changes. Your infrastructure matches the configuration.\n',
  planError: (scenario: string) =>
    '\nError: error fetching virtual machine template: template not found\n\n' +
    `  with data.vsphere_virtual_machine.template,\n  on main.tf line 12 (simulated by scenario ${scenario})\n`,
  applyStart: (terraformVersion: string) => `Terraform v${terraformVersion}\non linux_amd64\n`,
  applyProgress: (isDestroy: boolean) =>
    isDestroy ? 'vsphere_virtual_machine.vm: Destroying...\n' : 'vsphere_virtual_machine.vm: Creating...\n',
  applyDone: (isDestroy: boolean) =>
    isDestroy
      ? 'vsphere_virtual_machine.vm: Destruction complete after 4s\n\nApply complete! Resources: 0 added, 0 changed, 1 destroyed.\n'
      : 'vsphere_virtual_machine.vm: Creation complete after 1m2s\n\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n',
  applyError: (scenario: string) =>
    `\nError: error cloning virtual machine: insufficient disk space on datastore (simulated by scenario ${scenario})\n`,
  canceled: () =>
    '\nInterrupt received.\nPlease wait for Terraform to exit or data loss may occur.\nStopping operation...\n',
} as const;
