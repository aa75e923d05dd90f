// Every problem Rust found in the draft, per block; a click takes the canvas
// to the block. Errors block publishing (Rust refuses too), warnings do not.
import type { FlowFinding } from "../../../ipc/call";
import { useI18n } from "../../../i18n";

export function ProblemsPanel({ findings, onShow }: { findings: FlowFinding[] | null; onShow: (node: string) => void }) {
  const { t } = useI18n();
  if (findings === null) return <p className="muted small">{t("app.loading")}</p>;
  if (findings.length === 0) return <p className="field-ok" data-testid="no-problems">{t("flows.editor.noProblems")}</p>;
  const errors = findings.filter((f) => f.severity === "error").length;
  const ordered = [...findings].sort((a, b) => Number(a.severity !== "error") - Number(b.severity !== "error"));
  return (
    <div data-testid="findings">
      <p className={errors > 0 ? "form-error" : "muted small"}>
        {errors > 0 ? t("canvas.problemsBlock", { n: errors }) : t("canvas.problemsWarnOnly")}
      </p>
      <ul className="plain findings">
        {ordered.map((f, i) => (
          <li key={i} className={f.severity === "error" ? "finding error" : "finding warning"} data-testid="finding">
            <span className="pill">{t(f.severity === "error" ? "flows.editor.error" : "flows.editor.warning")}</span>{" "}
            {f.node !== null
              ? <button type="button" className="link" onClick={() => f.node && onShow(f.node)} aria-label={t("canvas.showBlock", { id: f.node })}>{f.node}</button>
              : <strong>{t("flows.editor.wholeFlow")}</strong>}
            {": "}{f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
