// The business hours form's pure parts: minutes of the day as the time
// inputs show them, and the interval a "+ Horário" adds.
import type { BusinessHours, Interval } from "../../ipc/call";

const DAY = 24 * 60;

/** Minutes of the day as `HH:MM` (the end 24:00 shows as 00:00: midnight). */
export function toClock(minutes: number): string {
  const m = minutes % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** `HH:MM` as minutes; an end of 00:00 is midnight at the end of the day (24:00). */
export function fromClock(text: string, isEnd: boolean): number {
  const match = /^(\d{1,2}):(\d{2})/.exec(text);
  if (!match) return 0;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return isEnd && minutes === 0 ? DAY : minutes;
}

/** The day with one more interval: an hour after the last one ends (08:00–12:00 on an empty day). */
export function addInterval(intervals: readonly Interval[]): Interval[] {
  const last = intervals[intervals.length - 1];
  if (!last) return [{ start: 8 * 60, end: 12 * 60 }];
  const start = Math.min(last.end + 60, DAY - 60);
  return [...intervals, { start, end: Math.min(start + 4 * 60, DAY) }];
}

export const same = (a: BusinessHours, b: BusinessHours) => JSON.stringify(a) === JSON.stringify(b);
