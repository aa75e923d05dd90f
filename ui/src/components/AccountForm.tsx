import { useState } from "react";
import { type AccountInput, type AccountStatus, type Plan } from "../ipc/call";
import { useI18n } from "../i18n";
import { Field } from "./Field";
import { useSubmit } from "./useSubmit";

const PLANS: Plan[] = ["free", "starter", "pro", "enterprise"];
const STATUSES: AccountStatus[] = ["active", "trial", "suspended"];

interface Props {
  initial?: AccountInput;
  submitLabel: string;
  /** The longest name Rust accepts (`AppInfo.limits`). */
  nameMax: number;
  onSubmit: (input: AccountInput) => Promise<void>;
  onCancel?: () => void;
}

/** Create or edit an account. Refusals from Rust land under the field they concern. */
export function AccountForm({ initial, submitLabel, nameMax, onSubmit, onCancel }: Props) {
  const { t } = useI18n();
  const [input, setInput] = useState<AccountInput>(
    initial ?? { name: "", phone: "", plan: "starter", status: "active" },
  );
  const { submit, error, busy } = useSubmit(() => onSubmit(input));

  const nameError = error && ["name_empty", "name_too_long"].includes(error.code) ? error.message : null;
  const phoneError = error?.code === "phone_invalid" ? error.message : null;
  const otherError = error && !nameError && !phoneError ? error.message : null;

  return (
    <form onSubmit={submit} className="form" noValidate>
      <Field id="account-name" label={t("account.name")} error={nameError}>
        {(id, desc) => (
          <input id={id} aria-describedby={desc} autoFocus maxLength={nameMax} value={input.name}
            onChange={(e) => setInput({ ...input, name: e.target.value })} />
        )}
      </Field>
      <Field id="account-phone" label={t("account.phone")} hint={t("account.phoneHint")} error={phoneError}>
        {(id, desc) => (
          <input id={id} aria-describedby={desc} inputMode="tel" value={input.phone ?? ""}
            onChange={(e) => setInput({ ...input, phone: e.target.value })} />
        )}
      </Field>
      <div className="row2">
        <Field id="account-plan" label={t("account.plan")}>
          {(id) => (
            <select id={id} value={input.plan} onChange={(e) => setInput({ ...input, plan: e.target.value as Plan })}>
              {PLANS.map((p) => <option key={p} value={p}>{t(`account.plan.${p}`)}</option>)}
            </select>
          )}
        </Field>
        <Field id="account-status" label={t("account.status")}>
          {(id) => (
            <select id={id} value={input.status} onChange={(e) => setInput({ ...input, status: e.target.value as AccountStatus })}>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`account.status.${s}`)}</option>)}
            </select>
          )}
        </Field>
      </div>
      {otherError && <p className="form-error" role="alert">{otherError}</p>}
      <div className="actions">
        {onCancel && <button type="button" className="ghost" onClick={onCancel}>{t("common.cancel")}</button>}
        <button type="submit" className="primary" disabled={busy}>{submitLabel}</button>
      </div>
    </form>
  );
}
