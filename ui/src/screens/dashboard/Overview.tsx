import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "../../i18n";
import type { Report, ReportTable } from "../../ipc/call";
import { ChartPanel } from "./ChartPanel";
import { delta, duration, minutes, shortDate } from "./range";

const IN = "#0f766e";
const OUT = "#2563eb";
const MUTED = "#94a3b8";
const WARN = "#dc2626";
const HEIGHT = 240;

/** A figure of the period beside the previous period's. */
function Kpi({ id, label, value, current, previous, lowerIsBetter }: {
  id: string; label: string; value: string; current: number; previous: number; lowerIsBetter?: boolean;
}) {
  const { t } = useI18n();
  const change = delta(current, previous);
  const good = change === null || change === 0 ? "" : (change < 0) === !!lowerIsBetter ? "up" : "down";
  return (
    <div className="card kpi" data-kpi={id}>
      <span className="card-label">{label}</span>
      <strong>{value}</strong>
      <span className={`delta ${good}`} data-testid={`delta-${id}`}>
        {change === null ? t("report.noPrevious") : t("report.delta", { change: `${change > 0 ? "+" : ""}${change}%` })}
      </span>
    </div>
  );
}

/** The dashboard's figures and charts for one report (an account's or the agency's). */
export function Overview({ report, agency, csv }: { report: Report; agency: boolean; csv: (table: ReportTable) => void }) {
  const { t, lang } = useI18n();
  const { totals: now, previous: before } = report;
  const n = (x: number) => x.toLocaleString(lang);
  const days = report.days.map((d) => ({ ...d, label: shortDate(d.date, lang) }));
  const dateColumn = { key: "date", label: t("report.col.date") };
  const inColumn = { key: "messages_in", label: t("report.col.in") };
  const outColumn = { key: "messages_out", label: t("report.col.out") };
  const contactsColumn = { key: "new_contacts", label: t("report.col.newContacts") };
  const conversations = [
    { name: t("report.openNow"), value: report.waiting.open },
    { name: t("report.pendingNow"), value: report.waiting.pending },
    { name: t("report.opened"), value: now.conversations_opened },
    { name: t("report.resolved"), value: now.conversations_resolved },
  ];
  const times = [
    { name: t("report.firstResponse"), median: minutes(now.first_response.median_ms), p90: minutes(now.first_response.p90_ms), medianMs: now.first_response.median_ms, p90Ms: now.first_response.p90_ms, prevMs: before.first_response.median_ms },
    { name: t("report.resolution"), median: minutes(now.resolution.median_ms), p90: minutes(now.resolution.p90_ms), medianMs: now.resolution.median_ms, p90Ms: now.resolution.p90_ms, prevMs: before.resolution.median_ms },
  ];
  const flows = [
    { name: t("report.flowsStarted"), now: now.flows_started, before: before.flows_started },
    { name: t("report.flowsCompleted"), now: now.flows_completed, before: before.flows_completed },
    { name: t("report.flowsHandedOff"), now: now.flows_handed_off, before: before.flows_handed_off },
  ];
  const operators = report.operators.map((o) => ({ name: o.name ?? t("report.unassigned"), conversations: o.conversations, messages: o.messages_sent, resolved: o.resolved }));
  const campaigns = report.campaigns.map((c) => ({ name: c.name, sent: c.sent, delivered: c.delivered, read: c.read, replied: c.replied, failed: c.failed }));
  const accounts = report.accounts.map((a) => ({ name: a.name, in: a.totals.messages_in, out: a.totals.messages_out }));

  // Accounts the agency's figures leave out (their stored business hours do
  // not read, say): named with Rust's reason in the interface's language.
  const failed = report.failed ?? [];

  return (
    <div className="report">
      {agency && failed.length > 0 && (
        <div className="notice" role="alert" data-testid="report-failed">
          <p>{t("report.failedAccounts")}</p>
          <ul>
            {failed.map((f) => (
              <li key={f.account_id} data-account={f.account_id}>
                <strong>{f.name}</strong>: {lang === "en" ? f.reason_en : f.reason_pt_br}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="cards kpis">
        <Kpi id="in" label={t("report.messagesIn")} value={n(now.messages_in)} current={now.messages_in} previous={before.messages_in} />
        <Kpi id="out" label={t("report.messagesOut")} value={n(now.messages_out)} current={now.messages_out} previous={before.messages_out} />
        <Kpi id="contacts" label={t("report.newContacts")} value={n(now.new_contacts)} current={now.new_contacts} previous={before.new_contacts} />
        <Kpi id="first-response" label={t("report.firstResponseMedian")} value={duration(now.first_response.median_ms, lang)} current={now.first_response.median_ms ?? 0} previous={before.first_response.median_ms ?? 0} lowerIsBetter />
        <Kpi id="resolution" label={t("report.resolutionMedian")} value={duration(now.resolution.median_ms, lang)} current={now.resolution.median_ms ?? 0} previous={before.resolution.median_ms ?? 0} lowerIsBetter />
        <Kpi id="resolved" label={t("report.resolved")} value={n(now.conversations_resolved)} current={now.conversations_resolved} previous={before.conversations_resolved} />
      </div>
      <p className="muted report-period">{t("report.comparedWith", { from: shortDate(report.previous_from, lang), to: shortDate(report.previous_to, lang) })}</p>

      <div className="charts">
        <ChartPanel id="messages" title={t("report.chart.messages")} onCsv={() => csv("days")}
          columns={[dateColumn, inColumn, outColumn]} rows={report.days}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <LineChart data={days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="messages_in" name={t("report.col.in")} stroke={IN} isAnimationActive={false} />
                <Line type="monotone" dataKey="messages_out" name={t("report.col.out")} stroke={OUT} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="contacts" title={t("report.chart.contacts")} onCsv={() => csv("days")}
          columns={[dateColumn, contactsColumn]} rows={report.days}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="new_contacts" name={t("report.col.newContacts")} fill={IN} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="conversations" title={t("report.chart.conversations")} onCsv={() => csv("summary")}
          columns={[{ key: "name", label: t("report.col.what") }, { key: "value", label: t("report.col.count") }]} rows={conversations}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={conversations}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="value" name={t("report.col.count")} fill={OUT} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="times" title={t("report.chart.times")} onCsv={() => csv("summary")}
          columns={[{ key: "name", label: t("report.col.what") }, { key: "median", label: t("report.col.median") }, { key: "p90", label: t("report.col.p90") }, { key: "previous", label: t("report.col.previousMedian") }]}
          rows={times.map((x) => ({ name: x.name, median: duration(x.medianMs, lang), p90: duration(x.p90Ms, lang), previous: duration(x.prevMs, lang) }))}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={times}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis unit=" min" />
                <Tooltip />
                <Legend />
                <Bar dataKey="median" name={t("report.col.median")} fill={IN} isAnimationActive={false} />
                <Bar dataKey="p90" name={t("report.col.p90")} fill={MUTED} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="operators" title={t("report.chart.operators")} onCsv={() => csv("operators")} empty={operators.length === 0}
          columns={[{ key: "name", label: t("report.col.operator") }, { key: "conversations", label: t("report.col.conversations") }, { key: "messages", label: t("report.col.messagesSent") }, { key: "resolved", label: t("report.col.resolved") }]}
          rows={operators}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={operators} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="name" width={120} />
                <Tooltip />
                <Bar dataKey="conversations" name={t("report.col.conversations")} fill={OUT} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="campaigns" title={t("report.chart.campaigns")} onCsv={() => csv("campaigns")} empty={campaigns.length === 0}
          columns={[{ key: "name", label: t("report.col.campaign") }, { key: "sent", label: t("report.col.sent") }, { key: "delivered", label: t("report.col.delivered") }, { key: "read", label: t("report.col.read") }, { key: "replied", label: t("report.col.replied") }, { key: "failed", label: t("report.col.failed") }]}
          rows={campaigns}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={campaigns}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="sent" name={t("report.col.sent")} fill={MUTED} isAnimationActive={false} />
                <Bar dataKey="read" name={t("report.col.read")} fill={OUT} isAnimationActive={false} />
                <Bar dataKey="replied" name={t("report.col.replied")} fill={IN} isAnimationActive={false} />
                <Bar dataKey="failed" name={t("report.col.failed")} fill={WARN} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        <ChartPanel id="flows" title={t("report.chart.flows")} onCsv={() => csv("summary")}
          columns={[{ key: "name", label: t("report.col.what") }, { key: "now", label: t("report.col.period") }, { key: "before", label: t("report.col.previousPeriod") }]}
          rows={flows}
          chart={
            <ResponsiveContainer width="100%" height={HEIGHT}>
              <BarChart data={flows}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="now" name={t("report.col.period")} fill={IN} isAnimationActive={false} />
                <Bar dataKey="before" name={t("report.col.previousPeriod")} fill={MUTED} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          } />
        {agency && (
          <ChartPanel id="accounts" title={t("report.chart.accounts")} onCsv={() => csv("accounts")} empty={accounts.length === 0}
            columns={[{ key: "name", label: t("report.col.account") }, { key: "in", label: t("report.col.in") }, { key: "out", label: t("report.col.out") }]}
            rows={accounts}
            chart={
              <ResponsiveContainer width="100%" height={HEIGHT}>
                <BarChart data={accounts}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="name" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="in" name={t("report.col.in")} fill={IN} isAnimationActive={false} />
                  <Bar dataKey="out" name={t("report.col.out")} fill={OUT} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            } />
        )}
      </div>
    </div>
  );
}
