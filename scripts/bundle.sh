#!/usr/bin/env bash
# Builds ZapDesk's installers with the Tauri CLI (ui/package.json pins it).
#
#   bash scripts/bundle.sh                 # release build, the .deb
#   bash scripts/bundle.sh --debug deb     # debug build (reuses target/debug)
#   bash scripts/bundle.sh nsis            # on Windows (Git Bash); dmg on macOS
#   bash scripts/bundle.sh dmg -- --target universal-apple-darwin
#                                          # after "--": more options for `tauri build`
#
# Output: target/<release|debug>/bundle/<kind>/. See docs/release.md.
#
# Why a generated src-tauri/tauri.conf.json: the CLI takes its "Tauri
# directory" to be the folder of tauri.conf.json and reads the app's
# [package] from the Cargo.toml beside it. Ours sits at the root, beside the
# workspace's virtual Cargo.toml, so the CLI would stop with "No package info
# in the config file"; and it has no option to name the config file. The CLI
# gets a copy in src-tauri with every root-relative path made relative to
# src-tauri; the build itself (build.rs, generate_context!) keeps reading the
# root file. The copy is removed when this script ends.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ZAPDESK_ROOT"

profile=()
if [ "${1:-}" = "--debug" ]; then profile=(--debug); shift; fi
kinds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do kinds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#kinds[@]} -gt 0 ] || kinds=(deb)
bundles="$(IFS=,; echo "${kinds[*]}")"

[ -d ui/node_modules/@tauri-apps/cli ] || zapdesk_npm_packages
[ -f ui/dist/index.html ] || zapdesk_build_ui

# The way back after an update whose migration failed is
# `zapdesk-cli backup restore` (docs/release.md): the .deb carries the CLI as
# /usr/bin/zapdesk-cli, built here with the same profile as the app.
if [ ${#profile[@]} -gt 0 ]; then cli_profile=debug; else cli_profile=release; fi
zapdesk_say "Building zapdesk-cli ($cli_profile)"
if [ "$cli_profile" = release ]; then cargo build --locked --release -p zapdesk-cli; else cargo build --locked -p zapdesk-cli; fi
cli_bin="${CARGO_TARGET_DIR:-$ZAPDESK_ROOT/target}/$cli_profile/zapdesk-cli"

generated="$ZAPDESK_ROOT/src-tauri/tauri.conf.json"
trap 'rm -f "$generated"' EXIT
node - "$ZAPDESK_ROOT" "$cli_bin" <<'EOF'
const fs = require("fs");
const path = require("path");
const root = process.argv[2];
const cliBin = path.resolve(process.argv[3]);
const config = JSON.parse(fs.readFileSync(path.join(root, "tauri.conf.json"), "utf8"));
// Destination in the package → the file to put there (absolute, so the
// rebasing below leaves it alone).
const linux = (config.bundle.linux ??= {});
const deb = (linux.deb ??= {});
deb.files = { ...(deb.files ?? {}), "/usr/bin/zapdesk-cli": cliBin };
// A string with a "/" that names something under the root is a path the CLI
// would resolve from src-tauri: point it one folder up.
const rebase = (value) => {
  if (typeof value === "string") {
    return value.includes("/") && !path.isAbsolute(value) && !/^[a-z]+:/i.test(value) &&
      fs.existsSync(path.join(root, value))
      ? path.posix.join("..", value)
      : value;
  }
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v)]));
  }
  return value;
};
const { $schema, ...rest } = config;
fs.writeFileSync(
  path.join(root, "src-tauri", "tauri.conf.json"),
  JSON.stringify({ $schema, ...rebase(rest) }, null, 2) + "\n",
);
EOF

# Git Bash on Windows: the CLI is a Windows program and wants C:\… paths.
native_path() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }
app_path="$(native_path "$ZAPDESK_ROOT/src-tauri")"
# The CLI runs in ui/ and reads a `--config FILE` from there: a file named
# from the repository's root (tauri.release.conf.json) is given by full path.
extra=()
after_config=0
for arg in "$@"; do
  if [ "$after_config" = 1 ] && [ -f "$ZAPDESK_ROOT/$arg" ]; then
    arg="$(native_path "$ZAPDESK_ROOT/$arg")"
  fi
  after_config=0
  case "$arg" in --config|-c) after_config=1 ;; esac
  extra+=("$arg")
done
zapdesk_say "Bundling $bundles (${profile[*]:-release})"
cd ui
# ${a[@]+"${a[@]}"}: an empty array under `set -u` in macOS's bash 3.2.
TAURI_APP_PATH="$app_path" npx tauri build --ci ${profile[@]+"${profile[@]}"} --bundles "$bundles" ${extra[@]+"${extra[@]}"}
