import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Invitation, InvitedLogin, Member, Role } from "../../ipc/call";
import { useWrite } from "../../data/commands";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";

const ROLES: readonly Role[] = ["agent", "admin", "owner"];

interface Props {
  /** The operator to edit; none: "Convidar". */
  editing?: Member;
  /** With sync on, the invitation can also make the person's login on the agency's database. */
  syncOn: boolean;
  /** An admin gives no one the owner role (Rust refuses it). */
  mayOwner: boolean;
  onClose: () => void;
  onDone: (member: Member, login: InvitedLogin | null) => void;
}

/** "Convidar" and "Editar": name (and e-mail on invite), role and the accounts the person may see. */
export function MemberDialog({ editing, syncOn, mayOwner, onClose, onDone }: Props) {
  const { t } = useI18n();
  const { accounts } = useApp();
  const write = useWrite();
  const [input, setInput] = useState<Invitation>({
    name: editing?.name ?? "",
    email: editing?.email ?? "",
    role: editing?.role ?? "agent",
    accounts: editing?.accounts ?? [],
  });
  const [ownerUrl, setOwnerUrl] = useState("");
  const { submit, error, busy } = useSubmit(async () => {
    if (editing) {
      onDone(await write("teamEdit", editing.id, { name: input.name, role: input.role, accounts: input.accounts }), null);
    } else if (syncOn && ownerUrl.trim() !== "") {
      const login = await write("teamInviteRemote", ownerUrl.trim(), input);
      onDone(login.member, login);
    } else {
      onDone(await write("teamInvite", input), null);
    }
  });
  const nameError = error && (error.code === "name_empty" || error.code === "name_too_long") ? error.message : null;
  const emailError = error && (error.code === "email_invalid" || error.code === "email_duplicate") ? error.message : null;
  const formError = error && !nameError && !emailError ? error.message : null;
  const toggle = (id: string, on: boolean) =>
    setInput((i) => ({ ...i, accounts: on ? [...i.accounts, id] : i.accounts.filter((a) => a !== id) }));

  return (
    <Modal title={editing ? t("team.editTitle", { name: editing.name }) : t("team.inviteTitle")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="member-name" label={t("settings.operatorName")} error={nameError}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={input.name}
            onChange={(e) => setInput((i) => ({ ...i, name: e.target.value }))} />}
        </Field>
        {!editing && (
          <Field id="member-email" label={t("settings.operatorEmail")} error={emailError}>
            {(id, desc) => <input id={id} type="email" aria-describedby={desc} value={input.email}
              onChange={(e) => setInput((i) => ({ ...i, email: e.target.value }))} />}
          </Field>
        )}
        <Field id="member-role" label={t("settings.role")} hint={t("team.roleHint")}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={input.role}
              onChange={(e) => setInput((i) => ({ ...i, role: e.target.value as Role }))}>
              {ROLES.map((r) => <option key={r} value={r} disabled={r === "owner" && !mayOwner}>{t(`settings.role.${r}`)}</option>)}
            </select>
          )}
        </Field>
        <fieldset className="editor-section">
          <legend>{t("team.accounts")}</legend>
          <p className="field-hint">{t("team.accountsHint")}</p>
          {accounts.map((a) => (
            <label key={a.id} className="check">
              <input type="checkbox" checked={input.accounts.includes(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} />
              {a.name}
            </label>
          ))}
        </fieldset>
        {!editing && syncOn && (
          <Field id="member-owner-url" label={t("team.ownerUrl")} hint={t("team.ownerUrlHint")}>
            {(id, desc) => <input id={id} type="password" autoComplete="off" aria-describedby={desc} value={ownerUrl}
              placeholder="postgresql://postgres:…@db.….supabase.co:5432/postgres"
              onChange={(e) => setOwnerUrl(e.target.value)} />}
          </Field>
        )}
        {formError && <p className="form-error" role="alert">{formError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{editing ? t("common.save") : t("team.invite")}</button>
        </div>
      </form>
    </Modal>
  );
}
