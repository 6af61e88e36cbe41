#!/usr/bin/env bash
# Make sure the system programs the tests need are present: Graphviz's `dot`
# (to render graphs) and Chromium (for the browser tests). Installs them with
# apt-get when we are root; otherwise says how to install them.
set -euo pipefail
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)  # the checker's sandbox
# the book's front-end packages (scripts/install.sh runs `npm ci` when there is a lock file)
[ -f package-lock.json ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them, for example: sudo apt-get install ${missing[*]}" >&2
  echo "(graphviz provides 'dot' for drawing graphs; chromium runs the browser tests)" >&2
  exit 1
fi
