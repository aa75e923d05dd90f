// The Contacts screen's filter as data: what is actually sent (incomplete
// conditions dropped, empty parts left out), whether two filters are the same
// (a loaded segment was changed), and the removable chips that show it.
import type { MessageKey, Translate } from "../../i18n";
import type { ContactFilter, CustomField, FieldCondition, FieldKind, FieldOp, Lang, Tag } from "../../ipc/call";
import { displayValue, formatDay, needsValue } from "./values";

type TimeKey = "created_after" | "created_before" | "last_message_after" | "last_message_before";
const TIMES: TimeKey[] = ["created_after", "created_before", "last_message_after", "last_message_before"];
type TagKey = "tags_all" | "tags_any" | "tags_none";

/** A field condition the person has finished: it has a value, or its operator needs none. */
export function isComplete(c: FieldCondition): boolean {
  return !!c.field && (!needsValue(c.op) || c.value.trim() !== "");
}

/**
 * The filter as sent to Rust: search trimmed, incomplete field conditions
 * dropped (an "is" with no value yet would mean "is empty"), and only the
 * parts that say something, so `{}` is "every contact".
 */
export function effectiveFilter(f: ContactFilter): ContactFilter {
  const out: ContactFilter = {};
  const search = f.search?.trim();
  if (search) out.search = search;
  for (const k of ["tags_all", "tags_any", "tags_none"] as TagKey[]) {
    const list = f[k] ?? [];
    if (list.length) out[k] = [...list];
  }
  const fields = (f.fields ?? []).filter(isComplete).map((c) => ({ field: c.field, op: c.op, value: needsValue(c.op) ? c.value.trim() : "" }));
  if (fields.length) out.fields = fields;
  for (const k of TIMES) {
    const v = f[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  if (f.opted_out !== null && f.opted_out !== undefined) out.opted_out = f.opted_out;
  return out;
}

export function isEmptyFilter(f: ContactFilter): boolean {
  return Object.keys(effectiveFilter(f)).length === 0;
}

/** Same contacts asked for (tag order does not matter; condition order does not either). */
export function sameFilter(a: ContactFilter, b: ContactFilter): boolean {
  const key = (f: ContactFilter) => {
    const e = effectiveFilter(f);
    for (const k of ["tags_all", "tags_any", "tags_none"] as TagKey[]) e[k]?.sort();
    const fields = (e.fields ?? []).map((c) => JSON.stringify([c.field, c.op, c.value])).sort();
    return JSON.stringify(Object.keys(e).sort().map((k) => [k, k === "fields" ? fields : e[k as keyof ContactFilter]]));
  };
  return key(a) === key(b);
}

/** How many things the filter panel has set (the badge on its button); search is not counted. */
export function activeCount(f: ContactFilter): number {
  const e = effectiveFilter(f);
  return (e.tags_all?.length ?? 0) + (e.tags_any?.length ? 1 : 0) + (e.tags_none?.length ?? 0) + (e.fields?.length ?? 0)
    + TIMES.filter((k) => e[k] !== undefined).length + (e.opted_out !== undefined ? 1 : 0);
}

/** The words for an operator on a field of this kind ("maior que", "depois de"…). */
export function opKey(kind: FieldKind, op: FieldOp): MessageKey {
  if (kind === "date" && op === "greater") return "filter.op.after";
  if (kind === "date" && op === "less") return "filter.op.before";
  return `filter.op.${op}` as MessageKey;
}

export interface Chip {
  key: string;
  label: string;
  /** The filter without this part. */
  remove: (f: ContactFilter) => ContactFilter;
}

interface ChipContext {
  tags: Tag[];
  fields: CustomField[];
  t: Translate;
  lang: Lang;
}

/** One removable chip per thing the filter asks (search stays in its box). */
export function filterChips(f: ContactFilter, { tags, fields, t, lang }: ChipContext): Chip[] {
  const e = effectiveFilter(f);
  const tagName = (id: string) => tags.find((x) => x.id === id)?.name ?? t("filter.deletedTag");
  const chips: Chip[] = [];
  for (const id of e.tags_all ?? []) {
    chips.push({ key: `all:${id}`, label: t("filter.chip.tagsAll", { tag: tagName(id) }), remove: (x) => ({ ...x, tags_all: (x.tags_all ?? []).filter((y) => y !== id) }) });
  }
  if (e.tags_any?.length) {
    chips.push({ key: "any", label: t("filter.chip.tagsAny", { tags: e.tags_any.map(tagName).join(", ") }), remove: (x) => ({ ...x, tags_any: [] }) });
  }
  for (const id of e.tags_none ?? []) {
    chips.push({ key: `none:${id}`, label: t("filter.chip.tagsNone", { tag: tagName(id) }), remove: (x) => ({ ...x, tags_none: (x.tags_none ?? []).filter((y) => y !== id) }) });
  }
  (f.fields ?? []).forEach((c, index) => {
    if (!isComplete(c)) return;
    const field = fields.find((x) => x.id === c.field);
    const kind = field?.kind ?? "text";
    const words = { yes: t("fields.yes"), no: t("fields.no") };
    // Conditions hold the value as the person typed it ("1.000" is one thousand
    // in Brazil): numbers are shown as typed, dates and yes/no in words.
    const shown = kind === "number" ? c.value.trim() : displayValue(kind, c.value.trim(), lang, words);
    const value = needsValue(c.op) ? ` ${shown}` : "";
    chips.push({
      key: `field:${index}`,
      label: `${field?.label ?? t("filter.deletedField")} ${t(opKey(kind, c.op))}${value}`,
      remove: (x) => ({ ...x, fields: (x.fields ?? []).filter((_, i) => i !== index) }),
    });
  });
  for (const k of TIMES) {
    const v = e[k];
    if (v !== undefined && v !== null) {
      chips.push({ key: k, label: t(`filter.chip.${k}` as MessageKey, { date: formatDay(v, lang) }), remove: (x) => ({ ...x, [k]: null }) });
    }
  }
  if (e.opted_out !== undefined && e.opted_out !== null) {
    chips.push({ key: "opted_out", label: t(e.opted_out ? "filter.optedOut.only" : "filter.optedOut.accepting"), remove: (x) => ({ ...x, opted_out: null }) });
  }
  return chips;
}
