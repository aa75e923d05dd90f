// Custom field values between their canonical form (what Rust stores and
// returns: number `1234.5`, date `2024-12-31`, yes/no `true`/`false`) and what
// a person reads and types, plus the day arithmetic of date filters. Apart
// from React so that it can be unit-tested.
import type { CustomField, FieldKind, FieldOp, FieldValue, Lang } from "../../ipc/call";

/** `is_set` and `is_empty` compare with nothing. */
export function needsValue(op: FieldOp): boolean {
  return op !== "is_set" && op !== "is_empty";
}

/** `1234.5` → `1.234,5` (pt-BR) or `1,234.5` (en); anything else is shown as typed. */
export function formatNumber(value: string, lang: Lang): string {
  const n = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) ? n.toLocaleString(lang, { maximumFractionDigits: 10 }) : value;
}

/** A stored number as the input shows it for editing: no thousands separator, the language's decimal mark. */
export function numberForInput(value: string, lang: Lang): string {
  const n = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) ? n.toLocaleString(lang, { maximumFractionDigits: 10, useGrouping: false }) : value;
}

function isoParts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? [y, mo, d] : null;
}

/** `2024-12-31` → `31/12/2024` in pt-BR; a text that is not such a date is returned as is. */
export function formatIsoDate(iso: string, lang: Lang): string {
  const p = isoParts(iso);
  if (!p) return iso;
  return new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" })
    .format(Date.UTC(p[0], p[1] - 1, p[2]));
}

/** A day as Unix ms, formatted as a date in the person's time zone (`01/11/2026`). */
export function formatDay(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(ms));
}

/** `<input type="date">` value → Unix ms at local midnight of that day; empty or invalid → null. */
export function dateInputToMs(value: string): number | null {
  const p = isoParts(value);
  return p ? new Date(p[0], p[1] - 1, p[2]).getTime() : null;
}

/** Unix ms → the `<input type="date">` value of that local day; null → "". */
export function msToDateInput(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A canonical value as a person reads it. `yes`/`no` are the words for true and false. */
export function displayValue(kind: FieldKind, value: string, lang: Lang, words: { yes: string; no: string }): string {
  switch (kind) {
    case "number": return formatNumber(value, lang);
    case "date": return formatIsoDate(value, lang);
    case "yes_no": return value === "true" ? words.yes : value === "false" ? words.no : value;
    default: return value;
  }
}

/** A stored value as its input starts out (dates and choices are already in input form). */
export function valueForInput(kind: FieldKind, value: string, lang: Lang): string {
  return kind === "number" ? numberForInput(value, lang) : value;
}

/** The values to send: only the fields whose input differs from what was stored ("" clears). */
export function changedValues(fields: CustomField[], stored: FieldValue[], inputs: Record<string, string>, lang: Lang): FieldValue[] {
  const out: FieldValue[] = [];
  for (const f of fields) {
    const before = stored.find((v) => v.field_id === f.id)?.value ?? "";
    const now = (inputs[f.id] ?? valueForInput(f.kind, before, lang)).trim();
    if (now !== valueForInput(f.kind, before, lang).trim()) out.push({ field_id: f.id, value: now });
  }
  return out;
}

/**
 * Which field a `field_value_invalid` message is about. Rust names the field
 * after quoting the refused value ("\"abc\" não serve para o campo Pontos…"),
 * so the quoted value is dropped first (it could contain another field's
 * label), then the longest label found in the rest wins.
 */
export function fieldOfError(message: string, fields: CustomField[], sent: FieldValue[]): CustomField | null {
  let rest = message;
  for (const v of sent) {
    const quoted = `"${v.value.trim().slice(0, 60)}"`;
    if (v.value.trim() && rest.startsWith(quoted)) {
      rest = rest.slice(quoted.length);
      break;
    }
  }
  const found = fields.filter((f) => rest.includes(f.label)).sort((a, b) => b.label.length - a.label.length);
  return found[0] ?? null;
}
