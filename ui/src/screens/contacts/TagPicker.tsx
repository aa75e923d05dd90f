import { useI18n } from "../../i18n";
import type { Tag } from "../../ipc/call";
import { TagChip } from "../Tags";

interface Props {
  all: Tag[];
  picked: string[];
  onChange: (picked: string[]) => void;
}

/** A contact's tags as chips (× takes one off) and a menu to add another. */
export function TagPicker({ all, picked, onChange }: Props) {
  const { t } = useI18n();
  const mine = picked.flatMap((id) => all.filter((x) => x.id === id));
  const free = all.filter((x) => !picked.includes(x.id));
  return (
    <div className="contact-tags" role="group" aria-label={t("contacts.tags")}>
      <div className="tag-list">
        {mine.length === 0 && <span className="muted small">{t("tags.none")}</span>}
        {mine.map((tag) => <TagChip key={tag.id} tag={tag} onRemove={() => onChange(picked.filter((x) => x !== tag.id))} />)}
      </div>
      {free.length > 0 && (
        <select aria-label={t("tags.addTo")} value="" onChange={(e) => e.target.value && onChange([...picked, e.target.value])}>
          <option value="">{t("tags.addTo")}</option>
          {free.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}
        </select>
      )}
    </div>
  );
}
