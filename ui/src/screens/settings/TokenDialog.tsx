import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { ApiStatus, ApiTokenInput, CreatedToken } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useUnsaved } from "../../components/unsaved";
import { useSubmit } from "../../components/useSubmit";
import { apiBase } from "./apiText";
import { SecretBox } from "./SecretBox";

// Named through the input so the scope type's own name does not matter.
type Scope = ApiTokenInput["scopes"][number];
const SCOPES: readonly Scope[] = ["read", "send", "manage"];
// The select's value for "Toda a agência" (an account id is never empty).
const AGENCY = "";

/**
 * "Novo token": a name, the account it opens (the current one by default, or
 * the whole agency for the owner) and its scopes, each explained in a line.
 * Escape or a click beside it asks before dropping what was typed.
 */
export function TokenDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: CreatedToken) => void }) {
  const { t } = useI18n();
  const { account, accounts } = useApp();
  const write = useWrite();
  const me = useCommand("usersMe", []).data ?? null;
  // Rust lets only an owner make one; who uses this desktop is chosen in Equipe.
  const mayAgency = me?.role === "owner";
  const opened: ApiTokenInput = { name: "", account_id: account.id, scopes: ["read"] };
  const [input, setInput] = useState<ApiTokenInput>(opened);
  const [dismissing, setDismissing] = useState(false);
  const dirty = input.name.trim() !== "" || input.account_id !== opened.account_id || input.scopes.join() !== opened.scopes.join();
  useUnsaved(dirty, t("api.tokenUnsaved"));
  const dismiss = () => (dirty ? setDismissing(true) : onClose());

  // What the last try sent: its refusal is placed by it, not by what is typed since.
  const [sent, setSent] = useState<ApiTokenInput>(opened);
  const { submit, error, busy } = useSubmit(async () => {
    const trimmed = { ...input, name: input.name.trim() };
    setSent(trimmed);
    onCreated(await write("apiTokensCreate", trimmed));
  });
  // Rust gives one code for the name and the scopes: the refusal goes under
  // the one that is plainly wrong, and under the form when both are.
  const tokenInvalid = error?.code === "api_token_invalid";
  const noScopes = sent.scopes.length === 0;
  const noName = sent.name === "";
  const nameError = tokenInvalid && !noScopes ? error.message : null;
  const scopesError = tokenInvalid && noScopes && !noName ? error.message : null;
  const formError = error && (!tokenInvalid || (noScopes && noName)) ? error.message : null;

  const toggle = (scope: Scope, on: boolean) =>
    setInput((i) => ({ ...i, scopes: SCOPES.filter((s) => (s === scope ? on : i.scopes.includes(s))) }));

  return (
    <>
      <Modal title={t("api.newToken")} onClose={dismiss}>
        <form className="form" onSubmit={submit} noValidate>
          <Field id="token-name" label={t("api.tokenName")} hint={t("api.tokenNameHint")} error={nameError}>
            {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={input.name}
              onChange={(e) => setInput((i) => ({ ...i, name: e.target.value }))} />}
          </Field>
          <Field id="token-account" label={t("api.tokenAccount")} hint={t(mayAgency ? "api.tokenAccountHint" : "api.agencyOwnerOnly")}>
            {(id, desc) => (
              <select id={id} aria-describedby={desc} value={input.account_id ?? AGENCY}
                onChange={(e) => setInput((i) => ({ ...i, account_id: e.target.value === AGENCY ? null : e.target.value }))}>
                {accounts.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
                <option value={AGENCY} disabled={!mayAgency}>{t("api.agencyWide")}</option>
              </select>
            )}
          </Field>
          <fieldset className={scopesError ? "editor-section invalid" : "editor-section"}>
            <legend>{t("api.tokenScopes")}</legend>
            {SCOPES.map((s) => (
              <label key={s} className="check scope-option">
                <input type="checkbox" checked={input.scopes.includes(s)} onChange={(e) => toggle(s, e.target.checked)} />
                <span><span className="strong">{t(`api.scope.${s}`)}</span> — {t(`api.scopeHint.${s}`)}</span>
              </label>
            ))}
            {scopesError && <p className="field-error" role="alert">{scopesError}</p>}
          </fieldset>
          {formError && <p className="form-error" role="alert">{formError}</p>}
          <div className="actions">
            <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
            <button type="submit" className="primary" disabled={busy}>{t("api.createToken")}</button>
          </div>
        </form>
      </Modal>
      {dismissing && (
        <ConfirmDialog title={t("unsaved.title")} confirmLabel={t("unsaved.leave")} danger
          onClose={() => setDismissing(false)} onConfirm={async () => onClose()}>
          <p>{t("api.tokenUnsaved")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/**
 * The token just made, whole, this once: copy it (and a ready `curl`), as
 * it is never shown again. Escape or a click beside it asks first until it
 * was copied; "Concluído" closes.
 */
export function CreatedTokenDialog({ created, status, onClose }: { created: CreatedToken; status: ApiStatus | null; onClose: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const [dismissing, setDismissing] = useState(false);
  const curl = `curl -H "Authorization: Bearer ${created.secret}" ${apiBase(status)}/api/accounts`;
  return (
    <>
      <Modal title={t("api.createdTitle", { name: created.token.name })} onClose={() => (copied ? onClose() : setDismissing(true))} className="wide">
        <div className="form">
          <p className="notice" role="alert">{t("api.shownOnce")}</p>
          <SecretBox text={created.secret} label={t("api.tokenLabel")} testId="token-secret" onCopied={() => setCopied(true)} />
          <h3>{t("api.curlTitle")}</h3>
          <p className="field-hint">{t("api.curlHint")}</p>
          <SecretBox text={curl} label={t("api.curlLabel")} block testId="token-curl" onCopied={() => setCopied(true)} />
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>{t("api.done")}</button>
          </div>
        </div>
      </Modal>
      {dismissing && (
        <ConfirmDialog title={t("api.closeUncopiedTitle")} confirmLabel={t("api.closeUncopied")} danger
          onClose={() => setDismissing(false)} onConfirm={async () => onClose()}>
          <p>{t("api.closeUncopiedBody")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
