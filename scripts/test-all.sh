#!/usr/bin/env bash
# Every check and test of ZapDesk, in the order a failure is cheapest to find.
# Fails on the first failure; nothing is skipped when a tool is missing —
# missing tools are installed, or the run stops with the reason.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
zapdesk_system_packages
zapdesk_npm_packages
zapdesk_tauri_driver
zapdesk_postgres
cd "$ZAPDESK_ROOT"

zapdesk_say "rustfmt"
cargo fmt --all --check

# The desktop crate embeds ui/dist at compile time, so the UI is built first.
zapdesk_build_ui

zapdesk_say "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

zapdesk_say "Rust tests (core, CLI, remote store on PostgreSQL, desktop shell, bindings drift)"
cargo test --workspace --locked

# The app and `serve` keep secrets (the sync password, webhook secrets) in
# the OS credential store: on Linux the Secret Service, here gnome-keyring in
# a D-Bus session of the command's own, with a throwaway keyring
# (XDG_DATA_HOME) unlocked by a throwaway password.
keyring_home="$(mktemp -d)"
trap 'rm -rf "$keyring_home"' EXIT
with_keyring() {
  XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
    printf zapdesk-e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' with-keyring "$@"
}

zapdesk_say "The local API fuzzed against its OpenAPI document (schemathesis)"
with_keyring bash scripts/api-fuzz.sh

zapdesk_say "UI unit tests"
(cd ui && npx vitest run)

zapdesk_say "UI tests in Chromium"
(cd ui && node --test tests/browser/)

zapdesk_say "End to end: the real app under Xvfb"
cargo build --workspace --locked
# One file at a time: each starts the real app under the same display.
with_keyring xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/e2e/
