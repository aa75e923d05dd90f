// The dashboard's period: the last 7, 30 or 90 days ending today, or dates
// the person picks. Dates are `YYYY-MM-DD`; Rust reads them in each
// account's own time zone.
import type { DateRange } from "../../ipc/call";

export type Preset = 7 | 30 | 90 | "custom";
export const PRESETS: readonly Preset[] = [7, 30, 90, "custom"];

function iso(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last `days` days, today included. */
export function lastDays(days: number, today = new Date()): DateRange {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: iso(from), to: iso(today) };
}

/** A custom range the person typed, when both dates are there and in order. */
export function customRange(from: string, to: string): DateRange | null {
  return from && to && from <= to ? { from, to } : null;
}

/** `2026-12-07` as the language writes a short date (07/12 in pt-BR). */
export function shortDate(date: string, lang: string): string {
  const [y = 1970, m = 1, d = 1] = date.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(lang, { day: "2-digit", month: "2-digit" });
}

/** The change from `previous` to `current` in percent, or null when there was nothing before. */
export function delta(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 100);
}

/** Milliseconds as "1 h 45 min", "20 min" or "40 s"; "–" when unmeasured. */
export function duration(ms: number | null, lang: string): string {
  if (ms === null) return "–";
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = (minutes / 1440).toLocaleString(lang, { maximumFractionDigits: 1 });
  return lang.startsWith("pt") ? `${days} dias` : `${days} days`;
}

/** Minutes with one decimal, for charts. */
export function minutes(ms: number | null): number {
  return ms === null ? 0 : Math.round(ms / 6_000) / 10;
}
