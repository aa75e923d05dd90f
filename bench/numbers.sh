#!/usr/bin/env bash
# Start-to-ready time and memory per WhatsApp number (Sandbox numbers in real
# Chromium) for 1, 4 and 8 numbers, beside a bare Chromium on the same page.
# Prints the Markdown table recorded in docs/benchmarks.md. Takes ~5 minutes
# after the release build. Needs Chromium (Debian's, or $CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
zapdesk_npm_packages
cargo bench -p zapdesk-whatsapp --bench numbers
