#!/usr/bin/env bash
# The project's test command: every unit, integration and property test of the workspace.
#
# Sets up what the tests need on a fresh machine:
#   - ../shared/samples beside the repository (read at run time, never copied);
#   - moto's server (PyPI moto[server], pinned in scripts/requirements-test.txt) in a
#     virtualenv under target/, started on a free 127.0.0.1 port as the S3 + KMS endpoint
#     of the S3 tests (INSPECTOR_REPORT_TEST_S3_ENDPOINT), and stopped at the end.
# Arguments are passed to the first `cargo test` (for example a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/samples ]; then
  echo "scripts/test.sh: ../shared/samples is missing; the sample tests read it from beside the repository" >&2
  exit 1
fi

venv=target/test-venv
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/moto_server" ] || ! cmp -s scripts/requirements-test.txt "$stamp"; then
  echo "scripts/test.sh: installing moto into $venv" >&2
  mkdir -p target
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
  cp scripts/requirements-test.txt "$stamp"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Small parts are allowed so many-part tests stay small; AWS's own floor is 5 MiB.
S3_UPLOAD_PART_MIN_SIZE=1024 "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >target/moto.log 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import socket, sys, time
deadline = time.time() + 60
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("scripts/test.sh: moto did not start within 60 s; see target/moto.log")
        time.sleep(0.2)
PY
export INSPECTOR_REPORT_TEST_S3_ENDPOINT="http://127.0.0.1:$port"

cargo test --workspace --all-targets "$@"
cargo test --workspace --doc
