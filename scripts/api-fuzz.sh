#!/usr/bin/env bash
# Fuzzes the local API with schemathesis against its committed OpenAPI
# document (docs/openapi.json): `zapdesk-cli serve` on a throwaway data
# folder with an account, a Sandbox number (not started: no Chromium) and a
# token with every scope; every operation gets generated requests, valid and
# not, and any 5xx or any answer outside the document fails the run.
#
#   scripts/api-fuzz.sh            # ~100 cases per operation
#   ZAPDESK_FUZZ_EXAMPLES=500 scripts/api-fuzz.sh
#
# schemathesis comes from PyPI at a pinned version, in a venv beside the
# build. `serve` keeps webhook secrets in the OS credential store, so run it
# where one answers (a desktop session; scripts/test-all.sh gives it a
# throwaway gnome-keyring): without one, a valid webhook cannot be made and
# answers 500 `remote_secret_unavailable`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCHEMATHESIS_VERSION="4.32.5"
# Beside the build, so CI's reused target folder keeps the venv between runs.
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${ZAPDESK_FUZZ_VENV:-$TARGET/api-fuzz-venv}"
EXAMPLES="${ZAPDESK_FUZZ_EXAMPLES:-100}"

say() { printf '\033[1;36m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mapi-fuzz: %s\033[0m\n' "$*" >&2; exit 1; }

if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version | grep -q "$SCHEMATHESIS_VERSION"; then
  say "Installing schemathesis $SCHEMATHESIS_VERSION in $VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" || die "pip could not install schemathesis"
fi

say "Building zapdesk-cli"
(cd "$ROOT" && cargo build -q -p zapdesk-cli) || die "cargo build failed"
CLI="$TARGET/debug/zapdesk-cli"

DATA="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

ACCOUNT="$("$CLI" --data-dir "$DATA" --json accounts create --name "Fuzz" | json_field '["id"]')"
"$CLI" --data-dir "$DATA" --json numbers add --account "$ACCOUNT" --name "vendas" --sandbox >/dev/null
"$CLI" --data-dir "$DATA" --json contacts add --account "$ACCOUNT" --phone "+5511987654321" --name "Maria" >/dev/null 2>&1 || true
TOKEN="$("$CLI" --data-dir "$DATA" api tokens create --name fuzz --account "$ACCOUNT" \
  --scope read --scope send --scope manage 2>/dev/null)"
[ -n "$TOKEN" ] || die "no token"

say "Starting zapdesk-cli serve"
"$CLI" --data-dir "$DATA" serve --api-port 0 2>"$DATA/serve.log" >/dev/null &
SERVE_PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT="$(sed -n 's|^api: listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$DATA/serve.log" | head -1)"
  [ -n "$PORT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$DATA/serve.log" >&2; die "serve exited"; }
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$DATA/serve.log" >&2; die "serve never listened"; }
say "API on 127.0.0.1:$PORT; fuzzing ($EXAMPLES cases per operation)"

# Every request with the token (both headers: Bearer for /api, apikey for
# /evolution); the account fixed so requests reach real data, not only 404s.
# Requests are paced under the token's rate limit (50/s): a 429 is correct,
# but tests nothing behind it.
cat >"$DATA/schemathesis.toml" <<EOF
headers = { Authorization = "Bearer ${TOKEN}", apikey = "${TOKEN}" }

[parameters]
"path.account" = "${ACCOUNT}"
EOF

cd "$DATA"
set +e
"$VENV/bin/schemathesis" --config-file "$DATA/schemathesis.toml" run "$ROOT/docs/openapi.json" \
  --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$EXAMPLES" \
  --workers 2 \
  --rate-limit 40/s \
  --generation-database none \
  --suppress-health-check all \
  --no-color
STATUS=$?
set -e
if [ $STATUS -ne 0 ]; then
  echo "--- serve's log ---" >&2
  tail -50 "$DATA/serve.log" >&2
  die "schemathesis found problems (exit $STATUS)"
fi
say "api-fuzz: no server error, every answer as documented"
