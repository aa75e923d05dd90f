import { useEffect, useRef, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { type Column, type CustomField, type ImportFile, type ImportProgress, type ImportReport } from "../../ipc/call";
import { Modal } from "../../components/Modal";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";
import { onImportProgress } from "../../live";
import { ImportMapping } from "./ImportMapping";
import { ImportReportView } from "./ImportReport";
import { initialColumns } from "./importMapping";

type Step =
  | { step: "pick"; error: string | null }
  | { step: "map"; file: ImportFile; columns: Column[]; error: string | null }
  | { step: "run"; file: ImportFile; progress: ImportProgress }
  | { step: "report"; file: ImportFile; columns: Column[]; report: ImportReport };

interface Props {
  fields: CustomField[];
  /** Closed after an import ran. */
  onDone: () => void;
  onClose: () => void;
}

/**
 * Contacts from a CSV in four steps: the system's file picker (opened by
 * Rust), the column mapping Rust suggested with samples to check it by eye,
 * a progress bar fed by `import` events, and the report with the cells left
 * empty and the rejected lines (downloadable as a CSV to fix).
 */
export function ImportWizard({ fields, onDone, onClose }: Props) {
  const { t, lang } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [state, setState] = useState<Step>({ step: "pick", error: null });
  const [extraFields, setExtraFields] = useState<CustomField[]>([]);
  const picking = useRef(false);
  const allFields = [...fields, ...extraFields.filter((f) => !fields.some((x) => x.id === f.id))];

  /** Opens the file picker; cancelling it goes back to `previous`, or closes the wizard. */
  async function pick(previous?: Step) {
    if (picking.current) return;
    picking.current = true;
    setState({ step: "pick", error: null });
    try {
      const file = await write("contactsImportPick", account.id);
      if (!file) {
        if (previous) setState(previous);
        else onClose();
      } else setState({ step: "map", file, columns: initialColumns(file.preview), error: null });
    } catch (e) {
      setState({ step: "pick", error: errorText(e) });
    } finally {
      picking.current = false;
    }
  }

  useEffect(() => {
    void pick();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  async function run(file: ImportFile, columns: Column[]) {
    setState({ step: "run", file, progress: { done: 0, total: file.preview.rows } });
    const stop = await onImportProgress((progress) => setState((s) => (s.step === "run" ? { ...s, progress } : s)));
    try {
      const report = await write("contactsImportRun", account.id, file.path, columns);
      setState({ step: "report", file, columns, report });
    } catch (e) {
      setState({ step: "map", file, columns, error: errorText(e) });
    } finally {
      stop();
    }
  }

  // An import cannot be stopped halfway: the dialog stays until it ends.
  const close = state.step === "run" ? () => {} : state.step === "report" ? onDone : onClose;

  return (
    <Modal title={t("import.title")} onClose={close} className="wide">
      {state.step === "pick" && (
        <div className="form">
          {state.error ? <p className="form-error" role="alert">{state.error}</p> : <p className="muted">{t("import.picking")}</p>}
          <div className="actions">
            <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
            {state.error && <button type="button" className="primary" onClick={() => void pick()}>{t("import.pickAgain")}</button>}
          </div>
        </div>
      )}
      {state.step === "map" && (
        <ImportMapping
          file={state.file}
          columns={state.columns}
          fields={allFields}
          error={state.error}
          onChange={(columns) => setState({ ...state, columns, error: null })}
          onFieldCreated={(f) => setExtraFields((list) => [...list, f])}
          onPickAgain={() => void pick(state)}
          onCancel={onClose}
          onRun={() => void run(state.file, state.columns)}
        />
      )}
      {state.step === "run" && (
        <div className="form">
          <p>{t("import.running", { name: state.file.name })}</p>
          <progress className="import-progress" aria-label={t("import.progress")} max={Math.max(state.progress.total, 1)} value={state.progress.done} />
          <p className="muted" data-testid="import-progress-text">
            {t("import.progressText", { done: state.progress.done.toLocaleString(lang), total: state.progress.total.toLocaleString(lang) })}
          </p>
        </div>
      )}
      {state.step === "report" && (
        <ImportReportView report={state.report} path={state.file.path} columns={state.columns} onDone={onDone} />
      )}
    </Modal>
  );
}
