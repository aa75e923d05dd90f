import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { QuickReply, Role } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useSubmit } from "../components/useSubmit";
import { useUndoableDelete } from "../components/useUndoableDelete";

/** Settings → Team: the agency's operators and who uses this desktop. */
export function TeamPanel() {
  const { t } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const users = useCommand("usersList", []).data ?? [];
  const me = useCommand("usersMe", []).data?.id ?? "";
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const { submit: add, error } = useSubmit(async () => {
    await write("usersCreate", { name, email, role });
    setName("");
    setEmail("");
  });

  return (
    <div className="panel">
      <h2>{t("settings.team")}</h2>
      <p className="muted">{t("settings.teamHint")}</p>
      <label className="check">
        {t("settings.me")}
        <select aria-label={t("settings.me")} value={me} onChange={(e) => void write("usersSetMe", e.target.value).catch((err) => toast(errorText(err), "error"))}>
          <option value="" disabled>{t("settings.nobody")}</option>
          {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <ul className="account-list">
        {users.map((u) => (
          <li key={u.id} data-testid="operator"><div><strong>{u.name}</strong><span className="muted">{u.email} · {t(`settings.role.${u.role}`)}</span></div></li>
        ))}
      </ul>
      <form className="inline-form left" onSubmit={add}>
        <input aria-label={t("settings.operatorName")} placeholder={t("settings.operatorName")} value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label={t("settings.operatorEmail")} placeholder={t("settings.operatorEmail")} value={email} onChange={(e) => setEmail(e.target.value)} />
        <select aria-label={t("settings.role")} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {(["agent", "admin", "owner"] as const).map((r) => <option key={r} value={r}>{t(`settings.role.${r}`)}</option>)}
        </select>
        <button type="submit" className="ghost small">{t("settings.addOperator")}</button>
      </form>
      {error && <p className="form-error" role="alert">{error.message}</p>}
    </div>
  );
}

/** Settings → the current account's quick replies. */
export function QuickRepliesPanel() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const list = useCommand("quickRepliesList", [account.id]).data ?? [];
  const [shortcut, setShortcut] = useState("");
  const [body, setBody] = useState("");
  const [deleting, setDeleting] = useState<QuickReply | null>(null);
  const held = useUndoableDelete((err) => toast(errorText(err), "error"));
  const { submit: add, error } = useSubmit(async () => {
    await write("quickRepliesCreate", account.id, { shortcut, body });
    setShortcut("");
    setBody("");
  });

  return (
    <div className="panel">
      <h2>{t("settings.quickReplies")}</h2>
      <p className="muted">{t("settings.qrHint")}</p>
      <ul className="account-list">
        {list.filter((q) => !held.hidden.has(q.id)).map((q) => (
          <li key={q.id} data-testid="quick-reply">
            <div><strong>/{q.shortcut}</strong><span className="muted">{q.body}</span></div>
            <button type="button" className="ghost small danger" onClick={() => setDeleting(q)}>{t("common.delete")}</button>
          </li>
        ))}
      </ul>
      <form className="inline-form left" onSubmit={add}>
        <input aria-label={t("settings.qrShortcut")} placeholder={t("settings.qrShortcut")} value={shortcut} onChange={(e) => setShortcut(e.target.value)} />
        <input aria-label={t("settings.qrBody")} placeholder={t("settings.qrBody")} value={body} onChange={(e) => setBody(e.target.value)} className="grow" />
        <button type="submit" className="ghost small">{t("settings.qrAdd")}</button>
      </form>
      {error && <p className="form-error" role="alert">{error.message}</p>}
      {deleting && (
        <ConfirmDialog
          title={t("settings.qrDeleteTitle")}
          confirmLabel={t("common.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const q = deleting;
            setDeleting(null);
            // Hidden at once, sent to Rust when the Desfazer window ends.
            held.remove(q.id, t("settings.qrDeletedUndo", { shortcut: q.shortcut }), async () => {
              await write("quickRepliesDelete", account.id, q.id);
            });
          }}
        >
          <p>{t("settings.qrDeleteConfirm", { shortcut: deleting.shortcut })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
