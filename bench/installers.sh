#!/usr/bin/env bash
# Issue 19's installer measurements (docs/benchmarks.md, "Issue 19: installers"):
# the .deb's size and installed size, then, with the package installed on this
# machine, start to first screen and idle memory of /usr/bin/zapdesk against a
# minimal Tauri window (bench/minimal-window) built the same way (the Tauri
# CLI, the same profile, the shared target folder) in the same run.
#
#   bash bench/installers.sh [--debug] [path/to/zapdesk.deb] [--rounds N] [--settle S] [--drop-caches]
#
# Without a file it takes the newest target/<release|debug>/bundle/deb/*.deb
# (build it with `bash scripts/bundle.sh [--debug deb]`); --debug measures
# the debug bundle against a debug minimal window. Needs root (apt-get) and
# refuses to run where the package (zap-desk) is already installed. Removes the
# package at the end.
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
cd "$ZAPDESK_ROOT"
zapdesk_system_packages
zapdesk_tauri_driver

profile=release
if [ "${1:-}" = "--debug" ]; then profile=debug; shift; fi
deb=""
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then deb="$1"; shift; fi
[ -n "$deb" ] || deb="$(ls -t "target/$profile/bundle/deb/"*.deb | head -n1)"
deb="$(realpath "$deb")"
package="$(dpkg-deb -f "$deb" Package)"
if dpkg -s "$package" >/dev/null 2>&1; then
  echo "The package $package is already installed; this would remove it. Remove it first." >&2
  exit 1
fi

zapdesk_say "Building the minimal Tauri window ($profile, Tauri CLI)"
cli_profile=()
[ "$profile" = debug ] && cli_profile=(--debug)
(cd bench/minimal-window && CARGO_TARGET_DIR="$ZAPDESK_ROOT/target" \
  "$ZAPDESK_ROOT/ui/node_modules/.bin/tauri" build --ci "${cli_profile[@]}" --no-bundle)
minimal="$ZAPDESK_ROOT/target/$profile/minimal-window"

echo "profile: $profile"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), WebKitGTK $(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo ".deb: $(basename "$deb"), $(stat -c %s "$deb") bytes"
echo "Installed-Size (control): $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "binaries: zapdesk (in the .deb) $(dpkg-deb -c "$deb" | awk '$6 ~ /usr\/bin\/zapdesk$/ {print $3}') bytes, minimal-window $(stat -c %s "$minimal") bytes"

keyring_home="$(mktemp -d)"
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then zapdesk_as_root apt-get remove -y -qq "$package" >/dev/null || true; fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive zapdesk_as_root apt-get install -y -qq "$deb" >/dev/null
installed=1
echo "installed: $(dpkg -L "$package" | while read -r f; do [ -f "$f" ] && stat -c %s "$f"; done | awk '{s+=$1} END {print s}') bytes in $(dpkg -L "$package" | while read -r f; do [ -f "$f" ] && echo x; done | wc -l) files"

XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  printf zapdesk-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec xvfb-run -a -s "-screen 0 1280x800x24" node bench/installers.mjs "$@"' bench \
  "installed ZapDesk=/usr/bin/zapdesk=//h1[normalize-space()='Bem-vindo ao ZapDesk']" \
  "minimal window=$minimal=//h1[@id='ready']" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
