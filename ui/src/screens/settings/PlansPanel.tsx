import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Plan, PlanLimits } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { useSubmit } from "../../components/useSubmit";
import { LIMITS } from "./PlanUsage";

const PLANS: Plan[] = ["free", "starter", "pro", "enterprise"];

/** A limit as typed: empty is no limit. */
type Draft = Record<(typeof LIMITS)[number], string>;

function toDraft(l: PlanLimits): Draft {
  const one = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
  return { numbers: one(l.numbers), contacts: one(l.contacts), messages: one(l.messages), operators: one(l.operators), flows: one(l.flows) };
}

function fromDraft(d: Draft): PlanLimits | null {
  const out: Record<string, number | null> = {};
  for (const k of LIMITS) {
    const raw = d[k].trim();
    if (raw === "") out[k] = null;
    else if (/^\d+$/.test(raw)) out[k] = Number(raw);
    else return null;
  }
  return out as PlanLimits;
}

/**
 * Settings → Planos: each plan's limits, the agency's (owners and admins;
 * Rust refuses an agent too). Empty is no limit. Saved one plan at a time.
 */
export function PlansPanel() {
  const { t } = useI18n();
  const all = useCommand("plansDefaults", []).data ?? [];
  return (
    <div className="panel" id="plans">
      <h2>{t("plans.title")}</h2>
      <p className="muted">{t("plans.hint")}</p>
      <table className="plans-table">
        <thead>
          <tr>
            <th>{t("account.plan")}</th>
            {LIMITS.map((l) => <th key={l}>{t(`plans.limit.${l}`)}</th>)}
            <th />
          </tr>
        </thead>
        <tbody>
          {PLANS.map((plan) => {
            const found = all.find((d) => d.plan === plan);
            return found ? <PlanRow key={plan} plan={plan} limits={found.limits} /> : null;
          })}
        </tbody>
      </table>
    </div>
  );
}

function PlanRow({ plan, limits }: { plan: Plan; limits: PlanLimits }) {
  const { t } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const [draft, setDraft] = useState<Draft>(() => toDraft(limits));
  const stored = JSON.stringify(limits);
  useEffect(() => setDraft(toDraft(limits)), [stored]); // eslint-disable-line react-hooks/exhaustive-deps
  const parsed = fromDraft(draft);
  const dirty = parsed !== null && JSON.stringify(toDraft(parsed)) !== JSON.stringify(toDraft(limits));
  const { submit, error, busy } = useSubmit(async () => {
    if (!parsed) return;
    await write("plansSetDefaults", plan, parsed);
    toast(t("plans.saved", { plan: t(`account.plan.${plan}`) }));
  });
  const name = t(`account.plan.${plan}`);
  return (
    <>
      <tr data-testid={`plan-row-${plan}`}>
        <th scope="row">{name}</th>
        {LIMITS.map((l) => (
          <td key={l}>
            <input type="text" inputMode="numeric" className="plan-limit-input" placeholder={t("plans.noLimit")}
              aria-label={t("plans.limitOf", { limit: t(`plans.limit.${l}`), plan: name })}
              value={draft[l]} disabled={busy}
              onChange={(e) => setDraft({ ...draft, [l]: e.target.value })} />
          </td>
        ))}
        <td>
          <button type="button" className="small" disabled={!dirty || busy} onClick={() => void submit()}>
            {t("common.save")}
          </button>
        </td>
      </tr>
      {(error || parsed === null) && (
        <tr>
          <td colSpan={LIMITS.length + 2}>
            <p className="form-error" role="alert">{error ? error.message : t("plans.notANumber")}</p>
          </td>
        </tr>
      )}
    </>
  );
}
