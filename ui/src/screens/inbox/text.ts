// Small text helpers of the inbox, apart from React so they can be unit-tested.
import type { Translate } from "../../i18n";
import type { MessageKind } from "../../ipc/bindings";

/** What a message shows as text: its body, or a label for media without a caption. */
export function preview(t: Translate, kind: MessageKind | null, body: string | null): string {
  if (!kind || kind === "text") return body ?? "";
  const label = t(`inbox.kind.${kind}`);
  return kind === "location" || kind === "contact" || !body ? label : `${label} · ${body}`;
}

/** Splits a search snippet into plain and matched parts (Rust marks matches with \u0002…\u0003). */
export function highlightParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  for (const piece of snippet.split("\u0002")) {
    const [matched, rest] = piece.includes("\u0003") ? piece.split("\u0003", 2) : [null, piece];
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

/** The calendar day of a timestamp, for day separators. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** Name and first phone of a vCard. */
export function parseVcard(vcard: string): { name: string | null; phone: string | null } {
  const line = (key: string) =>
    vcard.split(/\r?\n/).find((l) => l.toUpperCase().startsWith(key))?.split(":").slice(1).join(":").trim() ?? null;
  return { name: line("FN"), phone: line("TEL") };
}

/** Quick replies whose shortcut starts with what follows a leading "/" of the draft. */
export function quickMatches<T extends { shortcut: string }>(draft: string, replies: T[]): T[] {
  const m = /^\/(\S*)$/.exec(draft);
  if (!m) return [];
  const typed = (m[1] ?? "").toLowerCase();
  return replies.filter((r) => r.shortcut.startsWith(typed)).slice(0, 8);
}

/**
 * How long a message counts against WhatsApp's limit, as Rust counts it
 * (characters of the trimmed text, not UTF-16 units: an emoji is one).
 */
export function textLength(text: string): number {
  return [...text.trim()].length;
}
