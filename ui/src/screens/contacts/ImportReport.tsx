import { useI18n, type MessageKey } from "../../i18n";
import type { ImportReport } from "../../ipc/call";

const COUNTS: [keyof ImportReport, MessageKey][] = [
  ["created", "import.report.created"],
  ["updated", "import.report.updated"],
  ["unchanged", "import.report.unchanged"],
  ["merged", "import.report.merged"],
  ["tags_created", "import.report.tags_created"],
  ["rejected", "import.report.rejected"],
];

/** What the import did, and which lines were refused and why. */
export function ImportReportView({ report, onDone }: { report: ImportReport; onDone: () => void }) {
  const { t, lang } = useI18n();
  const n = (x: number) => x.toLocaleString(lang);
  return (
    <div className="form">
      <p>{t("import.report.rows", { count: n(report.rows) })}</p>
      <dl className="report-counts" aria-label={t("import.report.title")}>
        {COUNTS.map(([key, label]) => (
          <div key={key} className={key === "rejected" && report.rejected > 0 ? "bad" : undefined} data-testid={`report-${key}`}>
            <dt>{t(label)}</dt>
            <dd>{n(report[key] as number)}</dd>
          </div>
        ))}
      </dl>
      {report.problems.length > 0 && (
        <>
          <h3>{t("import.report.problems")}</h3>
          <div className="table-scroll problems">
            <table className="table" aria-label={t("import.report.problems")}>
              <thead><tr><th>{t("import.report.line")}</th><th>{t("import.report.reason")}</th></tr></thead>
              <tbody>
                {report.problems.map((p, i) => (
                  <tr key={i} data-testid="problem"><td>{n(p.line)}</td><td>{p.reason}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {report.rejected > report.problems.length && (
        <p className="muted small" data-testid="problems-more">
          {t("import.report.more", { shown: n(report.problems.length), total: n(report.rejected) })}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" autoFocus onClick={onDone}>{t("import.done")}</button>
      </div>
    </div>
  );
}
