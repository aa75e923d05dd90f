import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { InvitedLogin, Member, QuickReply } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { useOperator } from "../data/operator";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useSubmit } from "../components/useSubmit";
import { useUndoableDelete } from "../components/useUndoableDelete";
import { QuickReplyRow } from "./settings/QuickReplyRow";
import { InvitedLoginDialog } from "./team/InvitedLoginDialog";
import { MemberDialog } from "./team/MemberDialog";
import { AssignmentPanel } from "./team/AssignmentPanel";

/**
 * Settings → Equipe: who uses this desktop (the sync login when sync is on,
 * else picked here) and, for owners and admins, the team: invite with a role
 * and accounts, edit, remove (asked first). An agent sees only the first part.
 */
export function TeamPanel() {
  const { t } = useI18n();
  const { accounts, toast } = useApp();
  const write = useWrite();
  const view = useCommand("teamView", []).data ?? null;
  const users = useCommand("usersList", []).data ?? [];
  const sync = useCommand("syncStatus", []).data ?? null;
  const { me, manager } = useOperator();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [login, setLogin] = useState<InvitedLogin | null>(null);
  const members = view?.members ?? [];
  const fromLogin = view?.me_from_login ?? false;
  const syncOn = sync?.connection != null;
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? null;
  const seen = (m: Member) =>
    m.role === "agent"
      ? m.accounts.map(accountName).filter((n): n is string => n !== null).join(", ") || t("team.noAccounts")
      : t("team.allAccounts");

  return (
    <div className="panel" id="team">
      <div className="panel-head">
        <h2>{t("settings.team")}</h2>
        {manager && <button type="button" className="primary small" onClick={() => setInviting(true)}>{t("team.invite")}</button>}
      </div>
      {fromLogin && me
        ? <p className="muted" data-testid="me-from-login">{t("team.meFromLogin", { name: me.name })}</p>
        : (
          <>
            <p className="muted">{t("settings.teamHint")}</p>
            <label className="check">
              {t("settings.me")}
              <select aria-label={t("settings.me")} value={me?.id ?? ""} onChange={(e) => void write("usersSetMe", e.target.value).catch((err) => toast(errorText(err), "error"))}>
                <option value="" disabled>{t("settings.nobody")}</option>
                {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </label>
          </>
        )}
      {manager && (
        <ul className="account-list">
          {members.map((m) => (
            <li key={m.id} data-testid="operator">
              <div>
                <strong>{m.name}</strong>
                <span className="muted">{m.email} · {t(`settings.role.${m.role}`)} · {seen(m)}</span>
              </div>
              <div className="row-actions">
                <button type="button" className="ghost small" onClick={() => setEditing(m)}>{t("common.edit")}</button>
                <button type="button" className="ghost small danger" onClick={() => setRemoving(m)}>{t("team.remove")}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {manager && <AssignmentPanel />}
      {(inviting || editing) && (
        <MemberDialog editing={editing ?? undefined} syncOn={syncOn} mayOwner={me === null || me.role === "owner"}
          onClose={() => { setInviting(false); setEditing(null); }}
          onDone={(m, made) => {
            toast(t(editing ? "team.saved" : "team.invited", { name: m.name }));
            setInviting(false);
            setEditing(null);
            setLogin(made);
          }} />
      )}
      {login && <InvitedLoginDialog login={login} onClose={() => setLogin(null)} />}
      {removing && (
        <ConfirmDialog
          title={t("team.removeTitle", { name: removing.name })}
          confirmLabel={t("team.remove")}
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await write("teamRemove", removing.id);
            toast(t("team.removed", { name: removing.name }));
            setRemoving(null);
          }}
        >
          <p>{t("team.removeConfirm", { name: removing.name })}</p>
          {syncOn && <p className="muted">{t("team.removeSync")}</p>}
        </ConfirmDialog>
      )}
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
          <QuickReplyRow key={q.id} reply={q} onDelete={() => setDeleting(q)} />
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
