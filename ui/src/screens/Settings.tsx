import { useEffect, useRef, useState } from "react";
import { useApp } from "../context";
import { LANGUAGES, useI18n } from "../i18n";
import type { Account, Lang } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { AccountForm } from "../components/AccountForm";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Modal } from "../components/Modal";
import { formatPhone } from "../format";
import { QuickRepliesPanel, TeamPanel } from "./Team";
import { TagsPanel } from "./Tags";
import { FieldsPanel } from "./Fields";
import { AuditPanel } from "./Audit";
import { SyncPanel } from "./Sync";
import { ApiPanel } from "./settings/ApiPanel";
import { WebhooksPanel } from "./settings/WebhooksPanel";
import { CloudCommandsPanel } from "./settings/CloudCommandsPanel";
import { BusinessHoursPanel } from "./settings/BusinessHoursPanel";
import { AccountPlanPanel } from "./settings/AccountPlanPanel";
import { PlansPanel } from "./settings/PlansPanel";
import { BackupPanel } from "./settings/BackupPanel";
import { AboutDetails } from "./settings/AboutDetails";
import { DesktopPanel } from "./settings/DesktopPanel";
import { useOperator } from "../data/operator";

/** Language, the agency's accounts (edit, archive, restore) and what this install is. */
export function Settings() {
  const { t, lang } = useI18n();
  const { info, setLanguage, toast, offerUndo } = useApp();
  const write = useWrite();
  const [showArchived, setShowArchived] = useState(false);
  const all = useCommand("accountsList", [showArchived], { keepPrevious: true }).data ?? [];
  const [editing, setEditing] = useState<Account | null>(null);
  const [archiving, setArchiving] = useState<Account | null>(null);
  // An agent does not see the agency's settings (Rust refuses them too).
  const { manager } = useOperator();

  // `#team`, `#accounts`, …: a link from elsewhere (the Painel's first steps)
  // names the panel to show. Panels render as their reads answer (the
  // accounts once the operator is known, a panel above growing with its
  // list), so the target is brought into view again each time the screen
  // changes, until it is there and the person scrolls, types or clicks.
  const screen = useRef<HTMLElement>(null);
  useEffect(() => {
    let watching: MutationObserver | null = null;
    const stop = () => {
      watching?.disconnect();
      watching = null;
    };
    const show = () => {
      stop();
      const panel = window.location.hash.slice(1);
      const root = screen.current;
      if (!panel || !root) return;
      const scroll = () => document.getElementById(panel)?.scrollIntoView?.({ block: "start" });
      scroll();
      watching = new MutationObserver(scroll);
      watching.observe(root, { childList: true, subtree: true });
    };
    show();
    const input = ["wheel", "touchstart", "keydown", "pointerdown"] as const;
    window.addEventListener("hashchange", show);
    for (const e of input) window.addEventListener(e, stop, { passive: true });
    return () => {
      stop();
      window.removeEventListener("hashchange", show);
      for (const e of input) window.removeEventListener(e, stop);
    };
  }, []);

  async function restore(a: Account) {
    try {
      await write("accountsSetArchived", a.id, false);
      toast(t("account.restoredToast", { name: a.name }));
    } catch (e) {
      toast(errorText(e), "error");
    }
  }

  // Archiving is reversible in Rust already, so it happens now and Desfazer restores.
  async function archive(a: Account) {
    await write("accountsSetArchived", a.id, true);
    setArchiving(null);
    offerUndo({ text: t("account.archivedUndo", { name: a.name }), onUndo: () => void restore(a) });
  }

  return (
    <section className="screen settings" ref={screen}>
      <header className="screen-head"><h1>{t("settings.title")}</h1></header>

      <div className="panel">
        <h2>{t("settings.language")}</h2>
        <p className="muted">{t("settings.languageHint")}</p>
        <select aria-label={t("settings.language")} value={lang}
          onChange={(e) => void setLanguage(e.target.value as Lang)}>
          {LANGUAGES.map((l) => <option key={l.lang} value={l.lang}>{l.label}</option>)}
        </select>
      </div>

      {manager && <div className="panel" id="accounts">
        <div className="panel-head">
          <h2>{t("settings.accounts")}</h2>
          <label className="check">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
            {t("settings.showArchived")}
          </label>
        </div>
        <ul className="account-list">
          {all.map((a) => (
            <li key={a.id} data-testid="account-item" className={a.archived_at !== null ? "archived" : ""}>
              <div>
                <strong>{a.name}</strong>
                <span className="muted">
                  {a.phone ? `${formatPhone(a.phone)} · ` : ""}
                  {t(`account.plan.${a.plan}`)} · {t(`account.status.${a.status}`)}
                  {a.archived_at !== null ? ` · ${t("account.archived")}` : ""}
                </span>
              </div>
              <div className="row-actions">
                <button type="button" className="ghost small" onClick={() => setEditing(a)}>{t("common.edit")}</button>
                {a.archived_at === null
                  ? <button type="button" className="ghost small danger" onClick={() => setArchiving(a)}>{t("account.archive")}</button>
                  : <button type="button" className="ghost small" onClick={() => void restore(a)}>{t("account.restore")}</button>}
              </div>
            </li>
          ))}
        </ul>
      </div>}

      {manager && <PlansPanel />}
      <AccountPlanPanel />
      <BusinessHoursPanel />
      <TagsPanel />
      <FieldsPanel />
      <QuickRepliesPanel />
      <TeamPanel />
      <AuditPanel />
      <SyncPanel />
      {manager && <ApiPanel />}
      {manager && <WebhooksPanel />}
      {manager && <CloudCommandsPanel />}
      {manager && <BackupPanel />}
      <DesktopPanel />

      <div className="panel">
        <h2>{t("settings.about")}</h2>
        <p className="muted">{t("settings.version", { version: info.version })}</p>
        <p className="muted mono">{t("app.dataDir", { dir: info.data_dir })}</p>
        <AboutDetails />
      </div>

      {archiving && (
        <ConfirmDialog
          title={t("account.archiveTitle")}
          confirmLabel={t("account.archive")}
          danger
          onClose={() => setArchiving(null)}
          onConfirm={() => archive(archiving)}
        >
          <p>{t("account.archiveConfirm", { name: archiving.name })}</p>
        </ConfirmDialog>
      )}
      {editing && (
        <Modal title={t("account.edit")} onClose={() => setEditing(null)}>
          <AccountForm
            initial={{ name: editing.name, phone: editing.phone, plan: editing.plan, status: editing.status }}
            submitLabel={t("common.save")}
            nameMax={info.limits.account_name}
            onCancel={() => setEditing(null)}
            onSubmit={async (input) => {
              await write("accountsUpdate", editing.id, input);
              setEditing(null);
              toast(t("account.saved"));
            }}
          />
        </Modal>
      )}
    </section>
  );
}
