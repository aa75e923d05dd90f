// Settings → Backup (issue 19, item 5) in the fake Rust side, installed in
// the page after mock-backend.mjs, on its state. Answers with Rust's shapes,
// codes and pt-BR texts (crates/core/src/backup, crates/app/src/backup.rs).
//
// Seeds (`seed.backup`): `backups` [{kind, takenAt, bytes, version, media}]
// (file names made from them), `keepDays`, `folder` (picked; null = the
// default), `syncOn`, `pickFolder` / `pickFile` (what the system dialogs
// "chose"; null = cancelled), `invalid` (paths refused as no ZapDesk backup).
// A restore is recorded in `state.backup.restored`, a restart in
// `state.backup.restarted`.
export function installBackupMock(seed) {
  const { state, changed } = window.__MOCK__;
  const { fail, now, handlers } = window.__MOCK__.lib;
  const given = seed.backup ?? {};
  const DATA = "/home/agencia/.local/share/app.zapdesk.desktop";
  const SAFETY = `${DATA}/backups`;
  const stamp = (ms) => new Date(ms).toISOString().slice(0, 19).replace("T", "_").replaceAll(":", "-");
  const info = (folder, b) => {
    const file_name = `zapdesk-backup-${stamp(b.takenAt)}-v${b.version ?? 31}-${b.kind.replaceAll("_", "-")}.sqlite3`;
    return { path: `${folder}/${file_name}`, file_name, kind: b.kind, taken_at: b.takenAt, version: b.version ?? 31, bytes: b.bytes ?? 2_400_000, media: b.media ?? true, media_files: null, media_bytes: null };
  };
  state.backup = {
    settings: { folder: given.folder ?? null, keep_days: given.keepDays ?? 7 },
    list: (given.backups ?? []).map((b) => info(given.folder ?? SAFETY, b)),
    syncOn: given.syncOn ?? false,
    restored: null,
    restarted: false,
  };
  const folder = () => state.backup.settings.folder ?? SAFETY;
  const managerOnly = () => {
    const me = state.users.find((u) => u.id === state.me);
    if (me && (me.removed || me.role === "agent")) fail("operator_forbidden", "Só donos e administradores podem mudar as configurações.");
  };
  let made = 0;

  Object.assign(handlers, {
    backup_status: () => {
      managerOnly();
      const backups = [...state.backup.list].sort((a, b) => b.taken_at - a.taken_at);
      return {
        settings: { ...state.backup.settings },
        folder: folder(),
        safety_folder: SAFETY,
        backups,
        last: backups.find((b) => b.kind === "daily" || b.kind === "manual") ?? null,
        sync_on: state.backup.syncOn,
      };
    },
    backup_now: () => {
      managerOnly();
      const b = { ...info(folder(), { kind: "manual", takenAt: now + 3_600_000 * 24 * 30 + ++made * 1000, bytes: 3_100_000 }), media_files: 12, media_bytes: 5_000_000 };
      state.backup.list.push(b);
      changed(null, "settings");
      return b;
    },
    backup_set_settings: ({ settings }) => {
      managerOnly();
      if (!(settings.keep_days >= 1 && settings.keep_days <= 365)) fail("backup_settings_invalid", "Os dias guardados devem ficar entre 1 e 365.");
      if (settings.folder !== null && !settings.folder.startsWith("/")) {
        fail("backup_settings_invalid", `A pasta ${settings.folder} não pode ser usada para backups (ela precisa ser um caminho completo e gravável).`);
      }
      state.backup.settings = { ...settings };
      changed(null, "settings");
      return null;
    },
    backup_pick_folder: () => given.pickFolder ?? null,
    backup_pick_file: () => given.pickFile ?? null,
    backup_restore: ({ path, syncAcknowledged }) => {
      managerOnly();
      if ((given.invalid ?? []).includes(path)) {
        fail("backup_invalid", "Este arquivo não é um backup do ZapDesk. Escolha um arquivo zapdesk-backup-….sqlite3; nada foi alterado.");
      }
      if (state.backup.syncOn && !syncAcknowledged) {
        fail("backup_sync_on", "A sincronização está ligada: confirme que entendeu que o que já está no servidor volta depois de restaurar. Nada foi alterado.");
      }
      state.backup.restored = path;
      const version = state.backup.list.find((b) => b.path === path)?.version ?? 31;
      return { safety_copy: `${SAFETY}/zapdesk-backup-2026-12-01_10-00-00-v31-before-restore.sqlite3`, version, media_restored: 3 };
    },
    // Settings → Sobre (issue 19, item 6): Rust's diagnostics, asked each
    // time; `seed.backup.problems` are the logs' warnings it quotes.
    app_diagnostics: () => {
      const problems = given.problems ?? [];
      const d = {
        app_version: "0.1.0", os: "linux", arch: "x86_64",
        chromium_path: "/usr/bin/chromium", chromium_version: given.chromiumVersion ?? "Chromium 131.0.6778.85",
        wa_js_version: "3.17.5", schema_version: 31, schema_supported: 31,
        data_dir: DATA, log_dir: `${DATA}/logs`, accounts: state.accounts.length,
        numbers: {}, sync_on: state.backup.syncOn, problems,
      };
      d.text = `ZapDesk ${d.app_version}\nChromium: ${d.chromium_version} (${d.chromium_path})\nwa-js: ${d.wa_js_version}\nAvisos recentes (${problems.length}):\n${problems.join("\n")}`;
      return d;
    },
    app_restart: () => {
      state.backup.restarted = true;
      return null;
    },
  });
}
