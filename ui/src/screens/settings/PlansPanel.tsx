import { useEffect, useRef, useState } from "react";
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
 * Settings → Planos: each plan's limits, the agency's. Owners change them
 * (Rust and the agency's server refuse anyone else: they are every
 * account's); admins see them. Empty is no limit. Saved one plan at a time.
 */
export function PlansPanel() {
  const { t } = useI18n();
  const me = useCommand("usersMe", []);
  // Nobody chosen (null): a desktop without a team, its owner's. Read-only
  // until the operator is known.
  const owner = me.data !== undefined && (me.data === null || me.data.role === "owner");
  const known = me.data !== undefined;
  const all = useCommand("plansDefaults", []).data ?? [];
  return (
    <div className="panel" id="plans">
      <h2>{t("plans.title")}</h2>
      <p className="muted">{t("plans.hint")}</p>
      {known && !owner && <p className="muted" data-testid="plans-owners-only">{t("plans.ownersOnly")}</p>}
      <table className="plans-table">
        <thead>
          <tr>
            <th>{t("account.plan")}</th>
            {LIMITS.map((l) => <th key={l}>{t(`plans.limit.${l}`)}</th>)}
            {owner && <th />}
          </tr>
        </thead>
        <tbody>
          {PLANS.map((plan) => {
            const found = all.find((d) => d.plan === plan);
            return found ? <PlanRow key={plan} plan={plan} limits={found.limits} editable={owner} /> : null;
          })}
        </tbody>
      </table>
    </div>
  );
}

function PlanRow({ plan, limits, editable }: { plan: Plan; limits: PlanLimits; editable: boolean }) {
  const { t } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const [draft, setDraft] = useState<Draft>(() => toDraft(limits));
  const stored = JSON.stringify(limits);
  // New limits (saved here, or pulled from the agency's server by sync and
  // refetched: data/tables.ts, `plan_limits`) show at once in a row left as
  // it was; a row being typed in keeps what the operator typed (saving it
  // writes over with a later clock).
  const shown = useRef(stored);
  useEffect(() => {
    const before = toDraft(JSON.parse(shown.current) as PlanLimits);
    shown.current = stored;
    setDraft((d) => (JSON.stringify(d) === JSON.stringify(before) ? toDraft(limits) : d));
  }, [stored]); // eslint-disable-line react-hooks/exhaustive-deps
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
              value={draft[l]} disabled={busy || !editable}
              onChange={(e) => setDraft({ ...draft, [l]: e.target.value })} />
          </td>
        ))}
        {editable && (
          <td>
            <button type="button" className="small" disabled={!dirty || busy} onClick={() => void submit()}>
              {t("common.save")}
            </button>
          </td>
        )}
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
