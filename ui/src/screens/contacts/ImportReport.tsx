import { useState } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import type { Column, ImportReport } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";

const COUNTS: [keyof ImportReport, MessageKey][] = [
  ["created", "import.report.created"],
  ["updated", "import.report.updated"],
  ["unchanged", "import.report.unchanged"],
  ["merged", "import.report.merged"],
  ["tags_created", "import.report.tags_created"],
  ["warned", "import.report.warned"],
  ["rejected", "import.report.rejected"],
];

interface Props {
  report: ImportReport;
  /** The imported file and mapping: Rust reads them again for the rejected rows. */
  path: string;
  columns: Column[];
  onDone: () => void;
}

/**
 * What the import did: the counts, the cells left empty (their rows were
 * imported without them) and the rejected lines, which can be saved as a CSV
 * to fix and import again.
 */
export function ImportReportView({ report, path, columns, onDone }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [saving, setSaving] = useState(false);
  const n = (x: number) => x.toLocaleString(lang);

  async function downloadRejected() {
    setSaving(true);
    try {
      // Rust opens the save dialog and writes the file; null: cancelled.
      const saved = await write("contactsImportRejected", account.id, path, columns);
      if (saved) toast(t("import.report.rejectedSaved", { path: saved }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="form">
      <p>{t("import.report.rows", { count: n(report.rows) })}</p>
      <dl className="report-counts" aria-label={t("import.report.title")}>
        {COUNTS.map(([key, label]) => (
          <div key={key} className={(key === "rejected" || key === "warned") && (report[key] as number) > 0 ? "bad" : undefined} data-testid={`report-${key}`}>
            <dt>{t(label)}</dt>
            <dd>{n(report[key] as number)}</dd>
          </div>
        ))}
      </dl>
      {report.warnings.length > 0 && (
        <>
          <h3>{t("import.report.warnings")}</h3>
          <p className="muted small">{t("import.report.warningsHint")}</p>
          <div className="table-scroll problems">
            <table className="table" aria-label={t("import.report.warnings")}>
              <thead>
                <tr>
                  <th>{t("import.report.line")}</th>
                  <th>{t("import.report.column")}</th>
                  <th>{t("import.report.value")}</th>
                  <th>{t("import.report.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {report.warnings.map((w, i) => (
                  <tr key={i} data-testid="warning"><td>{n(w.line)}</td><td>{w.column}</td><td>{w.value}</td><td>{w.reason}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {report.warned > report.warnings.length && (
        <p className="muted small" data-testid="warnings-more">
          {t("import.report.warningsMore", { shown: n(report.warnings.length), total: n(report.warned) })}
        </p>
      )}
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
        {report.rejected > 0 && (
          <button type="button" className="ghost" disabled={saving} onClick={() => void downloadRejected()}>
            {t("import.report.downloadRejected")}
          </button>
        )}
        <button type="button" className="primary" autoFocus onClick={onDone}>{t("import.done")}</button>
      </div>
    </div>
  );
}
