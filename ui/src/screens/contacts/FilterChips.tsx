import { useI18n } from "../../i18n";
import type { ContactFilter, CustomField, Tag } from "../../ipc/call";
import { filterChips } from "./filter";

interface Props {
  filter: ContactFilter;
  tags: Tag[];
  fields: CustomField[];
  onChange: (filter: ContactFilter) => void;
}

/** The active filters at a glance, each removable with its ×. */
export function FilterChips({ filter, tags, fields, onChange }: Props) {
  const { t, lang } = useI18n();
  const chips = filterChips(filter, { tags, fields, t, lang });
  if (chips.length === 0) return null;
  return (
    <ul className="filter-chips" aria-label={t("filter.active")}>
      {chips.map((c) => (
        <li key={c.key} className="filter-chip" data-testid="filter-chip">
          {c.label}
          <button type="button" aria-label={t("filter.removeChip", { label: c.label })} onClick={() => onChange(c.remove(filter))}>×</button>
        </li>
      ))}
      <li>
        <button type="button" className="link" onClick={() => onChange({ search: filter.search })}>{t("filter.clear")}</button>
      </li>
    </ul>
  );
}
