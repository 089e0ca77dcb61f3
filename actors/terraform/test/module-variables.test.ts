import { describe, expect, it } from 'vitest';
import { parseVariables, readModuleVariables } from '../src/index.js';
import { MODULES_DIR } from './fixtures/terraform-testbed.js';

describe('module variables - reading variable blocks from .tf files', () => {
  it('lists the vsphere-vm variables and which of them have no default', async () => {
    const variables = await readModuleVariables(`${MODULES_DIR}/vsphere-vm`);

    expect(variables.filter((v) => v.required).map((v) => v.name)).toEqual([
      'vm_name',
      'network',
      'ip_address',
      'gateway',
      'datacenter',
      'datastore',
      'cluster',
      'template',
    ]);
    expect(variables.filter((v) => !v.required).map((v) => v.name)).toEqual([
      'cpu',
      'memory_mb',
      'disks',
      'ipv4_netmask',
      'dns_servers',
      'domain',
    ]);
  });

  it('is not misled by braces in strings, interpolations, comments, heredocs or nested blocks', () => {
    const hcl = `
# variable "commented" { }
variable "a" {
  description = "a } brace and \\"quote\\" in a string"
  validation {
    condition     = can(regex("^[a-z]{1,3}$", var.a)) && "\${var.a}/\${lower("X")}" != "}"
    error_message = <<EOT
    no default = here }
EOT
  }
}
/* variable "also_commented" { default = 1 } */
variable "b" {
  type = map(string)
  default = { x = "{" }
}
variable "c" {
  validation {
    condition = true
    default_like = 1
  }
}
`;
    expect(parseVariables(hcl)).toEqual([
      { name: 'a', required: true },
      { name: 'b', required: false },
      { name: 'c', required: true },
    ]);
  });
});
