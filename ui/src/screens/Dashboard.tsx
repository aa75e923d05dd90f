import { useApp } from "../context";
import { useI18n } from "../i18n";
import { useCommand } from "../data/commands";
import { formatDate, formatPhone } from "../format";
import { FirstSteps, type StepTarget } from "./dashboard/FirstSteps";

/** The current account at a glance, with the first run's checklist until it is done. */
export function Dashboard({ go }: { go: (target: StepTarget) => void }) {
  const { t, lang } = useI18n();
  const { account } = useApp();
  // A card, not a place to report a failure: no count shows "–".
  const contacts = useCommand("contactsCount", [account.id, {}], { inline: true }).data ?? null;

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>{account.name}</h1>
          <p className="muted">
            {account.phone ? `${formatPhone(account.phone)} · ` : ""}
            {t("account.since", { date: formatDate(account.created_at, lang) })}
          </p>
        </div>
      </header>
      <FirstSteps go={go} />
      <div className="cards">
        <div className="card"><span className="card-label">{t("dashboard.contacts")}</span><strong data-testid="dash-contacts">{contacts ?? "–"}</strong></div>
        <div className="card"><span className="card-label">{t("dashboard.plan")}</span><strong>{t(`account.plan.${account.plan}`)}</strong></div>
        <div className="card"><span className="card-label">{t("dashboard.status")}</span><strong>{t(`account.status.${account.status}`)}</strong></div>
      </div>
    </section>
  );
}
