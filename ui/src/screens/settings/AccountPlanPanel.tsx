import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Override, PlanOverrides } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { useSubmit } from "../../components/useSubmit";
import { useOperator } from "../../data/operator";
import { LIMITS, PlanUsage, type LimitName } from "./PlanUsage";

/** One limit as the form holds it: the plan's, no limit, or a number typed. */
type Choice = { kind: "plan" } | { kind: "unlimited" } | { kind: "max"; value: string };
type Draft = Record<LimitName, Choice>;

function toDraft(o: PlanOverrides): Draft {
  const one = (v: Override | null | undefined): Choice =>
    !v ? { kind: "plan" } : v.kind === "unlimited" ? { kind: "unlimited" } : { kind: "max", value: String(v.value) };
  return { numbers: one(o.numbers), contacts: one(o.contacts), messages: one(o.messages), operators: one(o.operators), flows: one(o.flows) };
}

function fromDraft(d: Draft): PlanOverrides | null {
  const out: Record<string, Override | null> = {};
  for (const k of LIMITS) {
    const c = d[k];
    if (c.kind === "plan") out[k] = null;
    else if (c.kind === "unlimited") out[k] = { kind: "unlimited" };
    else if (/^\d+$/.test(c.value.trim())) out[k] = { kind: "max", value: Number(c.value.trim()) };
    else return null;
  }
  return out as unknown as PlanOverrides;
}

/**
 * Settings → Plano desta conta: the account's usage bars and, for owners and
 * admins, its own limits over its plan's (each: the plan's, no limit, or a
 * number). Agents see the usage only; Rust refuses their save too.
 */
export function AccountPlanPanel() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const { manager } = useOperator();
  const write = useWrite();
  const stored = useCommand("plansOverrides", [account.id]).data ?? null;
  const defaults = useCommand("plansDefaults", []).data ?? [];
  const [draft, setDraft] = useState<Draft | null>(null);
  const key = JSON.stringify(stored);
  useEffect(() => {
    if (stored) setDraft(toDraft(stored));
  }, [key, account.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const parsed = draft ? fromDraft(draft) : null;
  const dirty = !!stored && parsed !== null && JSON.stringify(toDraft(parsed)) !== JSON.stringify(toDraft(stored));
  const { submit, error, busy } = useSubmit(async () => {
    if (!parsed) return;
    await write("plansSetOverrides", account.id, parsed);
    toast(t("plans.overridesSaved"));
  });
  const planLimits = defaults.find((d) => d.plan === account.plan)?.limits ?? null;
  const planValue = (l: LimitName) => {
    const v = planLimits?.[l];
    return v === null || v === undefined ? t("plans.noLimit") : String(v);
  };

  return (
    <form className="panel form" id="account-plan" onSubmit={submit} noValidate aria-label={t("plans.accountTitle")}>
      <h2>{t("plans.accountTitle")}</h2>
      <PlanUsage account={account.id} />
      {manager && draft && (
        <fieldset className="plan-overrides" disabled={busy}>
          <legend>{t("plans.overridesTitle")}</legend>
          <p className="field-hint">{t("plans.overridesHint")}</p>
          {LIMITS.map((l) => {
            const c = draft[l];
            const label = t(`plans.limit.${l}`);
            return (
              <div key={l} className="plan-override" data-testid={`plan-override-${l}`}>
                <label htmlFor={`override-${l}`}>{label}</label>
                <select id={`override-${l}`} value={c.kind}
                  onChange={(e) => {
                    const kind = e.target.value as Choice["kind"];
                    const next: Choice = kind === "max" ? { kind, value: c.kind === "max" ? c.value : "" } : { kind };
                    setDraft({ ...draft, [l]: next });
                  }}>
                  <option value="plan">{t("plans.fromPlan", { value: planValue(l) })}</option>
                  <option value="unlimited">{t("plans.noLimit")}</option>
                  <option value="max">{t("plans.ownValue")}</option>
                </select>
                {c.kind === "max" && (
                  <input type="text" inputMode="numeric" aria-label={t("plans.ownValueOf", { limit: label })} value={c.value}
                    onChange={(e) => setDraft({ ...draft, [l]: { kind: "max", value: e.target.value } })} />
                )}
              </div>
            );
          })}
          {parsed === null && <p className="form-error" role="alert">{t("plans.notANumber")}</p>}
          {error && <p className="form-error" role="alert" data-testid="plan-overrides-error">{error.message}</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={!dirty || busy}>{t("common.save")}</button>
          </div>
        </fieldset>
      )}
    </form>
  );
}
