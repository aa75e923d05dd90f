// Below the period's figures: each account's plan usage (issue 18, item 4)
// and the pipeline's cards and value per stage (item 7). Each receives the
// scope the dashboard shows: one account, or null for all accounts (then one
// line per account the operator may see).
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { AccountId } from "../../ipc/call";
import { useCommand } from "../../data/commands";
import { PlanUsage } from "../settings/PlanUsage";
import { formatBRL } from "../pipeline/money";

export interface ExtrasProps {
  /** The account shown, or null for the whole agency. */
  account: AccountId | null;
}

/** Plan usage bars: the account's, or every account's with its name. */
export function PlanUsageSlot({ account }: ExtrasProps) {
  const { t } = useI18n();
  const { accounts } = useApp();
  const shown = account ? accounts.filter((a) => a.id === account) : accounts;
  return (
    <section className="panel" data-testid="dashboard-plan-usage">
      <h2>{t("dashboard.planUsage")}</h2>
      {shown.map((a) => (
        <div key={a.id} className="dashboard-account-usage">
          {!account && <h3>{a.name}</h3>}
          <PlanUsage account={a.id} compact />
        </div>
      ))}
    </section>
  );
}

/** One account's stages: cards and value on each. */
function StageTotals({ account, name }: { account: AccountId; name: string | null }) {
  const { t, lang } = useI18n();
  const stages = useCommand("pipelineSummary", [account, null]).data ?? [];
  if (stages.length === 0) return null;
  return (
    <table className="table" data-testid="dashboard-pipeline">
      {name && <caption>{name}</caption>}
      <thead>
        <tr><th>{t("dashboard.stage")}</th><th>{t("dashboard.cards")}</th><th>{t("dashboard.value")}</th></tr>
      </thead>
      <tbody>
        {stages.map((s) => (
          <tr key={s.stage_id}>
            <td><span className="stage-dot" style={{ background: s.color }} aria-hidden="true" /> {s.name}</td>
            <td>{s.cards.toLocaleString(lang)}</td>
            <td>{formatBRL(s.value_cents, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Pipeline counts per stage, per account when the whole agency shows. */
export function PipelineSlot({ account }: ExtrasProps) {
  const { t } = useI18n();
  const { accounts } = useApp();
  const shown = account ? accounts.filter((a) => a.id === account) : accounts;
  return (
    <section className="panel">
      <h2>{t("dashboard.pipeline")}</h2>
      {shown.map((a) => <StageTotals key={a.id} account={a.id} name={account ? null : a.name} />)}
    </section>
  );
}

/** Everything added to the dashboard below its own charts. */
export function DashboardExtras(props: ExtrasProps) {
  return (
    <div className="dashboard-extras" data-testid="dashboard-extras">
      <PlanUsageSlot {...props} />
      <PipelineSlot {...props} />
    </div>
  );
}
