import { useI18n } from "../../i18n";
import type { ContactFilter, CustomField, FieldCondition, Tag } from "../../ipc/call";
import { opKey } from "./filter";
import { FieldValueInput } from "./FieldValueInput";
import { dateInputToMs, msToDateInput, needsValue } from "./values";
import { useApp } from "../../context";

interface Props {
  filter: ContactFilter;
  onChange: (filter: ContactFilter) => void;
  tags: Tag[];
  fields: CustomField[];
  /** Why Rust refused the filter (e.g. a number condition that is not a number). */
  error: string | null;
  onClose: () => void;
}

type TagGroup = "tags_all" | "tags_any" | "tags_none";
const GROUPS: TagGroup[] = ["tags_all", "tags_any", "tags_none"];
type TimeKey = "created_after" | "created_before" | "last_message_after" | "last_message_before";

/** Everything a filter can ask, changed live: the list and the count follow as the person edits. */
export function FilterPanel({ filter, onChange, tags, fields, error, onClose }: Props) {
  const { t } = useI18n();
  // Which comparisons each kind offers is Rust's (`FieldKind::operators`), which refuses the rest.
  const OPS = useApp().info.field_operators;
  const conditions = filter.fields ?? [];
  const setConditions = (next: FieldCondition[]) => onChange({ ...filter, fields: next });

  function toggleTag(group: TagGroup, id: string) {
    const list = filter[group] ?? [];
    const next = { ...filter, [group]: list.includes(id) ? list.filter((x) => x !== id) : [...list, id] };
    // A tag cannot be both required and excluded: picking it in one group takes it out of the others.
    if (!list.includes(id)) for (const g of GROUPS) if (g !== group) next[g] = (next[g] ?? []).filter((x) => x !== id);
    onChange(next);
  }

  const dateInput = (key: TimeKey) => (
    <label className="stack">
      <span>{t(`filter.${key}`)}</span>
      <input type="date" value={msToDateInput(filter[key])} onChange={(e) => onChange({ ...filter, [key]: dateInputToMs(e.target.value) })} />
    </label>
  );

  const optedOut = filter.opted_out ?? null;
  return (
    <section className="panel filter-panel" role="region" aria-label={t("filter.title")}>
      <div className="filter-section">
        <h3>{t("filter.tags")}</h3>
        {tags.length === 0 && <p className="muted small">{t("filter.noTags")}</p>}
        {tags.length > 0 && GROUPS.map((group) => (
          <div key={group} className="tag-group" role="group" aria-label={t(`filter.${group}`)}>
            <span className="group-label">{t(`filter.${group}`)}</span>
            <div className="tag-list">
              {tags.map((tag) => {
                const on = (filter[group] ?? []).includes(tag.id);
                return (
                  <button key={tag.id} type="button" className={on ? "tag-toggle on" : "tag-toggle"} aria-pressed={on}
                    style={on ? { background: tag.color, borderColor: tag.color } : { borderColor: tag.color, color: tag.color }}
                    onClick={() => toggleTag(group, tag.id)}>
                    {tag.name}
                  </button>
                );
              })}
            </div>
          </div>
        ))}
      </div>

      <div className="filter-section">
        <h3>{t("filter.fields")}</h3>
        {fields.length === 0 && <p className="muted small">{t("filter.noFields")}</p>}
        {conditions.map((c, i) => {
          const field = fields.find((f) => f.id === c.field);
          const update = (patch: Partial<FieldCondition>) => setConditions(conditions.map((x, j) => (j === i ? { ...x, ...patch } : x)));
          return (
            <div key={i} className="condition" role="group" aria-label={t("filter.condition", { n: i + 1 })}>
              <select aria-label={t("filter.field")} value={c.field}
                onChange={(e) => {
                  const next = fields.find((f) => f.id === e.target.value);
                  update({ field: e.target.value, op: next ? OPS[next.kind][0] ?? "is" : "is", value: "" });
                }}>
                {!field && <option value={c.field}>{t("filter.deletedField")}</option>}
                {fields.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
              </select>
              {field && (
                <select aria-label={t("filter.op")} value={c.op} onChange={(e) => update({ op: e.target.value as FieldCondition["op"] })}>
                  {OPS[field.kind].map((op) => <option key={op} value={op}>{t(opKey(field.kind, op))}</option>)}
                </select>
              )}
              {field && needsValue(c.op) && (
                <FieldValueInput field={field} label={t("filter.value")} value={c.value} onChange={(value) => update({ value })} />
              )}
              <button type="button" className="ghost small" aria-label={t("filter.removeCondition", { n: i + 1 })}
                onClick={() => setConditions(conditions.filter((_, j) => j !== i))}>×</button>
            </div>
          );
        })}
        {fields.length > 0 && (
          <button type="button" className="ghost small" onClick={() => {
            const first = fields[0];
            if (first) setConditions([...conditions, { field: first.id, op: OPS[first.kind][0] ?? "is", value: "" }]);
          }}>+ {t("filter.addCondition")}</button>
        )}
      </div>

      <div className="filter-section">
        <h3>{t("filter.dates")}</h3>
        <div className="date-grid">
          {dateInput("created_after")}
          {dateInput("created_before")}
          {dateInput("last_message_after")}
          {dateInput("last_message_before")}
        </div>
      </div>

      <fieldset className="filter-section plain">
        <legend>{t("filter.optedOut")}</legend>
        {([null, false, true] as const).map((v) => (
          <label key={String(v)} className="check">
            <input type="radio" name="opted-out" checked={optedOut === v} onChange={() => onChange({ ...filter, opted_out: v })} />
            {t(v === null ? "filter.optedOut.all" : v ? "filter.optedOut.only" : "filter.optedOut.accepting")}
          </label>
        ))}
      </fieldset>

      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" className="ghost small" onClick={() => onChange({ search: filter.search })}>{t("filter.clear")}</button>
        <button type="button" className="ghost small" onClick={onClose}>{t("common.close")}</button>
      </div>
    </section>
  );
}
