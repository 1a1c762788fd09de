#!/usr/bin/env bash
# The project's test command: every unit, integration and property test of the workspace.
# Tests read ../shared/samples (beside the repository) at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/samples ]; then
  echo "scripts/test.sh: ../shared/samples is missing; the sample tests read it from beside the repository" >&2
  exit 1
fi
cargo test --workspace --all-targets "$@"
cargo test --workspace --doc
