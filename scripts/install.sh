#!/usr/bin/env bash
# The one install command of the project: the package (editable, with its extras)
# and the dependency groups named on the command line, from pyproject.toml.
# The Makefile (`make setup`: every group) and the Pages workflow (the build job: `docs`)
# both run this script, so there is no second list of what the book needs.
#
#   scripts/install.sh GROUP...        e.g. scripts/install.sh docs
#
# PYTHON names the interpreter to install into (default: `python`, the one on PATH).
# PyTorch: the docs and test groups pin torch==2.13.0. On a hosted CI runner, PyPI's Linux
# wheel of that version is the CUDA build (several GB); the workflow sets
# PIP_EXTRA_INDEX_URL to PyTorch's CPU wheel index so that pip takes 2.13.0+cpu instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/install.sh GROUP... (groups: docs test bench dev, from pyproject.toml)" >&2
  exit 2
fi
groups=()
for group in "$@"; do
  groups+=(--group "$group")
done
# pip >= 25.1 reads PEP 735 dependency groups (`--group`).
"$PYTHON" -m pip install -q --upgrade "pip>=25.1"
"$PYTHON" -m pip install -q -e ".[viz,tensor]" "${groups[@]}"
# The book's front-end packages (npm), when the repository has them.
if [ -f package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "scripts/install.sh: package-lock.json needs npm (Node.js); install it, for example:" \
      "sudo apt-get install npm" >&2
    exit 1
  fi
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
