import { useI18n } from "../../i18n";
import type { ContactItem, Tag } from "../../ipc/call";
import { formatPhone, initials } from "../../format";
import { TagChip } from "../Tags";

interface Props {
  contact: ContactItem;
  tags: Map<string, Tag>;
  checked: boolean;
  /** The whole filter result is selected: rows cannot be picked one by one. */
  locked: boolean;
  onCheck: (checked: boolean) => void;
  onEdit: () => void;
  onOptOut: () => void;
  onDelete: () => void;
}

/** One contact in the list: checkbox, name with opt-out badge, tags as coloured chips, phone, actions. */
export function ContactRow({ contact: c, tags, checked, locked, onCheck, onEdit, onOptOut, onDelete }: Props) {
  const { t } = useI18n();
  const who = c.name ?? formatPhone(c.phone);
  return (
    <div className={checked ? "contact-row checked" : "contact-row"} data-testid="contact-row">
      <input type="checkbox" aria-label={t("contacts.select", { name: who })} checked={checked} disabled={locked}
        onChange={(e) => onCheck(e.target.checked)} />
      <span className="avatar" aria-hidden="true">{initials(c.name, c.phone)}</span>
      <span className="contact-name">
        {c.name ?? <em className="muted">{t("contacts.noName")}</em>}
        {c.opted_out_at !== null && <span className="badge opted-out" title={t("contacts.optedOutHint")} data-testid="opted-out">{t("contacts.optedOut")}</span>}
      </span>
      <span className="row-tags" aria-label={t("contacts.tagsOf", { name: who })}
        title={c.tags.map((id) => tags.get(id)?.name).filter(Boolean).join(", ")}>
        {c.tags.map((id) => {
          const tag = tags.get(id);
          return tag ? <TagChip key={id} tag={tag} /> : null;
        })}
      </span>
      <span className="contact-phone">{formatPhone(c.phone)}</span>
      <span className="row-actions">
        <button type="button" className="ghost small" onClick={onOptOut}>{t(c.opted_out_at === null ? "contacts.optOut" : "contacts.optIn")}</button>
        <button type="button" className="ghost small" onClick={onEdit}>{t("common.edit")}</button>
        <button type="button" className="ghost small danger" onClick={onDelete}>{t("common.delete")}</button>
      </span>
    </div>
  );
}
