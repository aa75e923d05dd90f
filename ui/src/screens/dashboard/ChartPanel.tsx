import { useState, type ReactNode } from "react";
import { useI18n } from "../../i18n";

export interface Column {
  key: string;
  label: string;
}

/**
 * One dashboard chart with its numbers: "Gráfico" draws it, "Tabela" shows
 * the same rows as a table, and "CSV" saves them through Rust (the same
 * table in a file a spreadsheet opens).
 */
export function ChartPanel({ id, title, chart, columns, rows, onCsv, empty }: {
  id: string;
  title: string;
  chart: ReactNode;
  columns: Column[];
  rows: Record<string, string | number>[];
  onCsv: () => void;
  empty?: boolean;
}) {
  const { t } = useI18n();
  const [view, setView] = useState<"chart" | "table">("chart");
  return (
    <section className="chart-panel" data-chart={id} aria-label={title}>
      <header className="chart-head">
        <h3>{title}</h3>
        <div className="chart-actions" role="group" aria-label={title}>
          <button type="button" className={view === "chart" ? "tab active" : "tab"} aria-pressed={view === "chart"} onClick={() => setView("chart")}>{t("report.chart")}</button>
          <button type="button" className={view === "table" ? "tab active" : "tab"} aria-pressed={view === "table"} onClick={() => setView("table")}>{t("report.table")}</button>
          <button type="button" className="ghost" onClick={onCsv}>{t("report.csv")}</button>
        </div>
      </header>
      {empty ? (
        <p className="muted chart-empty">{t("report.nothing")}</p>
      ) : view === "chart" ? (
        <div className="chart-body">{chart}</div>
      ) : (
        <div className="chart-table">
          <table>
            <thead><tr>{columns.map((c) => <th key={c.key} scope="col">{c.label}</th>)}</tr></thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i}>{columns.map((c) => <td key={c.key}>{row[c.key]}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
