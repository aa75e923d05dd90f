// The desktop's own commands (issue 19, items 2 and 3) in the fake Rust side,
// installed after mock-backend.mjs, with src-tauri/src/commands/desktop.rs's
// shapes. Seeds: `browser` (what `browser_check` finds: `null` = none
// installed; default Debian's Chromium), `browserMissing` (why none, as
// Rust's `NotFound`), `platform` ("linux" unless given), `desktop`
// {close_to_tray, autostart}, `opening` (a conversation a clicked notification
// left for a new window: {account (index), conversation (index)}).
// Tests install a browser "meanwhile" with `__MOCK__.state.desktop.browser = {...}`.
export function installDesktopMock(seed) {
  const { state } = window.__MOCK__;
  const { handlers } = window.__MOCK__.lib;
  const chromium = { name: "Chromium", path: "/usr/bin/chromium", version: "140.0.7339.185" };
  state.desktop = {
    browser: seed.browser === undefined ? chromium : seed.browser,
    missing: seed.browserMissing ?? { reason: "none_installed", searched: ["/usr/bin/chromium", "/usr/bin/google-chrome"] },
    platform: seed.platform ?? "linux",
    settings: { close_to_tray: true, autostart: false, ...(seed.desktop ?? {}) },
    checks: 0,
    opening: seed.opening
      ? { account: state.accounts[seed.opening.account ?? 0].id, conversation: state.conversations[seed.opening.conversation ?? 0].id }
      : null,
  };
  Object.assign(handlers, {
    browser_check: () => {
      state.desktop.checks += 1;
      const found = state.desktop.browser;
      return { platform: state.desktop.platform, found, missing: found ? null : state.desktop.missing };
    },
    desktop_settings: () => ({ ...state.desktop.settings }),
    desktop_set_close_to_tray: ({ on }) => { state.desktop.settings.close_to_tray = on; return null; },
    desktop_set_autostart: ({ on }) => { state.desktop.settings.autostart = on; return null; },
    desktop_take_opening: () => {
      const taken = state.desktop.opening;
      state.desktop.opening = null;
      return taken;
    },
  });
}
