#!/usr/bin/env bash
# Remakes the updater test's fixtures (tests/updater.rs) with the Tauri CLI pinned in
# ui/package.json — the same `tauri signer` a release signs with (docs/release.md, "Updates").
#
# TEST-ONLY-updater.key is a throwaway key with an empty password, committed so the
# test can be reproduced; it signs nothing but these fixtures and no release config
# names its public key. The second key (for the badly signed case) is not kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cli="$here/../../../ui/node_modules/.bin/tauri"
cd "$here"
rm -f TEST-ONLY-updater.key TEST-ONLY-updater.key.pub ./*.AppImage ./*.sig
"$cli" signer generate --ci -p "" -w TEST-ONLY-updater.key >/dev/null
# The "newer build": an AppImage is an ELF file, and the updater refuses a payload
# that is not one before it touches the installed file.
{ printf '\177ELF\002\001\001\000'; printf 'ZapDesk 0.2.0 test AppImage (not a program)%.0s' 1 2; } >ZapDesk_0.2.0_amd64.AppImage
"$cli" signer sign -f TEST-ONLY-updater.key -p "" --app-version 0.2.0 ZapDesk_0.2.0_amd64.AppImage >/dev/null
# Badly signed: the same file signed by another key than the app trusts.
other="$(mktemp -d)"
trap 'rm -rf "$other"' EXIT
"$cli" signer generate --ci -p "" -w "$other/other.key" >/dev/null
cp ZapDesk_0.2.0_amd64.AppImage "$other/artifact"
"$cli" signer sign -f "$other/other.key" -p "" --app-version 0.2.0 "$other/artifact" >/dev/null
cp "$other/artifact.sig" ZapDesk_0.2.0_amd64.AppImage.other-key.sig
