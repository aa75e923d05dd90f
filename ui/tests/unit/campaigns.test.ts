import { expect, test } from "vitest";
import { actionsFor, browserUtcOffset, defaultPacing, figures, firstMessageRivals, insertAt, localDateTimeToMs, minutesToTime, partOf, processed, progressPercent, timeToMinutes } from "../../src/screens/campaigns/campaign";
import type { CampaignReport, FlowSummary, Pacing } from "../../src/ipc/call";

const report = (r: Partial<CampaignReport>): CampaignReport => ({
  total: 0, pending: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0, replied: 0, opted_out: 0, ...r,
});

test("a new campaign's pacing is Rust's default at this computer's offset, a fresh copy each time", () => {
  const rust: Pacing = {
    utc_offset_minutes: -180, window_start: 480, window_end: 1200,
    weekdays: [true, true, true, true, true, true, false],
    delay_min_s: 30, delay_max_s: 60, daily_cap: 200, warmup_days: 14, warmup_start_cap: 20,
  };
  expect(defaultPacing(rust, 60)).toEqual({ ...rust, utc_offset_minutes: 60 });
  // Editing one does not change Rust's default or the next copy.
  const a = defaultPacing(rust, -180);
  a.weekdays[6] = true;
  expect(rust.weekdays[6]).toBe(false);
  expect(defaultPacing(rust, -180).weekdays[6]).toBe(false);
});

test("the computer's UTC offset has the sign Pacing wants", () => {
  const at = new Date();
  expect(browserUtcOffset(at)).toBe(-at.getTimezoneOffset() || 0);
  expect(Object.is(browserUtcOffset({ getTimezoneOffset: () => 0 } as Date), 0)).toBe(true);
  expect(browserUtcOffset({ getTimezoneOffset: () => 180 } as Date)).toBe(-180);
});

test("times of day become minutes and back", () => {
  expect(timeToMinutes("08:00")).toBe(480);
  expect(timeToMinutes("8:30")).toBe(510);
  expect(timeToMinutes("24:00")).toBe(1440);
  expect(timeToMinutes("24:01")).toBeNull();
  expect(timeToMinutes("12:60")).toBeNull();
  expect(timeToMinutes("")).toBeNull();
  expect(minutesToTime(480)).toBe("08:00");
  expect(minutesToTime(1439)).toBe("23:59");
  expect(minutesToTime(1440)).toBe("24:00");
});

test("a local date and time become Unix ms on this computer's clock", () => {
  expect(localDateTimeToMs("2026-11-30", "14:30")).toBe(new Date(2026, 10, 30, 14, 30).getTime());
  expect(localDateTimeToMs("2026-01-01", "00:00")).toBe(new Date(2026, 0, 1, 0, 0).getTime());
  expect(localDateTimeToMs("2026-02-30", "10:00")).toBeNull();
  expect(localDateTimeToMs("2026-11-30", "24:00")).toBeNull();
  expect(localDateTimeToMs("", "10:00")).toBeNull();
  expect(localDateTimeToMs("2026-11-30", "")).toBeNull();
  expect(localDateTimeToMs("30/11/2026", "10:00")).toBeNull();
});

test("progress counts everyone dealt with, of the total", () => {
  const r = report({ total: 10, pending: 4, queued: 1, sent: 1, delivered: 1, read: 1, failed: 1, skipped: 1 });
  expect(processed(r)).toBe(6);
  expect(progressPercent(r)).toBe(60);
  expect(progressPercent(report({}))).toBe(0);
  expect(progressPercent(report({ total: 3, sent: 1 }))).toBe(33);
});

test("the report as people count it: sent includes delivered and read, pending includes the outbox", () => {
  expect(figures(report({ total: 31, pending: 5, queued: 2, sent: 10, delivered: 6, read: 4, failed: 3, skipped: 1, replied: 7, opted_out: 2 }))).toEqual({
    sent: 20, delivered: 10, read: 4, replied: 7, failed: 3, skipped: 1, optedOut: 2, pending: 7, cancelled: 0,
  });
});

test("actions follow the allowed status changes", () => {
  expect(actionsFor("running")).toEqual({ pause: true, resume: false, cancel: true });
  expect(actionsFor("scheduled")).toEqual({ pause: true, resume: false, cancel: true });
  expect(actionsFor("paused")).toEqual({ pause: false, resume: true, cancel: true });
  expect(actionsFor("done")).toEqual({ pause: false, resume: false, cancel: false });
  expect(actionsFor("cancelled")).toEqual({ pause: false, resume: false, cancel: false });
});

test("each refusal of create goes beside its part of the editor", () => {
  expect(partOf("name_empty")).toBe("name");
  expect(partOf("audience_empty")).toBe("audience");
  expect(partOf("template_invalid")).toBe("message");
  expect(partOf("message_empty")).toBe("message");
  expect(partOf("number_offline")).toBe("numbers");
  expect(partOf("number_unknown")).toBe("numbers");
  expect(partOf("flow_unknown")).toBe("reply_flow");
  expect(partOf("flow_not_published")).toBe("reply_flow");
  expect(partOf("schedule_in_past")).toBe("schedule");
  expect(partOf("pacing_invalid")).toBe("pacing");
  expect(partOf("database_failed")).toBe("form");
});

test("a variable goes where the cursor is", () => {
  expect(insertAt("Olá !", 4, 4, "{{nome}}")).toEqual({ value: "Olá {{nome}}!", cursor: 12 });
  expect(insertAt("Olá X!", 4, 5, "{{nome}}")).toEqual({ value: "Olá {{nome}}!", cursor: 12 });
  expect(insertAt("", 9, 9, "{{nome}}")).toEqual({ value: "{{nome}}", cursor: 8 });
});

test("a first-message flow on the campaign's numbers takes a reply before the reply flow", () => {
  const flow = (id: string, triggers: FlowSummary["triggers"], over: Partial<FlowSummary> = {}) =>
    ({ id, name: `Fluxo ${id}`, enabled: true, published: { id: "v", number: 1, published_at: 0 }, triggers, ...over });
  const flows = [
    flow("boas", [{ on: "first_message", numbers: [] }]),
    flow("balcao", [{ on: "first_message", numbers: ["n1"] }]),
    flow("delivery", [{ on: "first_message", numbers: ["n2"] }]),
    flow("off", [{ on: "first_message", numbers: [] }], { enabled: false }),
    flow("rascunho", [{ on: "first_message", numbers: [] }], { published: null }),
    flow("padrao", [{ on: "no_match", hours: 24, numbers: [] }]),
    flow("resposta", []),
  ];
  expect(firstMessageRivals(flows, ["n1"], "resposta")).toEqual(["Fluxo boas", "Fluxo balcao"]);
  expect(firstMessageRivals(flows, ["n2", "n3"], "resposta")).toEqual(["Fluxo boas", "Fluxo delivery"]);
  // The reply flow itself is no rival; no reply flow or no numbers: nothing to warn about.
  expect(firstMessageRivals(flows, ["n1"], "boas")).toEqual(["Fluxo balcao"]);
  expect(firstMessageRivals(flows, ["n1"], null)).toEqual([]);
  expect(firstMessageRivals(flows, [], "resposta")).toEqual([]);
});
