import { useI18n } from "../../i18n";
import type { CustomField } from "../../ipc/call";

interface Props {
  field: CustomField;
  id?: string;
  describedBy?: string;
  /** Accessible name when there is no <label for> (filter conditions). */
  label?: string;
  value: string;
  onChange: (value: string) => void;
}

/**
 * The input for one custom field's value, by its kind: a date picker (its
 * value is already `YYYY-MM-DD`), Sim/Não and option menus, a decimal keypad
 * for numbers (Rust reads `1.234,56` the Brazilian way), text otherwise.
 */
export function FieldValueInput({ field, id, describedBy, label, value, onChange }: Props) {
  const { t } = useI18n();
  const common = { id, "aria-describedby": describedBy, "aria-label": label };
  switch (field.kind) {
    case "date":
      return <input type="date" {...common} value={value} onChange={(e) => onChange(e.target.value)} />;
    case "yes_no":
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t("fields.noValue")}</option>
          <option value="true">{t("fields.yes")}</option>
          <option value="false">{t("fields.no")}</option>
        </select>
      );
    case "choice":
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t("fields.noValue")}</option>
          {field.choices.map((c) => <option key={c} value={c}>{c}</option>)}
          {value && !field.choices.includes(value) && <option value={value}>{value}</option>}
        </select>
      );
    case "number":
      return <input {...common} inputMode="decimal" placeholder={t("fields.numberPlaceholder")} value={value} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input {...common} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
}
