import { useState, type FormEvent } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import type { BackupInfo, Restored } from "../../ipc/bindings";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { formatSize } from "../../format";

/** A backup's date and time, as people read it. */
function when(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}

/** A restore chosen from the list or from a file picked elsewhere. */
interface Chosen {
  path: string;
  /** From the list: its date; a file picked elsewhere has none. */
  takenAt: number | null;
}

/**
 * Settings → Backup: the last backup, "Fazer backup agora", where backups go
 * and for how many days, the list, and restoring one (numbers stop, the
 * current data is kept aside, ZapDesk restarts). Media files are included;
 * the numbers' WhatsApp sessions are not (said on screen).
 */
export function BackupPanel() {
  // Shown once who is at this desktop is known: an agent's window never
  // asks (Rust refuses agents too, access.rs).
  const known = useCommand("usersMe", []).isSuccess;
  return known ? <Backups /> : null;
}

function Backups() {
  const { t, lang } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const status = useCommand("backupStatus", []).data ?? null;
  const [busy, setBusy] = useState(false);
  // The settings as edited; null while they are the saved ones.
  const [folder, setFolder] = useState<string | null | undefined>(undefined);
  const [days, setDays] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [understood, setUnderstood] = useState(false);
  const [restored, setRestored] = useState<Restored | null>(null);

  const folderValue = folder === undefined ? (status?.settings.folder ?? null) : folder;
  const daysText = days ?? (status ? String(status.settings.keep_days) : "");
  const dirty = status !== null && (folder !== undefined || days !== null);

  async function backUpNow() {
    setBusy(true);
    try {
      const made = await write("backupNow");
      toast(t("backup.madeToast", { name: made.file_name }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const keep = Number(daysText.trim());
    if (!/^\d+$/.test(daysText.trim())) {
      toast(t("backup.daysNotNumber"), "error");
      return;
    }
    try {
      await write("backupSetSettings", { folder: folderValue, keep_days: keep });
      setFolder(undefined);
      setDays(null);
      toast(t("backup.savedToast"));
    } catch (err) {
      toast(errorText(err), "error");
    }
  }

  async function pickFolder() {
    const picked = await write("backupPickFolder", t("backup.pickFolder"));
    if (picked !== null) setFolder(picked);
  }

  async function pickFile() {
    const picked = await write("backupPickFile", t("backup.pickFile"));
    if (picked !== null) choose({ path: picked, takenAt: null });
  }

  function choose(c: Chosen) {
    setUnderstood(false);
    setChosen(c);
  }

  async function restore(c: Chosen) {
    const done = await write("backupRestore", c.path, understood);
    setChosen(null);
    setRestored(done);
  }

  const kind = (b: BackupInfo) => t(`backup.kind.${b.kind}`);

  return (
    <div className="panel backup-panel" id="backup" role="region" aria-label={t("backup.title")}>
      <h2>{t("backup.title")}</h2>
      <p className="muted">{t("backup.intro")}</p>
      <p className="muted" data-testid="backup-media">{t("backup.mediaIncluded")}</p>

      {status && (
        <p data-testid="backup-last">
          {status.last
            ? t("backup.last", { when: when(status.last.taken_at, lang), size: formatSize(status.last.bytes, lang) })
            : t("backup.none")}
        </p>
      )}
      <button type="button" className="primary" disabled={busy || !status} onClick={() => void backUpNow()}>
        {busy ? t("backup.making") : t("backup.now")}
      </button>

      {status && (
        <form className="backup-settings" onSubmit={(e) => void save(e)} noValidate>
          <div className="field">
            <span className="label">{t("backup.folder")}</span>
            <p className="mono" data-testid="backup-folder">{folderValue ?? status.folder}</p>
            <div className="row-actions">
              <button type="button" className="ghost small" onClick={() => void pickFolder()}>{t("backup.pickFolder")}</button>
              {folderValue !== null && (
                <button type="button" className="ghost small" onClick={() => setFolder(null)}>{t("backup.defaultFolder")}</button>
              )}
            </div>
          </div>
          <label className="field">
            <span className="label">{t("backup.keepDays")}</span>
            <input inputMode="numeric" className="port-input" aria-label={t("backup.keepDays")} value={daysText}
              onChange={(e) => setDays(e.target.value)} />
          </label>
          <p className="muted">{t("backup.keepHint")}</p>
          <button type="submit" className="primary" disabled={!dirty}>{t("common.save")}</button>
        </form>
      )}

      {status && (
        <>
          <h3>{t("backup.list")}</h3>
          {status.backups.length === 0 && <p className="muted">{t("backup.none")}</p>}
          <ul className="backup-list">
            {status.backups.map((b) => (
              <li key={b.path} data-testid="backup-item">
                <div>
                  <strong>{when(b.taken_at, lang)}</strong>
                  <span className="muted">
                    {" "}· {kind(b)} · {formatSize(b.bytes, lang)} · {t("backup.version", { version: b.version })}
                    {" "}· {b.media ? t("backup.withMedia") : t("backup.withoutMedia")}
                  </span>
                </div>
                <button type="button" className="ghost small danger" onClick={() => choose({ path: b.path, takenAt: b.taken_at })}>
                  {t("backup.restore")}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="ghost" onClick={() => void pickFile()}>{t("backup.restoreFile")}</button>
        </>
      )}

      {chosen && status && (
        <ConfirmDialog
          title={t("backup.confirmTitle")}
          confirmLabel={t("backup.restore")}
          danger
          ready={!status.sync_on || understood}
          onClose={() => setChosen(null)}
          onConfirm={() => restore(chosen)}
        >
          <p>{chosen.takenAt !== null
            ? t("backup.confirmFrom", { when: when(chosen.takenAt, lang) })
            : t("backup.confirmFile", { path: chosen.path })}</p>
          <ul>
            <li>{t("backup.confirmStop")}</li>
            <li>{t("backup.confirmKept", { path: status.safety_folder })}</li>
            <li>{t("backup.confirmMedia")}</li>
            <li>{t("backup.confirmRestart")}</li>
          </ul>
          {status.sync_on && (
            <div className="notice danger" role="alert">
              <p>{t("backup.syncWarning")}</p>
              <label className="check">
                <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
                {t("backup.syncUnderstood")}
              </label>
            </div>
          )}
        </ConfirmDialog>
      )}

      {restored && (
        // Nothing else can be done now: the store is closed until the restart.
        <Modal title={t("backup.doneTitle")} onClose={() => void write("appRestart")}>
          <div className="form" data-testid="backup-restored">
            <p>{t("backup.done", { version: restored.version })}</p>
            {restored.safety_copy !== null && <p className="mono">{t("backup.doneKept", { path: restored.safety_copy })}</p>}
            <p>{t("backup.doneMedia", { count: restored.media_restored })}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => void write("appRestart")}>{t("backup.restartNow")}</button>
            </div>
          </div>
        </Modal>
      )}
    </div>
  );
}
