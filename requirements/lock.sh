#!/usr/bin/env bash
# Regenerate requirements/constraints.txt (the lock file CI installs from, see scripts/test) from a
# working .venv: every installed distribution pinned, minus the project itself (its editable line).
# Run after changing dependencies in pyproject.toml and installing them: bash requirements/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# The lock file: pins of every dependency of interviewer[dev], from .venv/bin/pip freeze."
  echo "# scripts/test installs with -c requirements/constraints.txt. Regenerate: bash requirements/lock.sh"
  echo "# Python $(.venv/bin/python -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')"
  .venv/bin/pip freeze --exclude-editable --exclude interviewer \
    | grep -v '^#' | grep -v '^-e ' \
    | sed -E 's/^(torch(vision|audio)?==[^+]+)\+cpu$/\1/'
} > requirements/constraints.txt
echo "wrote requirements/constraints.txt ($(grep -vc '^#' requirements/constraints.txt) pins)"
