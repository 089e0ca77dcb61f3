output "vm_name" {
  description = "Name of the virtual machine."
  value       = vsphere_virtual_machine.vm.name
}

output "ip_address" {
  description = "IPv4 address of the VM: the one VMware Tools reports, else the configured one."
  value       = coalesce(vsphere_virtual_machine.vm.default_ip_address, var.ip_address)
}
