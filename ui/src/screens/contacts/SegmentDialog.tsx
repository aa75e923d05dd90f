import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { ContactFilter, Segment } from "../../ipc/call";
import { useWrite } from "../../data/commands";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";

interface Props {
  filter: ContactFilter;
  onClose: () => void;
  onSaved: (segment: Segment) => void | Promise<void>;
}

/** Names the current filter and saves it as a segment; a taken name is refused under the field. */
export function SegmentDialog({ filter, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { account, info } = useApp();
  const write = useWrite();
  const [name, setName] = useState("");
  const { submit, error, busy } = useSubmit(async () => {
    await onSaved(await write("segmentsCreate", account.id, { name, filter }));
  });
  const nameError = error && ["name_empty", "name_too_long", "segment_duplicate"].includes(error.code) ? error.message : null;
  const otherError = error && !nameError ? error.message : null;
  return (
    <Modal title={t("segments.save")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="segment-name" label={t("segments.name")} hint={t("segments.nameHint")} error={nameError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} autoFocus maxLength={info.limits.segment_name} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        {otherError && <p className="form-error" role="alert">{otherError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
