import type { MessageKey } from "../../i18n";
import { useI18n } from "../../i18n";
import { CountInput } from "../../components/CountInput";
import { useApp } from "../../context";
import { useCommand } from "../../data/commands";
import type { Pacing } from "../../ipc/call";
import { minutesToTime, timeToMinutes } from "./campaign";

interface Props {
  pacing: Pacing;
  onChange: (pacing: Pacing) => void;
  /** Why Rust refused the pacing, shown under it. */
  error: string | null;
}

type NumberKey = "delay_min_s" | "delay_max_s" | "daily_cap" | "warmup_days" | "warmup_start_cap";
const NUMBERS: [NumberKey, MessageKey][] = [
  ["delay_min_s", "campaigns.editor.delayMin"],
  ["delay_max_s", "campaigns.editor.delayMax"],
  ["daily_cap", "campaigns.editor.dailyCap"],
  ["warmup_days", "campaigns.editor.warmupDays"],
  ["warmup_start_cap", "campaigns.editor.warmupStart"],
];

/** Midnight to midnight: a time input cannot show 24:00, so this is a checkbox. */
const ALL_DAY = { window_start: 0, window_end: 24 * 60 };
const BUSINESS_HOURS = { window_start: 8 * 60, window_end: 20 * 60 };

/** Hours, weekdays, delay, daily cap and warm-up of a campaign; Rust checks them. */
export function PacingFields({ pacing, onChange, error }: Props) {
  const { t } = useI18n();
  const { account } = useApp();
  // The account may keep its campaigns to its business hours (Rust's sender waits for them too).
  const hours = useCommand("businessHoursGet", [account.id]).data ?? null;
  const inHours = hours !== null && hours.enabled && hours.campaigns_in_hours;
  const allDay = pacing.window_start === 0 && pacing.window_end === 24 * 60;
  const time = (key: "window_start" | "window_end", label: MessageKey) => (
    <label className="stack">
      <span>{t(label)}</span>
      <input type="time" value={minutesToTime(pacing[key])}
        onChange={(e) => {
          const m = timeToMinutes(e.target.value);
          if (m !== null) onChange({ ...pacing, [key]: m });
        }} />
    </label>
  );
  return (
    <fieldset className={error ? "pacing invalid" : "pacing"} aria-describedby={error ? "pacing-error" : "pacing-hint"}>
      <legend>{t("campaigns.pacing")}</legend>
      {inHours && <p className="notice small" role="note" data-testid="pacing-business-hours">{t("campaigns.editor.inBusinessHours")}</p>}
      <label className="check">
        <input type="checkbox" checked={allDay}
          onChange={(e) => onChange({ ...pacing, ...(e.target.checked ? ALL_DAY : BUSINESS_HOURS) })} />
        {t("campaigns.editor.allDay")}
      </label>
      {!allDay && (
        <div className="pacing-grid">
          {time("window_start", "campaigns.editor.from")}
          {time("window_end", "campaigns.editor.to")}
        </div>
      )}
      <div className="weekdays" role="group" aria-label={t("campaigns.editor.weekdays")}>
        {pacing.weekdays.map((on, i) => (
          <label key={i} className="check">
            <input type="checkbox" checked={on}
              onChange={(e) => {
                const weekdays = [...pacing.weekdays] as Pacing["weekdays"];
                weekdays[i] = e.target.checked;
                onChange({ ...pacing, weekdays });
              }} />
            {t(`campaigns.weekday.${i}` as MessageKey)}
          </label>
        ))}
      </div>
      <div className="pacing-grid">
        {NUMBERS.map(([key, label]) => (
          <label key={key} className="stack">
            <span>{t(label)}</span>
            <CountInput value={pacing[key]} onChange={(n) => onChange({ ...pacing, [key]: n })} />
          </label>
        ))}
      </div>
      {error
        ? <p id="pacing-error" className="field-error" role="alert">{error}</p>
        : <p id="pacing-hint" className="field-hint">{t("campaigns.editor.pacingHint")}</p>}
    </fieldset>
  );
}
