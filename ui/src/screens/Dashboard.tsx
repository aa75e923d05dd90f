import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { useCommand, useWrite } from "../data/commands";
import { errorText } from "../ipc/errorText";
import type { DateRange, ReportTable } from "../ipc/call";
import { EmptyState } from "../components/EmptyState";
import { formatDate, formatPhone } from "../format";
import { FirstSteps, type StepTarget } from "./dashboard/FirstSteps";
import { DashboardExtras } from "./dashboard/DashboardExtras";
import { Overview } from "./dashboard/Overview";
import { Reports } from "./dashboard/Reports";
import { customRange, lastDays, PRESETS, type Preset } from "./dashboard/range";

type Scope = "account" | "agency";
type Tab = "overview" | "reports";

/**
 * The Painel: the first run's checklist until it is done, then what
 * happened in this account or in all of them over a period, compared with
 * the period before, and the reports per operator and per number.
 */
export function Dashboard({ go }: { go: (target: StepTarget) => void }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [scope, setScope] = useState<Scope>("account");
  const [tab, setTab] = useState<Tab>("overview");
  const [preset, setPreset] = useState<Preset>(30);
  const [custom, setCustom] = useState(() => lastDays(30));
  const range: DateRange | null = preset === "custom" ? customRange(custom.from, custom.to) : lastDays(preset);
  const fallback = range ?? lastDays(30);
  const one = useCommand("reportsAccount", [account.id, fallback], { enabled: scope === "account" && range !== null, keepPrevious: true });
  const all = useCommand("reportsAgency", [fallback], { enabled: scope === "agency" && range !== null, keepPrevious: true });
  // A card, not a place to report a failure: no count shows "–".
  const contacts = useCommand("contactsCount", [account.id, {}], { inline: true }).data ?? null;
  const view = (scope === "account" ? one : all).data;
  const loading = (scope === "account" ? one : all).isPending;

  const csv = (table: ReportTable) => {
    const saved = scope === "account"
      ? write("reportsAccountExport", account.id, fallback, table)
      : write("reportsAgencyExport", fallback, table);
    saved.then((path) => path && toast(t("report.exported", { path })), (e) => toast(errorText(e), "error"));
  };

  const quiet = view !== undefined && view.report.totals.messages_in + view.report.totals.messages_out + view.report.totals.new_contacts
    + view.report.waiting.open + view.report.waiting.pending === 0 && view.report.previous.messages_in + view.report.previous.messages_out === 0;

  return (
    <section className="screen dashboard">
      <header className="screen-head">
        <div>
          <h1>{scope === "account" ? account.name : t("report.allAccounts")}</h1>
          <p className="muted">
            {scope === "account"
              ? `${account.phone ? `${formatPhone(account.phone)} · ` : ""}${t("account.since", { date: formatDate(account.created_at, lang) })}`
              : t("report.allAccountsHint")}
          </p>
        </div>
      </header>
      <FirstSteps go={go} />
      {scope === "account" && (
        <div className="cards">
          <div className="card"><span className="card-label">{t("dashboard.contacts")}</span><strong data-testid="dash-contacts">{contacts ?? "–"}</strong></div>
          <div className="card"><span className="card-label">{t("dashboard.plan")}</span><strong>{t(`account.plan.${account.plan}`)}</strong></div>
          <div className="card"><span className="card-label">{t("dashboard.status")}</span><strong>{t(`account.status.${account.status}`)}</strong></div>
        </div>
      )}

      <div className="report-toolbar" role="toolbar" aria-label={t("report.options")}>
        <div className="segmented" role="group" aria-label={t("report.scope")}>
          <button type="button" aria-pressed={scope === "account"} className={scope === "account" ? "active" : ""} onClick={() => setScope("account")}>{t("report.thisAccount")}</button>
          <button type="button" aria-pressed={scope === "agency"} className={scope === "agency" ? "active" : ""} onClick={() => setScope("agency")}>{t("report.allAccounts")}</button>
        </div>
        <label className="inline">
          {t("report.period")}{" "}
          <select value={String(preset)} onChange={(e) => setPreset(e.target.value === "custom" ? "custom" : (Number(e.target.value) as Preset))}>
            {PRESETS.map((p) => <option key={String(p)} value={String(p)}>{p === "custom" ? t("report.custom") : t("report.lastDays", { days: p })}</option>)}
          </select>
        </label>
        {preset === "custom" && (
          <>
            <label className="inline">{t("report.from")} <input type="date" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} /></label>
            <label className="inline">{t("report.to")} <input type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} /></label>
            {range === null && <span className="field-error" role="alert">{t("report.rangeInvalid")}</span>}
          </>
        )}
        <div className="segmented" role="tablist" aria-label={t("report.views")}>
          <button type="button" role="tab" aria-selected={tab === "overview"} className={tab === "overview" ? "active" : ""} onClick={() => setTab("overview")}>{t("report.overview")}</button>
          <button type="button" role="tab" aria-selected={tab === "reports"} className={tab === "reports" ? "active" : ""} onClick={() => setTab("reports")}>{t("report.reports")}</button>
        </div>
      </div>

      {view === undefined ? (
        loading && range !== null ? <p className="muted">{t("app.loading")}</p> : null
      ) : quiet ? (
        <EmptyState title={t("report.emptyTitle")} body={t("report.emptyBody")} />
      ) : tab === "overview" ? (
        <Overview report={view.report} agency={scope === "agency"} csv={csv} />
      ) : (
        <Reports report={view.report} live={view.live} csv={csv} />
      )}
      <DashboardExtras account={scope === "account" ? account.id : null} />
    </section>
  );
}
