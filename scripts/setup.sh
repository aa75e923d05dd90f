# Installs what ZapDesk needs to build, run and test, when it is missing.
# Sourced by run-app.sh and test-all.sh; safe to run again (it only adds).
# Debian/Ubuntu only: other systems get a clear message instead of a guess.

ZAPDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages: WebKitGTK and friends for Tauri, Chromium for WhatsApp
# sessions and UI tests, Xvfb and WebKitWebDriver for the end-to-end test
# (which reads the app's store with sqlite3 to know the bot has looked);
# python3-venv for schemathesis (the API fuzz, from PyPI) and wrk for the
# API's benchmark.
ZAPDESK_APT_PACKAGES=(
  build-essential pkg-config curl file libssl-dev libdbus-1-dev libxdo-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  chromium xvfb xauth webkit2gtk-driver nodejs npm
  gnome-keyring dbus-daemon libsecret-tools
  sqlite3 python3-venv wrk
)

zapdesk_say() { printf '\033[1;36m==> %s\033[0m\n' "$*" >&2; }

zapdesk_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

zapdesk_system_packages() {
  command -v dpkg >/dev/null || { echo "ZapDesk's setup script supports Debian/Ubuntu (dpkg, apt-get) only." >&2; return 1; }
  local missing=()
  for p in "${ZAPDESK_APT_PACKAGES[@]}"; do
    # A package that is provided by something else (nodejs from NodeSource) counts as present.
    dpkg -s "$p" >/dev/null 2>&1 && continue
    case "$p" in
      nodejs|npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;;
    esac
    missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    zapdesk_say "Installing Debian packages: ${missing[*]}"
    zapdesk_as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive zapdesk_as_root apt-get install -y -qq "${missing[@]}"
  fi
  command -v cargo >/dev/null || { echo "Rust is missing: install it from https://rustup.rs and run this again." >&2; return 1; }
}

# npm ci in a folder, again only when its lock file changed.
zapdesk_npm_ci() {
  local dir="$1" lock="$1/package-lock.json" stamp="$1/node_modules/.zapdesk-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
    zapdesk_say "Installing npm packages in ${dir#"$ZAPDESK_ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$lock" "$stamp"
  fi
}

# The UI's packages, and @wppconnect/wa-js, which crates/whatsapp embeds when it builds.
zapdesk_npm_packages() {
  zapdesk_npm_ci "$ZAPDESK_ROOT/ui"
  zapdesk_npm_ci "$ZAPDESK_ROOT/crates/whatsapp/bridge"
}

zapdesk_build_ui() {
  zapdesk_say "Building the UI"
  (cd "$ZAPDESK_ROOT/ui" && npm run --silent build)
}

# The remote-store tests (crates/sync) need a PostgreSQL on 127.0.0.1:5432
# that trusts local logins as `postgres`, as this project's machines have.
# Start Debian's cluster if it is installed but down; otherwise stop with why.
zapdesk_postgres() {
  command -v pg_isready >/dev/null || zapdesk_as_root apt-get install -y -qq postgresql
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    zapdesk_say "Starting PostgreSQL"
    zapdesk_as_root service postgresql start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || {
    echo "PostgreSQL is not accepting connections on 127.0.0.1:5432; the sync tests need it." >&2
    return 1
  }
}

zapdesk_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v tauri-driver >/dev/null; then
    zapdesk_say "Installing tauri-driver (WebDriver for the end-to-end test)"
    cargo install tauri-driver --version 2.1.0 --locked
  fi
}
