import { useState, type KeyboardEvent } from "react";
import { useI18n } from "../i18n";

interface Props {
  id: string;
  describedBy?: string;
  values: string[];
  onChange: (values: string[]) => void;
  /** What is typed but not yet a chip (it counts too: the caller decides how). */
  pending: string;
  onPending: (text: string) => void;
  placeholder?: string;
  /** Names a chip's × button: "Tirar “{value}”". */
  removeLabel: (value: string) => string;
  /** Split on commas too (not for regular expressions, where a comma is part of the pattern). */
  commas?: boolean;
}

/**
 * Several short texts as chips: Enter (or a comma, or leaving the field) turns
 * what is typed into a chip, × or Backspace in an empty field takes one off.
 */
export function ChipsInput({ id, describedBy, values, onChange, pending, onPending, placeholder, removeLabel, commas = true }: Props) {
  const { t } = useI18n();
  const [focused, setFocused] = useState(false);
  const add = (raw: string) => {
    const parts = (commas ? raw.split(",") : [raw]).map((p) => p.trim()).filter(Boolean);
    const next = [...values];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== values.length) onChange(next);
    onPending("");
  };
  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter" || (commas && e.key === ",")) {
      e.preventDefault();
      add(pending);
    } else if (e.key === "Backspace" && pending === "" && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  }
  return (
    <div className={focused ? "chips-input focused" : "chips-input"}>
      {values.map((v) => (
        <span key={v} className="chip" data-testid="chip">
          {v}
          <button type="button" aria-label={removeLabel(v)} onClick={() => onChange(values.filter((x) => x !== v))}>×</button>
        </span>
      ))}
      <input id={id} aria-describedby={describedBy} value={pending} placeholder={values.length === 0 ? placeholder : t("chips.more")}
        onChange={(e) => onPending(e.target.value)} onKeyDown={onKey}
        onFocus={() => setFocused(true)} onBlur={() => { setFocused(false); if (pending.trim()) add(pending); }} />
    </div>
  );
}
