import { useState } from "react";
import { useI18n } from "../i18n";
import { durationMinutes, durationParts, type Unit } from "../screens/automation/summary";
import { CountInput } from "./CountInput";

const UNITS: Unit[] = ["minutes", "hours", "days"];

/** A length of time in minutes, typed as a number and a unit (minutos, horas, dias). */
export function DurationInput({ id, minutes, onChange, label, describedBy }: {
  id: string;
  minutes: number;
  onChange: (minutes: number) => void;
  label: string;
  /** The field's hint (or refusal): read with the number and the unit. */
  describedBy?: string;
}) {
  const { t } = useI18n();
  const [unit, setUnit] = useState<Unit>(() => durationParts(minutes).unit);
  // Another value from outside that the unit does not hold whole: shown in the unit that does.
  const shownUnit = minutes % durationMinutes(1, unit) === 0 ? unit : durationParts(minutes).unit;
  const value = minutes / durationMinutes(1, shownUnit);
  return (
    <div className="duration" role="group" aria-label={label} aria-describedby={describedBy}>
      <CountInput id={id} describedBy={describedBy} value={value} onChange={(v) => onChange(durationMinutes(v, shownUnit))} />
      <select aria-label={t("duration.unit")} aria-describedby={describedBy} value={shownUnit}
        onChange={(e) => {
          const next = e.target.value as Unit;
          setUnit(next);
          onChange(durationMinutes(value, next));
        }}>
        {UNITS.map((u) => <option key={u} value={u}>{t(`duration.${u}`)}</option>)}
      </select>
    </div>
  );
}
