import { useState } from "react";
import { useI18n } from "../../i18n";
import type { Column, CustomField, ImportFile } from "../../ipc/call";
import { FieldDialog } from "../Fields";
import { ENCODING_KEYS, columnOf, columnValue, delimiterKey, mappingProblem, samplesOf } from "./importMapping";

interface Props {
  file: ImportFile;
  columns: Column[];
  fields: CustomField[];
  /** Why Rust refused the last run. */
  error: string | null;
  onChange: (columns: Column[]) => void;
  onFieldCreated: (field: CustomField) => void;
  onPickAgain: () => void;
  onCancel: () => void;
  onRun: () => void;
}

const NEW_FIELD = "__new_field";

/** What the file looks like and what each column becomes; checked before Rust is asked. */
export function ImportMapping({ file, columns, fields, error, onChange, onFieldCreated, onPickAgain, onCancel, onRun }: Props) {
  const { t, lang } = useI18n();
  const [creatingFor, setCreatingFor] = useState<number | null>(null);
  const { preview } = file;
  const problem = mappingProblem(columns);
  const header = (i: number) => preview.headers[i]?.trim() || t("import.columnN", { n: i + 1 });
  const delimiter = delimiterKey(preview.delimiter);
  const set = (i: number, c: Column) => onChange(columns.map((x, j) => (j === i ? c : x)));

  return (
    <div className="form">
      <dl className="file-facts">
        <div><dt>{t("import.file")}</dt><dd data-testid="import-file">{file.name}</dd></div>
        <div><dt>{t("import.encoding")}</dt><dd>{t(ENCODING_KEYS[preview.encoding])}</dd></div>
        <div><dt>{t("import.delimiter")}</dt><dd>{delimiter ? t(delimiter) : preview.delimiter}</dd></div>
        <div><dt>{t("import.rows")}</dt><dd>{preview.rows.toLocaleString(lang)}</dd></div>
      </dl>
      <div className="table-scroll mapping">
        <table className="table" aria-label={t("import.mapping")}>
          <thead>
            <tr><th>{t("import.column")}</th><th>{t("import.samples")}</th><th>{t("import.as")}</th></tr>
          </thead>
          <tbody>
            {columns.map((c, i) => (
              <tr key={i} data-testid="mapping-row">
                <th scope="row">{header(i)}</th>
                <td className="samples">{samplesOf(preview, i).join(" · ") || <em className="muted">{t("import.noSamples")}</em>}</td>
                <td>
                  <select aria-label={t("import.columnAs", { column: header(i) })} value={columnValue(c)}
                    onChange={(e) => (e.target.value === NEW_FIELD ? setCreatingFor(i) : set(i, columnOf(e.target.value)))}>
                    <option value="ignore">{t("import.role.ignore")}</option>
                    <option value="phone">{t("import.role.phone")}</option>
                    <option value="name">{t("import.role.name")}</option>
                    <option value="tags">{t("import.role.tags")}</option>
                    {fields.map((f) => <option key={f.id} value={`field:${f.id}`}>{t("import.role.field", { label: f.label })}</option>)}
                    <option value={NEW_FIELD}>+ {t("import.newField")}</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t("import.tagsHint")}</p>
      {problem && <p className="form-error" role="alert">{t(problem)}</p>}
      {!problem && error && <p className="form-error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" className="ghost" onClick={onCancel}>{t("common.cancel")}</button>
        <button type="button" className="ghost" onClick={onPickAgain}>{t("import.pickAgain")}</button>
        <button type="button" className="primary" disabled={problem !== null} onClick={onRun}>
          {t(preview.rows === 1 ? "import.runOne" : "import.run", { count: preview.rows.toLocaleString(lang) })}
        </button>
      </div>
      {creatingFor !== null && (
        <FieldDialog
          field={null}
          initialLabel={preview.headers[creatingFor]?.trim() ?? ""}
          onClose={() => setCreatingFor(null)}
          onSaved={(f) => {
            onFieldCreated(f);
            set(creatingFor, { role: "field", field: f.id });
            setCreatingFor(null);
          }}
        />
      )}
    </div>
  );
}
