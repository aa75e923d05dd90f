#!/usr/bin/env bash
# Installs what is missing, builds the UI and starts ZapDesk.
# Extra arguments go to the app, e.g. `--data-dir /tmp/zapdesk-demo` for a throwaway store.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
zapdesk_system_packages
zapdesk_npm_packages
zapdesk_build_ui
cd "$ZAPDESK_ROOT"
zapdesk_say "Starting ZapDesk"
exec cargo run -p zapdesk-desktop -- "$@"
