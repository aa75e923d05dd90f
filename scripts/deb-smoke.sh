#!/usr/bin/env bash
# The .deb smoke test (issue 19, item 1): installs the package on THIS machine
# with apt-get, starts the installed /usr/bin/zapdesk under Xvfb and a D-Bus
# session until its first screen is drawn (tests/installed/), removes the
# package and checks nothing of it is left in /usr.
#
#   bash scripts/deb-smoke.sh                   # builds the .deb (debug) first
#   bash scripts/deb-smoke.sh path/to/ZapDesk_0.1.0_amd64.deb
#
# Needs root (or sudo) for apt-get. It refuses to run where the package
# (`zap-desk`: the Tauri CLI names it from productName) is already installed:
# removing it at the end would take the user's away. Packages the install
# pulled in are purged again. Not in test-all.sh.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ZAPDESK_ROOT"
# Xvfb, gnome-keyring, WebKitWebDriver and tauri-driver, when missing.
zapdesk_system_packages
zapdesk_tauri_driver

deb="${1:-}"
if [ -z "$deb" ]; then
  # The debug build reuses target/debug (what test-all.sh builds anyway).
  bash scripts/bundle.sh --debug deb
  deb="$(ls -t target/debug/bundle/deb/*.deb | head -n1)"
fi
deb="$(realpath "$deb")"
package="$(dpkg-deb -f "$deb" Package)"
zapdesk_say "Smoke test of $deb (package $package)"
if dpkg -s "$package" >/dev/null 2>&1; then
  echo "The package $package is already installed here; this test would remove it. Remove it first (apt-get remove $package)." >&2
  exit 1
fi

# What the package declares: the tray's AppIndicator library must come with
# it (the app runs without a tray, but the menu-bar icon is half the point).
depends="$(dpkg-deb -f "$deb" Depends)"
recommends="$(dpkg-deb -f "$deb" Recommends)"
echo "Depends: $depends"
echo "Recommends: $recommends"
grep -q 'libayatana-appindicator3-1' <<<"$depends" || { echo "the .deb does not depend on libayatana-appindicator3-1" >&2; exit 1; }
grep -q 'chromium' <<<"$recommends" || { echo "the .deb does not recommend a browser" >&2; exit 1; }

before="$(mktemp)"; after="$(mktemp)"; files="$(mktemp)"
packages_before="$(mktemp)"; packages_after="$(mktemp)"
keyring_home="$(mktemp -d)"
installed=0
installed_packages() { dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }' | sort; }
# The package and whatever its install pulled in (libraries it depends on
# that were missing): the machine is left with the packages it had.
remove_all() {
  DEBIAN_FRONTEND=noninteractive zapdesk_as_root apt-get remove -y -qq "$package" || return 1
  installed_packages >"$packages_after"
  mapfile -t pulled < <(comm -13 "$packages_before" "$packages_after")
  if [ ${#pulled[@]} -gt 0 ]; then
    echo "removing what the install pulled in: ${pulled[*]}"
    DEBIAN_FRONTEND=noninteractive zapdesk_as_root apt-get purge -y -qq "${pulled[@]}" || return 1
  fi
}
cleanup() {
  if [ "$installed" = 1 ] && ! remove_all; then
    echo "deb smoke: REMOVING $package FAILED — it may still be installed here; run: apt-get remove $package" >&2
  fi
  rm -rf "$before" "$after" "$files" "$packages_before" "$packages_after" "$keyring_home"
}
trap cleanup EXIT

find /usr -iname '*zap*desk*' | sort >"$before"
installed_packages >"$packages_before"

zapdesk_say "apt-get install $deb"
installed=1  # from here on, the exit removes it whatever happens
# Without Recommends: a browser (a snap on Ubuntu) is the user's choice,
# and nothing this test did not need stays behind.
DEBIAN_FRONTEND=noninteractive zapdesk_as_root apt-get install -y -qq --no-install-recommends "$deb"
dpkg -L "$package" | sort >"$files"
[ -x /usr/bin/zapdesk ] || { echo "/usr/bin/zapdesk is not there after the install" >&2; exit 1; }
missing_libs="$(ldd /usr/bin/zapdesk | grep 'not found' || true)"
[ -z "$missing_libs" ] || { echo "the installed binary lacks libraries:" >&2; echo "$missing_libs" >&2; exit 1; }
grep -q '^/usr/share/applications/.*\.desktop$' "$files" || { echo "no menu entry (.desktop) in the package" >&2; exit 1; }
# The CLI comes along: the way back after a failed update names it.
[ -x /usr/bin/zapdesk-cli ] || { echo "/usr/bin/zapdesk-cli is not there after the install" >&2; exit 1; }
env -u ZAPDESK_DATA_DIR /usr/bin/zapdesk-cli --data-dir "$keyring_home/cli-data" --json backup list >/dev/null

zapdesk_say "Starting the installed app under Xvfb"
# The app keeps secrets in the Secret Service: gnome-keyring in a D-Bus
# session of its own, a throwaway keyring, as scripts/test-all.sh does. The
# XDG folders (keyring, WebKit's cache, the autostart entry) are throwaway
# too, so the run leaves nothing in the user's home.
XDG_DATA_HOME="$keyring_home/share" XDG_CACHE_HOME="$keyring_home/cache" \
  XDG_CONFIG_HOME="$keyring_home/config" XDG_STATE_HOME="$keyring_home/state" \
  ZAPDESK_APP=/usr/bin/zapdesk \
  dbus-run-session -- bash -c '
    printf zapdesk-smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/installed/'

zapdesk_say "apt-get remove $package"
remove_all
installed=0
status="$(dpkg-query -W -f '${db:Status-Abbrev}' "$package" 2>/dev/null || true)"
case "$status" in
  ""|"un "*) ;;
  *) echo "dpkg still lists $package after apt-get remove: '$status'" >&2; exit 1 ;;
esac
# dpkg keeps no record of it (no conffiles, so nothing is left for a purge),
# every file the package put in /usr is gone, and nothing named zapdesk or
# zap-desk is left there that was not there before.
left=0
while read -r path; do
  case "$path" in /usr/*) ;; *) continue ;; esac
  if [ -f "$path" ] || [ -L "$path" ]; then echo "left after removal: $path" >&2; left=1; fi
done <"$files"
find /usr -iname '*zap*desk*' | sort >"$after"
if ! cmp -s "$before" "$after"; then
  echo "names with zapdesk or zap-desk in /usr changed:" >&2; diff "$before" "$after" >&2 || true; left=1
fi
[ "$left" = 0 ] || exit 1
echo "deb smoke: installed, first screen drawn, removed with nothing left in /usr"
