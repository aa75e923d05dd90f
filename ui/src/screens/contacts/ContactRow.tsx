import { useI18n } from "../../i18n";
import type { ContactItem, CustomField, Tag } from "../../ipc/call";
import { formatPhone, initials } from "../../format";
import { TagChip } from "../Tags";
import { fieldText } from "./columns";

interface Props {
  contact: ContactItem;
  tags: Map<string, Tag>;
  /** Custom fields shown as columns, between the tags and the phone. */
  columns: CustomField[];
  checked: boolean;
  /** The whole filter result is selected: rows cannot be picked one by one. */
  locked: boolean;
  onCheck: (checked: boolean) => void;
  onEdit: () => void;
  /** "Conversar": a conversation with this contact, on a number to choose. */
  onTalk: () => void;
  onOptOut: () => void;
  onDelete: () => void;
}

/** One contact in the list: checkbox, name with opt-out badge, tags as coloured chips, phone, actions. */
export function ContactRow({ contact: c, tags, columns, checked, locked, onCheck, onEdit, onTalk, onOptOut, onDelete }: Props) {
  const { t, lang } = useI18n();
  const who = c.name ?? formatPhone(c.phone);
  return (
    <div className={checked ? "contact-row checked" : "contact-row"} data-testid="contact-row" style={columnsStyle(columns.length)}>
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
      {columns.map((f) => (
        <span key={f.id} className="contact-field" data-testid="contact-field" data-field={f.key}>
          {fieldText(f, c, lang, t("fields.yes"), t("fields.no"))}
        </span>
      ))}
      <span className="contact-phone">{formatPhone(c.phone)}</span>
      <span className="row-actions">
        {c.opted_out_at === null && <button type="button" className="ghost small" onClick={onTalk}>{t("contacts.talk")}</button>}
        <button type="button" className="ghost small" onClick={onOptOut}>{t(c.opted_out_at === null ? "contacts.optOut" : "contacts.optIn")}</button>
        <button type="button" className="ghost small" onClick={onEdit}>{t("common.edit")}</button>
        <button type="button" className="ghost small danger" onClick={onDelete}>{t("common.delete")}</button>
      </span>
    </div>
  );
}

/** The row's grid with `n` field columns before the phone (styles.css has the rest). */
export function columnsStyle(n: number) {
  return n === 0
    ? undefined
    : { gridTemplateColumns: `20px 36px minmax(180px, 1.3fr) minmax(0, 1fr) ${"minmax(90px, 140px) ".repeat(n)}170px auto` };
}
