# Inputs of one vSphere VM cloned from a template. vCenter credentials are not variables: set the
# environment variables VSPHERE_SERVER, VSPHERE_USER and VSPHERE_PASSWORD (category "env",
# VSPHERE_PASSWORD sensitive) on the workspace; the provider reads them.

variable "vm_name" {
  description = "Name of the virtual machine, also used as its guest host name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,62}$", var.vm_name))
    error_message = "vm_name must be 1-63 letters, digits or dashes, starting with a letter or digit."
  }
}

variable "cpu" {
  description = "Number of virtual CPUs."
  type        = number
  default     = 2

  validation {
    condition     = var.cpu >= 1 && floor(var.cpu) == var.cpu
    error_message = "cpu must be a whole number of at least 1."
  }
}

variable "memory_mb" {
  description = "Memory in MiB."
  type        = number
  default     = 4096

  validation {
    condition     = var.memory_mb >= 512
    error_message = "memory_mb must be at least 512."
  }
}

variable "disks" {
  description = "Disk sizes in GB; the first is the system disk and must be at least the template's."
  type        = list(number)
  default     = [40]

  validation {
    condition     = length(var.disks) >= 1 && alltrue([for size in var.disks : size > 0])
    error_message = "disks needs at least one size, each greater than 0."
  }
}

variable "network" {
  description = "Name of the port group the VM's network interface attaches to."
  type        = string
}

variable "ip_address" {
  description = "Static IPv4 address of the VM."
  type        = string

  validation {
    condition     = can(cidrhost("${var.ip_address}/32", 0))
    error_message = "ip_address must be an IPv4 address."
  }
}

variable "ipv4_netmask" {
  description = "Prefix length of the VM's network."
  type        = number
  default     = 24
}

variable "gateway" {
  description = "IPv4 default gateway."
  type        = string
}

variable "dns_servers" {
  description = "DNS server addresses."
  type        = list(string)
  default     = []
}

variable "domain" {
  description = "DNS domain of the guest."
  type        = string
  default     = "local"
}

variable "datacenter" {
  description = "vSphere datacenter holding the cluster, datastore, network and template."
  type        = string
}

variable "datastore" {
  description = "Datastore for the VM's disks."
  type        = string
}

variable "cluster" {
  description = "Compute cluster whose root resource pool receives the VM."
  type        = string
}

variable "template" {
  description = "Name of the VM template to clone (a Linux guest with VMware Tools)."
  type        = string
}
