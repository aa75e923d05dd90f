// The contact list's optional columns: custom fields the operator picks
// ("Colunas"), remembered per account on this computer.
import { useEffect, useState } from "react";
import { useI18n } from "../../i18n";
import type { ContactItem, CustomField } from "../../ipc/call";

const KEY = (account: string) => `zapdesk.contactColumns.${account}`;

/** The fields shown as columns, in the fields' order; fields deleted since are dropped. */
export function useContactColumns(account: string, fields: CustomField[]): [CustomField[], (ids: string[]) => void] {
  const [ids, setIds] = useState<string[]>(() => {
    try {
      const kept = JSON.parse(localStorage.getItem(KEY(account)) ?? "[]");
      return Array.isArray(kept) ? kept.filter((x): x is string => typeof x === "string") : [];
    } catch {
      return [];
    }
  });
  useEffect(() => localStorage.setItem(KEY(account), JSON.stringify(ids)), [account, ids]);
  return [fields.filter((f) => ids.includes(f.id)), setIds];
}

/** A contact's value of a field as the list shows it (dates and numbers in the interface's language). */
export function fieldText(field: CustomField, contact: ContactItem, lang: string, yes: string, no: string): string {
  const value = contact.fields.find((v) => v.field_id === field.id)?.value;
  if (value === undefined) return "";
  switch (field.kind) {
    case "number": {
      const n = Number(value);
      return Number.isFinite(n) ? n.toLocaleString(lang) : value;
    }
    case "date": {
      const [y, m, d] = value.split("-").map(Number);
      return y && m && d ? new Date(y, m - 1, d).toLocaleDateString(lang) : value;
    }
    case "yes_no":
      return value === "true" ? yes : no;
    default:
      return value;
  }
}

/** "Colunas": a checkbox per custom field. */
export function ColumnsPicker({ fields, shown, onChange }: { fields: CustomField[]; shown: CustomField[]; onChange: (ids: string[]) => void }) {
  const { t } = useI18n();
  if (fields.length === 0) return null;
  const on = new Set(shown.map((f) => f.id));
  return (
    <details className="columns-picker">
      <summary className="button-like">{t("contacts.columns")}</summary>
      <div className="columns-menu" role="group" aria-label={t("contacts.columns")}>
        {fields.map((f) => (
          <label key={f.id} className="check">
            <input type="checkbox" checked={on.has(f.id)}
              onChange={(e) => onChange(fields.filter((x) => (x.id === f.id ? e.target.checked : on.has(x.id))).map((x) => x.id))} />
            {f.label}
          </label>
        ))}
      </div>
    </details>
  );
}
