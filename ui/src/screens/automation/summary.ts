// The Automação screens' pure parts: what a keyword does and what starts a
// flow, in a line a person reads; a flow's status; durations in the unit a
// person would pick; a keyword as its editor fills it in.
import type { Translate } from "../../i18n";
import type { Actions, AutomationFile, CustomField, FlowSummary, Keyword, KeywordInput, MatchKind, Trigger, User } from "../../ipc/call";

export const MATCH_KINDS: MatchKind[] = ["exact", "contains", "starts_with", "regex"];

/** Longest text shown of a reply in a list line. */
const SNIPPET = 40;

export function snippet(text: string, max = SNIPPET): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return [...flat].length > max ? `${[...flat].slice(0, max - 1).join("").trimEnd()}…` : flat;
}

/** What the lines of an action summary name by id. */
export interface Names {
  fields: readonly Pick<CustomField, "key" | "label">[];
  flows: readonly Pick<FlowSummary, "id" | "name">[];
  users: readonly Pick<User, "id" | "name">[];
  files: readonly Pick<AutomationFile, "id" | "name">[];
}

/** One line per action, in the order Rust runs them: reply, tags, field, then flow or hand-off. */
export function actionsSummary(t: Translate, actions: Actions, names: Names): string[] {
  const out: string[] = [];
  const reply = actions.reply;
  if (reply?.kind === "text") out.push(t("keywords.summary.reply", { text: snippet(reply.text) }));
  if (reply?.kind === "file") {
    const name = names.files.find((f) => f.id === reply.file)?.name ?? t("keywords.summary.fileGone");
    out.push(t("keywords.summary.file", { name }));
  }
  if (actions.add_tags.length) out.push(t("keywords.summary.addTags", { tags: actions.add_tags.join(", ") }));
  if (actions.remove_tags.length) out.push(t("keywords.summary.removeTags", { tags: actions.remove_tags.join(", ") }));
  if (actions.set_field) {
    const set = actions.set_field;
    const label = names.fields.find((f) => f.key === set.field)?.label ?? set.field;
    out.push(t("keywords.summary.setField", { field: label, value: snippet(set.value, 24) }));
  }
  if (actions.start_flow) {
    const id = actions.start_flow;
    out.push(t("keywords.summary.flow", { name: names.flows.find((f) => f.id === id)?.name ?? t("keywords.summary.flowGone") }));
  }
  if (actions.handoff) {
    const user = actions.handoff.assign;
    out.push(user === null
      ? t("keywords.summary.handoffNobody")
      : t("keywords.summary.handoffTo", { name: names.users.find((u) => u.id === user)?.name ?? t("keywords.summary.userGone") }));
  }
  return out;
}

/** "todos os números", or the names of those chosen. */
export function numbersText(t: Translate, ids: readonly string[], numbers: ReadonlyMap<string, string>): string {
  if (ids.length === 0) return t("automation.numbers.all");
  return ids.map((id) => numbers.get(id) ?? t("automation.numbers.gone")).join(", ");
}

/** What starts a flow, in words. */
export function triggerSummary(t: Translate, trigger: Trigger, numbers: ReadonlyMap<string, string>, tags: ReadonlyMap<string, string>): string {
  switch (trigger.on) {
    case "first_message":
      return t("flows.trigger.firstMessageOn", { numbers: numbersText(t, trigger.numbers, numbers) });
    case "no_match":
      return t("flows.trigger.noMatchOn", { hours: trigger.hours, numbers: numbersText(t, trigger.numbers, numbers) });
    case "tag_added":
      return t("flows.trigger.tagAddedOn", { tag: tags.get(trigger.tag) ?? t("flows.trigger.tagGone") });
  }
}

export type FlowStatus = { kind: "off" } | { kind: "draft" } | { kind: "published"; version: number; changed: boolean };

/** Desligado wins (nothing starts it); else publicado vN (with unpublished changes or not); else rascunho. */
export function flowStatus(flow: Pick<FlowSummary, "enabled" | "published" | "draft_changed">): FlowStatus {
  if (!flow.enabled) return { kind: "off" };
  if (!flow.published) return { kind: "draft" };
  return { kind: "published", version: flow.published.number, changed: flow.draft_changed };
}

export type Unit = "minutes" | "hours" | "days";
const PER: Record<Unit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

/** Minutes in the largest unit that holds them whole: 1440 → 1 day, 90 → 90 minutes, 0 → 0 minutes. */
export function durationParts(minutes: number): { value: number; unit: Unit } {
  if (minutes > 0 && minutes % PER.days === 0) return { value: minutes / PER.days, unit: "days" };
  if (minutes > 0 && minutes % PER.hours === 0) return { value: minutes / PER.hours, unit: "hours" };
  return { value: minutes, unit: "minutes" };
}

export function durationMinutes(value: number, unit: Unit): number {
  return value * PER[unit];
}

/** A new keyword: contains, on every number, on, no cooldown, nothing to do yet. */
export function emptyKeyword(): KeywordInput {
  return {
    name: "", match_kind: "contains", words: [], numbers: [], priority: 0, enabled: true, cooldown_minutes: 0,
    actions: { reply: null, add_tags: [], remove_tags: [], set_field: null, start_flow: null, handoff: null },
  };
}

/** A saved keyword as its editor fills it in. */
export function keywordInput(k: Keyword): KeywordInput {
  return {
    name: k.name, match_kind: k.match_kind, words: [...k.words], numbers: [...k.numbers], priority: k.priority,
    enabled: k.enabled, cooldown_minutes: k.cooldown_minutes, actions: structuredClone(k.actions),
  };
}

/** Words as typed into the chips box: the chips, and what is still being typed (it counts too). */
export function wordsWithPending(words: readonly string[], pending: string): string[] {
  const typed = pending.trim();
  return typed && !words.includes(typed) ? [...words, typed] : [...words];
}
