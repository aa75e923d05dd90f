import { useI18n } from "../../i18n";
import type { AccountId, LimitUsage } from "../../ipc/call";
import { useCommand } from "../../data/commands";

/** The five limits in the order they are shown. */
export const LIMITS = ["numbers", "contacts", "messages", "operators", "flows"] as const;
export type LimitName = (typeof LIMITS)[number];

/** How full a limit is, for the bar's colour: past the limit only the bot's replies went on. */
function level(u: LimitUsage): "ok" | "near" | "full" | "over" {
  if (u.max === null) return "ok";
  if (u.used > u.max) return "over";
  if (u.used >= u.max) return "full";
  return u.used >= u.max * 0.8 ? "near" : "ok";
}

/**
 * An account's usage of its plan: one bar per limit (numbers, contacts,
 * messages this month, operators, flows) with "used of max", or "no limit".
 * Reusable: the account's settings show it, and so can the Painel.
 * `compact` leaves out the heading and the plan's name.
 */
export function PlanUsage({ account, compact = false }: { account: AccountId; compact?: boolean }) {
  const { t } = useI18n();
  const usage = useCommand("plansUsage", [account]).data ?? null;
  if (!usage) return null;
  return (
    <div className="plan-usage" data-testid="plan-usage">
      {!compact && (
        <p className="muted" data-testid="plan-usage-plan">
          {t("plans.usageOf", { plan: t(`account.plan.${usage.plan}`) })}
        </p>
      )}
      <ul className="plan-usage-list">
        {LIMITS.map((name) => {
          const u = usage.items.find((i) => i.limit === name);
          if (!u) return null;
          const state = level(u);
          const label = t(`plans.limit.${name}`);
          const amount = u.max === null
            ? t("plans.usedNoLimit", { used: u.used })
            : t("plans.usedOf", { used: u.used, max: u.max });
          return (
            <li key={name} className={`plan-usage-item ${state}`} data-testid={`plan-usage-${name}`} data-state={state}>
              <div className="plan-usage-row">
                <span>{label}{u.overridden ? ` · ${t("plans.ownLimit")}` : ""}</span>
                <span className="plan-usage-amount">{amount}</span>
              </div>
              {u.max !== null && (
                <meter aria-label={`${label}: ${amount}`} min={0} max={Math.max(u.max, 1)} value={Math.min(u.used, Math.max(u.max, 1))}
                  low={u.max * 0.8} high={u.max * 0.999} optimum={0} />
              )}
              {state === "over" && <p className="field-hint warn">{t("plans.over")}</p>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
