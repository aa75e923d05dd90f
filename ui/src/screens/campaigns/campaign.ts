// The Campaigns screen's pure parts: a new campaign's pacing (Rust's
// `Pacing::default()`, from `AppInfo`) at this computer's offset, local date and time to Unix ms, what the report
// counts mean to a person, and which editor field a refusal belongs to.
import type { CampaignReport, CampaignStatus, ErrorCode, FlowSummary, Pacing } from "../../ipc/call";

/** The variables every message may use besides the account's fields (template.rs). */
export const BUILT_IN_VARIABLES = ["nome", "primeiro_nome", "telefone"];

/** Rust's default pacing (`AppInfo.default_pacing`) at an offset from UTC (minutes; Brasília is -180). */
export function defaultPacing(base: Pacing, utcOffsetMinutes: number): Pacing {
  return { ...structuredClone(base), utc_offset_minutes: utcOffsetMinutes };
}

/** This computer's offset from UTC in minutes, as `Pacing` wants it (Brasília: -180). */
export function browserUtcOffset(at: Date = new Date()): number {
  return -at.getTimezoneOffset() || 0;
}

/** `"08:30"` → 510 minutes after midnight; null when not a time. */
export function timeToMinutes(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** 510 → `"08:30"`; 1440 → `"24:00"`. */
export function minutesToTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/**
 * A date (`2026-11-30`) and a time (`14:30`) on this computer's clock, as
 * Unix ms; null when either is missing or not real (`2026-02-30`).
 */
export function localDateTimeToMs(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const minutes = timeToMinutes(time);
  if (!d || minutes === null || minutes >= 24 * 60) return null;
  const [y, mo, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const at = new Date(y, mo - 1, day, Math.floor(minutes / 60), minutes % 60, 0, 0);
  if (at.getFullYear() !== y || at.getMonth() !== mo - 1 || at.getDate() !== day) return null;
  return at.getTime();
}

/** Recipients the campaign has dealt with (on their way, sent, failed or skipped). */
export function processed(r: CampaignReport): number {
  return r.queued + r.sent + r.delivered + r.read + r.failed + r.skipped;
}

/** 0–100, whole numbers; an empty campaign is 0. */
export function progressPercent(r: CampaignReport): number {
  if (r.total === 0) return 0;
  return Math.min(100, Math.floor((processed(r) * 100) / r.total));
}

/**
 * The report as people count it: each recipient sits in one state, so
 * "sent" includes those delivered and read, "delivered" those read, and
 * "pending" those not yet out (not claimed, or in the outbox).
 */
export interface Figures {
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  optedOut: number;
  pending: number;
  cancelled: number;
}

export function figures(r: CampaignReport): Figures {
  return {
    sent: r.sent + r.delivered + r.read,
    delivered: r.delivered + r.read,
    read: r.read,
    replied: r.replied,
    failed: r.failed,
    skipped: r.skipped,
    optedOut: r.opted_out,
    pending: r.pending + r.queued,
    cancelled: r.cancelled,
  };
}

/** What a person may do with a campaign in this state (as `set_status` allows). */
export function actionsFor(status: CampaignStatus): { pause: boolean; resume: boolean; cancel: boolean } {
  return {
    pause: status === "running" || status === "scheduled",
    resume: status === "paused",
    cancel: status === "running" || status === "scheduled" || status === "paused",
  };
}

/** The editor's parts a refusal of `campaigns_create` is shown beside. */
export type EditorPart = "name" | "audience" | "message" | "numbers" | "schedule" | "pacing" | "media" | "reply_flow" | "form";

export function partOf(code: ErrorCode | "ipc_failed"): EditorPart {
  switch (code) {
    case "name_empty":
    case "name_too_long":
      return "name";
    case "audience_empty":
    // The audience does not fit in what the plan leaves of the month's messages.
    case "plan_limit_reached":
      return "audience";
    case "template_invalid":
    case "message_empty":
      return "message";
    case "number_offline":
    case "number_unknown":
      return "numbers";
    case "schedule_in_past":
      return "schedule";
    case "pacing_invalid":
      return "pacing";
    case "attachment_too_large":
    case "attachment_blocked":
      return "media";
    // The flow a reply starts: deleted, or never published.
    case "flow_unknown":
    case "flow_not_published":
      return "reply_flow";
    default:
      return "form";
  }
}

/** Puts `text` where the cursor is (replacing a selection); returns the new value and cursor. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; cursor: number } {
  const a = Math.max(0, Math.min(start, value.length));
  const b = Math.max(a, Math.min(end, value.length));
  return { value: value.slice(0, a) + text + value.slice(b), cursor: a + text.length };
}

/**
 * The flows that would take a campaign's reply before its reply flow: a
 * reply from someone who never wrote to the number is their first message,
 * and an enabled, published flow with a first-message trigger on one of the
 * campaign's numbers (its numbers empty: every number) starts there first.
 */
export function firstMessageRivals(
  flows: readonly Pick<FlowSummary, "id" | "name" | "enabled" | "published" | "triggers">[],
  numbers: readonly string[],
  replyFlow: string | null,
): string[] {
  if (!replyFlow || numbers.length === 0) return [];
  return flows
    .filter((f) => f.id !== replyFlow && f.enabled && f.published !== null)
    .filter((f) => f.triggers.some((tr) => tr.on === "first_message" && (tr.numbers.length === 0 || tr.numbers.some((n) => numbers.includes(n)))))
    .map((f) => f.name);
}
