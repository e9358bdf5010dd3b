#!/usr/bin/env bash
# Creates .venv from uv.lock on a fresh machine: installs uv with pip when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
  export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet
