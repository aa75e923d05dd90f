import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { Tag } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useSubmit } from "../components/useSubmit";
import { alreadyGone, useUndoableDelete } from "../components/useUndoableDelete";

/** A tag as a coloured chip, with an optional × to take it off (or, in Settings, to delete it: `removeLabel`). */
export function TagChip({ tag, onRemove, removeLabel }: { tag: Tag; onRemove?: () => void; removeLabel?: string }) {
  const { t } = useI18n();
  return (
    <span className="tag-chip" style={{ borderColor: tag.color, color: tag.color }} data-testid="tag">
      {tag.name}
      {onRemove && <button type="button" aria-label={removeLabel ?? t("tags.remove", { name: tag.name })} onClick={onRemove}>×</button>}
    </span>
  );
}

/** Settings → the account's tags: create with a colour, delete. */
export function TagsPanel() {
  const { t } = useI18n();
  const { account, toast, info } = useApp();
  const list = useCommand("tagsList", [account.id]).data ?? [];
  const write = useWrite();
  const [name, setName] = useState("");
  const [color, setColor] = useState("#0f766e");
  const [deleting, setDeleting] = useState<Tag | null>(null);
  const held = useUndoableDelete((err) => toast(errorText(err), "error"));
  const { submit: add, error } = useSubmit(async () => {
    await write("tagsCreate", account.id, { name, color });
    setName("");
  });

  // Confirmed: hidden at once, sent to Rust when the Desfazer window ends.
  function remove(tag: Tag) {
    held.remove(tag.id, t("tags.deletedUndo", { name: tag.name }), async () => {
      await write("tagsDelete", account.id, tag.id).catch(alreadyGone("tag_unknown"));
    });
  }

  return (
    <div className="panel">
      <h2>{t("tags.title")}</h2>
      <p className="muted">{t("tags.hint")}</p>
      <div className="tag-list">
        {list.filter((tag) => !held.hidden.has(tag.id)).map((tag) => (
          <TagChip key={tag.id} tag={tag} removeLabel={t("tags.delete", { name: tag.name })} onRemove={() => setDeleting(tag)} />
        ))}
      </div>
      <form className="inline-form left" onSubmit={add}>
        <input aria-label={t("tags.name")} placeholder={t("tags.name")} maxLength={info.limits.tag_name} value={name} onChange={(e) => setName(e.target.value)} />
        <input type="color" aria-label={t("tags.color")} value={color} onChange={(e) => setColor(e.target.value)} />
        <button type="submit" className="ghost small">{t("tags.add")}</button>
      </form>
      {error && <p className="form-error" role="alert">{error.message}</p>}
      {deleting && (
        <ConfirmDialog
          title={t("tags.deleteTitle")}
          confirmLabel={t("tags.deleteButton")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            setDeleting(null);
            remove(deleting);
          }}
        >
          <p>{t("tags.deleteConfirm", { name: deleting.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The tags of one contact, to add or take off (the inbox's contact panel). */
export function ContactTags({ contact }: { contact: string }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const all = useCommand("tagsList", [account.id]).data ?? [];
  const mine = useCommand("tagsOfContact", [account.id, contact]).data ?? [];
  const apply = (tag: string, on: boolean) =>
    write("tagsApply", account.id, tag, [contact], on).catch((e) => toast(errorText(e), "error"));
  const free = all.filter((a) => !mine.some((m) => m.id === a.id));
  return (
    <div className="contact-tags">
      <div className="tag-list">
        {mine.length === 0 && <span className="muted small">{t("tags.none")}</span>}
        {mine.map((tag) => <TagChip key={tag.id} tag={tag} onRemove={() => void apply(tag.id, false)} />)}
      </div>
      {free.length > 0 && (
        <select aria-label={t("tags.addTo")} value="" onChange={(e) => e.target.value && void apply(e.target.value, true)}>
          <option value="">{t("tags.addTo")}</option>
          {free.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}
        </select>
      )}
    </div>
  );
}
