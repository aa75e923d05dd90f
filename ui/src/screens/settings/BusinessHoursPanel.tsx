import { useEffect, useMemo, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { BusinessHours, Interval } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { Field } from "../../components/Field";
import { useSubmit } from "../../components/useSubmit";
import { useUnsaved } from "../../components/unsaved";
import { timeIn, timeZones } from "../automation/settingsForm";
import { addInterval, fromClock, same, toClock } from "./businessHours";

/**
 * Settings → Horário de atendimento, for the current account: on/off, the
 * time zone (the account's one, shared with the bot's conditions), the week
 * with several intervals a day, holidays, and the away message. Saved whole;
 * Rust checks it (intervals in order and not overlapping, a known zone, real
 * dates) and its refusal shows above the buttons. An agent sees it read-only
 * (Rust refuses their save too).
 */
export function BusinessHoursPanel() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const stored = useCommand("businessHoursGet", [account.id]).data ?? null;
  const known = useCommand("businessHoursTimeZones", []).data ?? [];
  const zones = useMemo(() => timeZones(known), [known]);
  const me = useCommand("usersMe", []).data ?? null;
  const readOnly = me?.role === "agent";
  // `seen`: the stored hours the form started from (as in AutomationSettingsPanel).
  const [seen, setSeen] = useState<BusinessHours | null>(null);
  const [form, setForm] = useState<BusinessHours | null>(null);
  const [holiday, setHoliday] = useState("");
  const dirty = form !== null && seen !== null && !same(form, seen);
  useEffect(() => {
    if (!stored || dirty || (seen && same(stored, seen))) return;
    setSeen(stored);
    setForm(stored);
  }, [stored, dirty]); // eslint-disable-line react-hooks/exhaustive-deps
  useUnsaved(dirty, t("businessHours.unsaved"));

  const { submit, error, busy } = useSubmit(async () => {
    if (!form) return;
    const saved = await write("businessHoursSave", account.id, form);
    setSeen(saved);
    setForm(saved);
    toast(t("businessHours.saved"));
  });

  if (!form) return null;
  const set = (patch: Partial<BusinessHours>) => setForm({ ...form, ...patch });
  const setDay = (day: number, intervals: Interval[]) => set({ week: form.week.map((d, i) => (i === day ? intervals : d)) });
  const now = timeIn(form.time_zone, new Date(), lang);
  const addHoliday = () => {
    if (!holiday || form.holidays.includes(holiday)) return;
    set({ holidays: [...form.holidays, holiday].sort() });
    setHoliday("");
  };

  return (
    <form className="panel form business-hours" id="business-hours" onSubmit={submit} noValidate aria-label={t("businessHours.title")}>
      <h2>{t("businessHours.title")}</h2>
      <p className="muted">{t("businessHours.hint")}</p>
      {readOnly && <p className="notice" role="note" data-testid="business-hours-read-only">{t("businessHours.readOnly")}</p>}
      <fieldset className="business-hours-body" disabled={readOnly || busy}>
        <label className="check strong">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          {t("businessHours.enabled")}
        </label>
        <p className="field-hint">{t("businessHours.enabledHint")}</p>

        <Field id="business-hours-tz" label={t("businessHours.timeZone")} hint={t("businessHours.timeZoneHint", { time: now ?? "—" })}>
          {(id, desc) => (
            <>
              <input id={id} aria-describedby={desc} list="business-hours-tz-list" value={form.time_zone} autoComplete="off" spellCheck={false}
                onChange={(e) => set({ time_zone: e.target.value })} />
              <datalist id="business-hours-tz-list">
                {zones.map((z) => <option key={z.zone} value={z.zone}>{z.places ?? ""}</option>)}
              </datalist>
            </>
          )}
        </Field>

        <fieldset className="editor-section">
          <legend>{t("businessHours.week")}</legend>
          <p className="field-hint">{t("businessHours.weekHint")}</p>
          <table className="week-grid">
            <tbody>
              {form.week.map((intervals, day) => {
                const name = t(`businessHours.day.${day}` as "businessHours.day.0");
                return (
                  <tr key={day} data-testid="business-day">
                    <th scope="row">{name}</th>
                    <td><div className="day-intervals">
                      {intervals.length === 0 && <span className="muted">{t("businessHours.closed")}</span>}
                      {intervals.map((iv, i) => (
                        <span key={i} className="interval">
                          <input type="time" aria-label={t("businessHours.from", { day: name, n: String(i + 1) })} value={toClock(iv.start)}
                            onChange={(e) => setDay(day, intervals.map((x, j) => (j === i ? { ...x, start: fromClock(e.target.value, false) } : x)))} />
                          {"–"}
                          <input type="time" aria-label={t("businessHours.to", { day: name, n: String(i + 1) })} value={toClock(iv.end)}
                            onChange={(e) => setDay(day, intervals.map((x, j) => (j === i ? { ...x, end: fromClock(e.target.value, true) } : x)))} />
                          {!readOnly && (
                            <button type="button" className="ghost small" aria-label={t("businessHours.removeInterval", { day: name, n: String(i + 1) })}
                              onClick={() => setDay(day, intervals.filter((_, j) => j !== i))}>×</button>
                          )}
                        </span>
                      ))}
                      {!readOnly && (
                        <button type="button" className="ghost small" aria-label={t("businessHours.addIntervalLabel", { day: name })}
                          onClick={() => setDay(day, addInterval(intervals))}>{t("businessHours.addInterval")}</button>
                      )}
                    </div></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>

        <fieldset className="editor-section">
          <legend>{t("businessHours.holidays")}</legend>
          <p className="field-hint">{t("businessHours.holidaysHint")}</p>
          {form.holidays.length === 0
            ? <p className="muted">{t("businessHours.noHolidays")}</p>
            : (
              <ul className="plain holiday-list" data-testid="holidays">
                {form.holidays.map((date) => (
                  <li key={date}>
                    <span>{new Date(`${date}T12:00:00`).toLocaleDateString(lang)}</span>
                    {!readOnly && (
                      <button type="button" className="ghost small" aria-label={t("businessHours.removeHoliday", { date })}
                        onClick={() => set({ holidays: form.holidays.filter((h) => h !== date) })}>×</button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          {!readOnly && (
            <div className="inline-form left">
              <input type="date" aria-label={t("businessHours.holidayDate")} value={holiday} onChange={(e) => setHoliday(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== "Enter") return;
                  e.preventDefault();
                  addHoliday();
                }} />
              <button type="button" className="ghost small" disabled={!holiday} onClick={addHoliday}>{t("businessHours.addHoliday")}</button>
            </div>
          )}
        </fieldset>

        <fieldset className="editor-section">
          <legend>{t("businessHours.away")}</legend>
          <label className="check">
            <input type="checkbox" checked={form.away_enabled} onChange={(e) => set({ away_enabled: e.target.checked })} />
            {t("businessHours.awayEnabled")}
          </label>
          <Field id="business-hours-away" label={t("businessHours.awayText")} hint={t("businessHours.awayHint")}>
            {(id, desc) => <textarea id={id} aria-describedby={desc} rows={3} value={form.away_message} onChange={(e) => set({ away_message: e.target.value })} />}
          </Field>
        </fieldset>

        <label className="check">
          <input type="checkbox" checked={form.campaigns_in_hours} onChange={(e) => set({ campaigns_in_hours: e.target.checked })} />
          {t("businessHours.campaigns")}
        </label>
        <p className="field-hint">{t("businessHours.campaignsHint")}</p>
      </fieldset>

      {error && <p className="form-error" role="alert" data-testid="business-hours-error">{error.message}</p>}
      {!readOnly && (
        <div className="actions">
          <button type="button" className="ghost" disabled={!dirty || busy}
            onClick={() => {
              const current = stored ?? seen;
              setSeen(current);
              setForm(current);
            }}>{t("businessHours.discard")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      )}
    </form>
  );
}
