// Settings → Sobre → Atualizações (issue 19, item 4) in the fake Rust side,
// installed after mock-backend.mjs, with crates/app/src/update.rs's shapes
// (`UpdateState`, tagged by `state`) and src-tauri/src/commands/updates.rs's
// commands. Seeds (`seed.updates`): `state` (the state at start; default
// `{state: "idle"}`), `offer` (what a check finds: {version, notes, date};
// null = up to date), `checkFails` / `installFails` (the pt-BR message Rust
// words the failure with), `holdDownload` (the download stops half-way until
// the test calls `__MOCK__.state.updates.release()`). An install emits `update` events with the
// download's progress, as the shell does, then answers `ready`.
export function installUpdatesMock(seed) {
  const { state, emit } = window.__MOCK__;
  const { handlers } = window.__MOCK__.lib;
  const given = seed.updates ?? {};
  state.updates = {
    now: given.state ?? { state: "idle" },
    offer: given.offer ?? null,
    checks: 0,
    installs: 0,
  };
  const set = (next) => {
    state.updates.now = next;
    emit("update", next);
    return next;
  };
  const busy = (s) => ["off", "checking", "downloading", "ready"].includes(s.state);
  Object.assign(handlers, {
    update_status: () => state.updates.now,
    update_check: () => {
      if (busy(state.updates.now)) return state.updates.now;
      state.updates.checks += 1;
      set({ state: "checking" });
      if (given.checkFails) return set({ state: "failed", message: given.checkFails });
      const offer = state.updates.offer;
      return offer
        ? set({ state: "available", version: offer.version, notes: offer.notes ?? null, date: offer.date ?? null })
        : set({ state: "up_to_date", version: "0.1.0" });
    },
    update_install: async () => {
      const now = state.updates.now;
      if (now.state !== "available") return now;
      state.updates.installs += 1;
      const total = 4_000_000;
      const at = (downloaded) =>
        set({ state: "downloading", version: now.version, downloaded, total, percent: Math.floor((downloaded * 100) / total) });
      at(0);
      at(2_000_000);
      // Half-way the download waits, with `holdDownload`, until the test
      // calls `__MOCK__.state.updates.release()`.
      if (given.holdDownload) await new Promise((resolve) => { state.updates.release = resolve; });
      at(total);
      if (given.installFails) return set({ state: "failed", message: given.installFails });
      return set({ state: "ready", version: now.version });
    },
  });
}
