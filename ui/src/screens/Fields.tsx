import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { CustomField, FieldInput, FieldKind } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Field } from "../components/Field";
import { Modal } from "../components/Modal";
import { useSubmit } from "../components/useSubmit";
import { alreadyGone, useUndoableDelete } from "../components/useUndoableDelete";

export const FIELD_KINDS: FieldKind[] = ["text", "number", "date", "yes_no", "choice"];

/** Settings → the account's custom fields: list, create, edit label and options, delete. */
export function FieldsPanel() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const list = useCommand("fieldsList", [account.id]).data ?? [];
  const [editing, setEditing] = useState<CustomField | "new" | null>(null);
  const [deleting, setDeleting] = useState<CustomField | null>(null);
  const held = useUndoableDelete((e) => toast(errorText(e), "error"));

  const shown = list.filter((f) => !held.hidden.has(f.id));
  return (
    <div className="panel" role="region" aria-label={t("fields.title")}>
      <div className="panel-head">
        <h2>{t("fields.title")}</h2>
        <button type="button" className="ghost small" onClick={() => setEditing("new")}>+ {t("fields.new")}</button>
      </div>
      <p className="muted">{t("fields.hint")}</p>
      {shown.length === 0 && <p className="muted small">{t("fields.empty")}</p>}
      <ul className="account-list">
        {shown.map((f) => (
          <li key={f.id} data-testid="custom-field">
            <div>
              <strong>{f.label}</strong>
              <span className="muted">
                {t(`fields.kind.${f.kind}`)} · <code className="var">{`{{${f.key}}}`}</code>
                {f.kind === "choice" && ` · ${f.choices.join(", ")}`}
              </span>
            </div>
            <div className="row-actions">
              <button type="button" className="ghost small" onClick={() => setEditing(f)}>{t("common.edit")}</button>
              <button type="button" className="ghost small danger" onClick={() => setDeleting(f)}>{t("common.delete")}</button>
            </div>
          </li>
        ))}
      </ul>
      {editing && (
        <FieldDialog
          field={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(f) => {
            toast(t(editing === "new" ? "fields.created" : "fields.saved", { label: f.label }));
            setEditing(null);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("fields.deleteTitle")}
          confirmLabel={t("common.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const f = deleting;
            setDeleting(null);
            // Hidden at once, sent to Rust when the Desfazer window ends.
            held.remove(f.id, t("fields.deletedUndo", { label: f.label }), async () => {
              await write("fieldsDelete", account.id, f.id).catch(alreadyGone("field_unknown"));
            });
          }}
        >
          <p>{t("fields.deleteConfirm", { label: deleting.label })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface DialogProps {
  field: CustomField | null;
  /** Label to start a new field with (the import wizard passes the column's header). */
  initialLabel?: string;
  onClose: () => void;
  onSaved: (field: CustomField) => void | Promise<void>;
}

/** Create a field (label, type, options) or edit one; the type is fixed once created. */
export function FieldDialog({ field, initialLabel, onClose, onSaved }: DialogProps) {
  const { t } = useI18n();
  const { account, info } = useApp();
  const write = useWrite();
  const [input, setInput] = useState<FieldInput>({ label: field?.label ?? initialLabel ?? "", kind: field?.kind ?? "text", choices: field?.choices ?? [] });
  const [choicesText, setChoicesText] = useState((field?.choices ?? []).join("\n"));
  const { submit, error, busy } = useSubmit(async () => {
    const choices = input.kind === "choice" ? choicesText.split("\n").map((c) => c.trim()).filter(Boolean) : [];
    const saved = field
      ? await write("fieldsUpdate", account.id, field.id, { ...input, choices })
      : await write("fieldsCreate", account.id, { ...input, choices });
    await onSaved(saved);
  });

  // "field_invalid" is about the options for a choice field, about the label otherwise.
  const choicesError = error?.code === "field_invalid" && input.kind === "choice" ? error.message : null;
  const labelError = error && !choicesError && ["name_empty", "name_too_long", "field_duplicate", "field_invalid"].includes(error.code) ? error.message : null;
  const otherError = error && !labelError && !choicesError ? error.message : null;

  return (
    <Modal title={t(field ? "fields.edit" : "fields.new")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="field-label" label={t("fields.label")} hint={t("fields.labelHint")} error={labelError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} autoFocus maxLength={info.limits.field_label} value={input.label}
              onChange={(e) => setInput({ ...input, label: e.target.value })} />
          )}
        </Field>
        <Field id="field-kind" label={t("fields.kind")} hint={field ? t("fields.kindFixed") : undefined}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={input.kind} disabled={!!field}
              onChange={(e) => setInput({ ...input, kind: e.target.value as FieldKind })}>
              {FIELD_KINDS.map((k) => <option key={k} value={k}>{t(`fields.kind.${k}`)}</option>)}
            </select>
          )}
        </Field>
        {input.kind === "choice" && (
          <Field id="field-choices" label={t("fields.choices")} hint={field ? t("fields.choicesEditHint") : t("fields.choicesHint")} error={choicesError}>
            {(id, desc) => (
              <textarea id={id} aria-describedby={desc} rows={5} value={choicesText} onChange={(e) => setChoicesText(e.target.value)} />
            )}
          </Field>
        )}
        {otherError && <p className="form-error" role="alert">{otherError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t(field ? "common.save" : "common.create")}</button>
        </div>
      </form>
    </Modal>
  );
}
