import { useI18n } from "../../i18n";
import type { LiveStatus, NumberRow, Report, ReportTable } from "../../ipc/call";
import { duration } from "./range";

/** The reports: per operator and per number, each with its CSV. */
export function Reports({ report, live, csv }: { report: Report; live: LiveStatus[]; csv: (table: ReportTable) => void }) {
  const { t, lang } = useI18n();
  const n = (x: number) => x.toLocaleString(lang);
  const statusOf = (id: string, stored: NumberRow["status"]) => live.find((l) => l.instance_id === id)?.status.state ?? stored;
  return (
    <div className="reports">
      <section className="chart-panel" data-report="operators" aria-label={t("report.byOperator")}>
        <header className="chart-head">
          <h3>{t("report.byOperator")}</h3>
          <button type="button" className="ghost" onClick={() => csv("operators")}>{t("report.csv")}</button>
        </header>
        {report.operators.length === 0 ? <p className="muted">{t("report.nothing")}</p> : (
          <div className="chart-table">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("report.col.operator")}</th>
                  <th scope="col">{t("report.col.conversations")}</th>
                  <th scope="col">{t("report.col.messagesSent")}</th>
                  <th scope="col">{t("report.col.resolved")}</th>
                  <th scope="col">{t("report.col.firstResponseMedian")}</th>
                  <th scope="col">{t("report.col.firstResponseP90")}</th>
                  <th scope="col">{t("report.col.resolutionMedian")}</th>
                  <th scope="col">{t("report.col.resolutionP90")}</th>
                </tr>
              </thead>
              <tbody>
                {report.operators.map((o) => (
                  <tr key={o.user_id ?? "nobody"}>
                    <td>{o.name ?? t("report.unassigned")}</td>
                    <td>{n(o.conversations)}</td>
                    <td>{n(o.messages_sent)}</td>
                    <td>{n(o.resolved)}</td>
                    <td>{duration(o.first_response.median_ms, lang)}</td>
                    <td>{duration(o.first_response.p90_ms, lang)}</td>
                    <td>{duration(o.resolution.median_ms, lang)}</td>
                    <td>{duration(o.resolution.p90_ms, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted hint">{t("report.operatorsHint")}</p>
      </section>
      <section className="chart-panel" data-report="numbers" aria-label={t("report.byNumber")}>
        <header className="chart-head">
          <h3>{t("report.byNumber")}</h3>
          <button type="button" className="ghost" onClick={() => csv("numbers")}>{t("report.csv")}</button>
        </header>
        {report.numbers.length === 0 ? <p className="muted">{t("report.noNumbers")}</p> : (
          <div className="chart-table">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("report.col.number")}</th>
                  <th scope="col">{t("report.col.status")}</th>
                  <th scope="col">{t("report.col.sentToday")}</th>
                  <th scope="col">{t("report.col.warmup")}</th>
                  <th scope="col">{t("report.col.in")}</th>
                  <th scope="col">{t("report.col.out")}</th>
                  <th scope="col">{t("report.col.failed")}</th>
                </tr>
              </thead>
              <tbody>
                {report.numbers.map((x) => (
                  <tr key={x.instance_id}>
                    <td>{x.name}</td>
                    <td>{t(`numbers.status.${statusOf(x.instance_id, x.status)}`)}</td>
                    <td>
                      <meter min={0} max={x.daily_cap} value={Math.min(x.sent_today, x.daily_cap)} aria-hidden="true" />{" "}
                      {t("report.ofCap", { sent: n(x.sent_today), cap: n(x.daily_cap) })}
                    </td>
                    <td>{x.warmup_day === null ? t("report.warmedUp") : t("report.warmupDay", { day: x.warmup_day, days: x.warmup_days })}</td>
                    <td>{n(x.messages_in)}</td>
                    <td>{n(x.messages_out)}</td>
                    <td>{n(x.failed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
