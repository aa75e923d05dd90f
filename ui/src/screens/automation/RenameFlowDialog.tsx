import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { useWrite } from "../../data/commands";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";

/** A flow's new name (from the list or the editor); Rust refuses an empty, long or taken one under the field. */
export function RenameFlowDialog({ flow, onClose }: { flow: { id: string; name: string }; onClose: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [name, setName] = useState(flow.name);
  const { submit, error, busy } = useSubmit(async () => {
    const renamed = await write("flowsRename", account.id, flow.id, name);
    toast(t("flows.editor.renamedToast", { name: renamed.name }));
    onClose();
  });
  return (
    <Modal title={t("flows.editor.renameTitle")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="flow-rename" label={t("flows.name")} error={error?.message ?? null}>
          {(fid, desc) => <input id={fid} aria-describedby={desc} autoFocus maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
