import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { type ContactSelection, type Tag } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";
import { useOperator } from "../../data/operator";
import { ConfirmDialog } from "../../components/ConfirmDialog";

interface Props {
  /** How many contacts the selection holds. */
  count: number;
  selection: ContactSelection;
  tags: Tag[];
  /** After an action that changed contacts (the selection is done with). */
  onChanged: () => void;
  onClear: () => void;
}

/** What to do with the selected contacts: tag, untag, export, delete. */
export function BulkBar({ count, selection, tags, onChanged, onClear }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  // Exports are not an agent's (Rust refuses them too).
  const { manager } = useOperator();
  const write = useWrite();
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const n = count.toLocaleString(lang);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  const tagAction = (tagId: string, on: boolean) => run(async () => {
    const tag = tags.find((x) => x.id === tagId);
    const changed = await write("tagsApplySelection", account.id, tagId, selection, on);
    const key = changed === 0 ? (on ? "bulk.taggedNone" : "bulk.untaggedNone")
      : changed === 1 ? (on ? "bulk.taggedOne" : "bulk.untaggedOne")
      : (on ? "bulk.tagged" : "bulk.untagged");
    toast(t(key, { tag: tag?.name ?? "", count: changed.toLocaleString(lang) }));
    onChanged();
  });

  const exportCsv = () => run(async () => {
    const path = await write("contactsExport", account.id, selection);
    if (path) toast(t("bulk.exported", { path }));
  });

  return (
    <div className="bulk-bar" role="toolbar" aria-label={t("bulk.label")}>
      <strong data-testid="selected-count">{t(count === 1 ? "bulk.selectedOne" : "bulk.selected", { count: n })}</strong>
      <select aria-label={t("bulk.addTag")} value="" disabled={busy || tags.length === 0}
        onChange={(e) => e.target.value && void tagAction(e.target.value, true)}>
        <option value="">{t("bulk.addTag")} ▾</option>
        {tags.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}
      </select>
      <select aria-label={t("bulk.removeTag")} value="" disabled={busy || tags.length === 0}
        onChange={(e) => e.target.value && void tagAction(e.target.value, false)}>
        <option value="">{t("bulk.removeTag")} ▾</option>
        {tags.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}
      </select>
      {manager && <button type="button" className="ghost small" disabled={busy} onClick={() => void exportCsv()}>{t("bulk.export")}</button>}
      <button type="button" className="ghost small danger" disabled={busy} onClick={() => setDeleting(true)}>{t("bulk.delete")}</button>
      <button type="button" className="link" onClick={onClear}>{t("bulk.clear")}</button>
      {deleting && (
        <ConfirmDialog
          title={t("bulk.deleteTitle")}
          confirmLabel={t(count === 1 ? "bulk.deleteOneButton" : "bulk.deleteButton", { count: n })}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const deleted = await write("contactsDeleteSelection", account.id, selection);
            setDeleting(false);
            toast(t(deleted === 1 ? "bulk.deletedOne" : "bulk.deleted", { count: deleted.toLocaleString(lang) }));
            onChanged();
          }}
        >
          <p>{t(count === 1 ? "bulk.deleteConfirmOne" : "bulk.deleteConfirm", { count: n })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
