#!/usr/bin/env bash
# Runs every check OO has — format, lint, typecheck, all tests — on a fresh Debian machine with
# Node 20, installing what it needs first. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

need=()
command -v nats-server >/dev/null || need+=(nats-server)
command -v git >/dev/null || need+=(git)
# The Ansible wrapper's local backend runs real playbooks in the tests.
command -v ansible-playbook >/dev/null || need+=(ansible-core)
# The metrics endpoint is checked by promtool and scraped by a real Prometheus in the tests.
command -v promtool >/dev/null || need+=(prometheus)
# deploy/systemd's units are checked by systemd-analyze.
command -v systemd-analyze >/dev/null || need+=(systemd)
# The web UI is tested in a real browser: Debian's Chromium, driven by playwright-core.
command -v chromium >/dev/null || need+=(chromium)
# The vCenter inventory is tested over HTTPS with a certificate openssl makes.
command -v openssl >/dev/null || need+=(openssl)
if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update
  apt-get install -y "${need[@]}"
fi

npm ci --no-audit --no-fund
npm run verify
