// The bot in a conversation, in words: who of the bot sent a message, what
// a session waits for, who started it, and each line of its log. Pure, so a
// unit test reads them; the names come from the data layer (flowsList,
// keywordsList, tagsList, usersList, campaignsList).
import type { MessageKey, Translate } from "../../i18n";
import type { LogLine, Message, StartedBy, Waiting } from "../../ipc/call";

/** Names by id of what the bot's rows point at. */
export interface BotNames {
  flows: ReadonlyMap<string, string>;
  keywords: ReadonlyMap<string, string>;
  tags: ReadonlyMap<string, string>;
  users: ReadonlyMap<string, string>;
  campaigns: ReadonlyMap<string, string>;
}

export const NO_NAMES: BotNames = { flows: new Map(), keywords: new Map(), tags: new Map(), users: new Map(), campaigns: new Map() };

/**
 * "🤖 Bot · Menu de atendimento › menu", "🤖 Bot · Palavra-chave Oi", "🤖 Bot";
 * null for a person's message. Until the names have arrived (`known`
 * false) a flow's or keyword's message says only "🤖 Bot", never that its
 * flow was deleted.
 */
export function botLabel(t: Translate, m: Pick<Message, "bot_source" | "bot_ref" | "bot_node">, names: BotNames, known = true): string | null {
  if (m.bot_source !== null && !known) return t("bot.label");
  switch (m.bot_source) {
    case null:
      return null;
    case "flow": {
      const flow = (m.bot_ref && names.flows.get(m.bot_ref)) || t("bot.flowGone");
      return m.bot_node ? t("bot.byFlowNode", { flow, node: m.bot_node }) : t("bot.byFlow", { flow });
    }
    case "keyword":
      return t("bot.byKeyword", { name: (m.bot_ref && names.keywords.get(m.bot_ref)) || t("bot.keywordGone") });
    case "system":
      // The away message (crates/core/src/automation/run/away.rs: AWAY_NODE).
      return m.bot_node === "away" ? t("bot.byAway") : t("bot.label");
  }
}

/** Node kinds of flow.rs `NodeKind` (its `type`). */
const NODE_KINDS = ["send", "menu", "ask", "condition", "tags", "set_field", "delay", "http", "ai", "randomizer", "go_to_flow", "handoff", "end"];

/** "uma pergunta", "um menu"…; the kind as stored when this UI does not know it. */
export function nodeKindText(t: Translate, kind: string | null): string | null {
  if (kind === null) return null;
  return NODE_KINDS.includes(kind) ? t(`bot.node.${kind}` as MessageKey) : kind;
}

/** What a session waits for, with its time in the person's clock. */
export function waitingText(t: Translate, waiting: Waiting, when: (ms: number) => string): string {
  switch (waiting.for) {
    case "start":
      return t("bot.waiting.start");
    case "reply":
      return waiting.timeout_at === null ? t("bot.waiting.reply") : t("bot.waiting.replyUntil", { time: when(waiting.timeout_at) });
    case "timer":
      return t("bot.waiting.timer", { time: when(waiting.at) });
    case "call":
      return waiting.started ? t("bot.waiting.callStarted") : t("bot.waiting.call");
  }
}

/** Who or what started a session: "a palavra-chave “Oi”", "Carla", … */
export function startedByText(t: Translate, by: StartedBy, names: BotNames): string {
  switch (by.by) {
    case "keyword":
      return names.keywords.has(by.keyword) ? t("bot.by.keyword", { name: names.keywords.get(by.keyword) ?? "" }) : t("bot.by.aKeyword");
    case "first_message":
      return t("bot.by.firstMessage");
    case "no_match":
      return t("bot.by.noMatch");
    case "campaign":
      return names.campaigns.has(by.campaign) ? t("bot.by.campaign", { name: names.campaigns.get(by.campaign) ?? "" }) : t("bot.by.aCampaign");
    case "tag":
      return names.tags.has(by.tag) ? t("bot.by.tag", { name: names.tags.get(by.tag) ?? "" }) : t("bot.by.aTag");
    case "manual":
      return by.operator && names.users.has(by.operator) ? t("bot.by.operator", { name: names.users.get(by.operator) ?? "" }) : t("bot.by.someone");
    case "flow":
      return names.flows.has(by.from) ? t("bot.by.flow", { name: names.flows.get(by.from) ?? "" }) : t("bot.by.aFlow");
  }
}

/** Why a session ended (engine's `EndReason`, as stored in the log: `{"reason": …}`). */
export type EndReason =
  | { reason: "done" | "handoff" | "budget" | "replaced" | "stopped" | "opted_out" | "expired" | "unanswered" }
  | { reason: "loop"; node: string }
  | { reason: "broken"; node: string }
  | { reason: "went_to"; flow: string };

export function endReasonText(t: Translate, end: EndReason, names: BotNames): string {
  switch (end.reason) {
    case "loop":
      return t("bot.end.loop", { node: end.node });
    case "broken":
      return t("bot.end.broken", { node: end.node });
    case "went_to":
      return names.flows.has(end.flow) ? t("bot.end.went_to", { name: names.flows.get(end.flow) ?? "" }) : t("bot.end.went_elsewhere");
    default:
      return t(`bot.end.${end.reason}` as MessageKey);
  }
}

/** The log's `what` codes (sessions.rs documents them). */
const LOG_WHATS = ["started", "path", "note", "keyword", "ended", "handoff", "handed_back", "skipped", "dropped", "call", "set_aside"];
const END_REASONS = new Set(["done", "handoff", "loop", "budget", "broken", "went_to", "replaced", "stopped", "opted_out", "expired", "unanswered"]);
const STARTED_BY = ["keyword", "first_message", "no_match", "campaign", "tag", "manual", "flow"];

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * One log line for a person: what happened and its detail in their
 * language. Rust writes the detail for its own log (sessions.rs `log_in`):
 * a session's start and end and a flow's notes as JSON, the rest as short
 * English sentences; each known shape is put in words here, and only a
 * detail this UI does not know is shown as Rust wrote it.
 */
export function logLineText(t: Translate, line: Pick<LogLine, "what" | "detail">, names: BotNames): { what: string; detail: string } {
  const what = LOG_WHATS.includes(line.what) ? t(`bot.log.${line.what}` as MessageKey) : line.what;
  return { what, detail: logDetail(t, line.what, line.detail, names) ?? line.detail };
}

/** Rust's `what`/`detail` in words; null when the detail's shape is not one Rust writes (today). */
function logDetail(t: Translate, what: string, detail: string, names: BotNames): string | null {
  let m: RegExpExecArray | null;
  switch (what) {
    case "ended": {
      const end = json(detail);
      return isObject(end) && typeof end.reason === "string" && END_REASONS.has(end.reason) ? endReasonText(t, end as EndReason, names) : null;
    }
    case "started": {
      // "<flow name> (<StartedBy as JSON>)"
      m = /^(.*) \((\{.*\})\)$/s.exec(detail);
      const by = m ? json(m[2] ?? "") : undefined;
      return m && isObject(by) && typeof by.by === "string" && STARTED_BY.includes(by.by)
        ? t("bot.log.startedDetail", { flow: m[1] ?? "", by: startedByText(t, by as StartedBy, names) })
        : null;
    }
    case "note":
      return noteText(t, json(detail));
    case "path":
      // Block ids joined by " → ": already readable.
      return detail;
    case "keyword": {
      // `<name> (<the word, as Rust's Debug quotes it>)`
      m = /^(.*) \(("(?:[^"\\]|\\.)*")\)$/s.exec(detail);
      const word = m ? json(m[2] ?? "") : undefined;
      return m && typeof word === "string" ? t("bot.log.keywordDetail", { name: m[1] ?? "", word }) : null;
    }
    case "handoff":
      // The internal note the hand-off left (or Rust's own "Transferido pelo bot.").
      return detail;
    case "handed_back":
      return detail === "a flow was started by hand" ? t("bot.log.handedBackManual") : null;
    case "dropped":
      if (detail === "its number runs on another desktop") return t("bot.log.droppedElsewhere");
      if (detail === "the account's automation is off") return t("bot.log.droppedOff");
      return null;
    case "skipped":
      return skippedText(t, detail, names);
    case "call":
      if ((m = /^waiting on node (.+)$/s.exec(detail))) return t("bot.log.callWaiting", { node: m[1] ?? "" });
      if ((m = /^left from node (.+)$/s.exec(detail))) return t("bot.log.callLeft", { node: m[1] ?? "" });
      if ((m = /^answered (\d+)$/.exec(detail))) return t("bot.log.callAnsweredStatus", { status: m[1] ?? "" });
      if (detail === "answered") return t("bot.log.callAnswered");
      if ((m = /^failed: (.*)$/s.exec(detail))) return t("bot.log.callFailed", { reason: callReason(t, m[1] ?? "") });
      return null;
    case "set_aside":
      if ((m = /^not answered: (.*)$/s.exec(detail))) return t("bot.log.setAsideMessage", { reason: m[1] ?? "" });
      if ((m = /^not stepped: (.*)$/s.exec(detail))) return t("bot.log.setAsideSession", { reason: m[1] ?? "" });
      return null;
    default:
      return null;
  }
}

/** Why a flow could not be started or gone to (turn.rs `published_in`). */
function flowWhy(t: Translate, why: string): string | null {
  switch (why) {
    case "no such flow": return t("bot.log.why.noFlow");
    case "not published": return t("bot.log.why.notPublished");
    case "its published version is not here": return t("bot.log.why.versionNotHere");
    case "is off": return t("bot.log.why.off");
    default: return null;
  }
}

/** A `skipped` line: what the bot could not do (run/*.rs). */
function skippedText(t: Translate, detail: string, names: BotNames): string | null {
  let m: RegExpExecArray | null;
  if (detail === "the session's flow version is not here") return t("bot.log.skip.versionNotHere");
  if ((m = /^(go to flow|flow) ([0-9a-f-]{36}): (.+)$/s.exec(detail))) {
    const why = flowWhy(t, m[3] ?? "");
    const name = names.flows.get(m[2] ?? "");
    if (why === null) return null;
    if (name === undefined) return t(m[1] === "flow" ? "bot.log.skip.flowGone" : "bot.log.skip.goToGone");
    return t(m[1] === "flow" ? "bot.log.skip.flow" : "bot.log.skip.goTo", { name, why });
  }
  if ((m = /^keyword (.+): its reply does not read$/s.exec(detail))) return t("bot.log.skip.keywordReply", { name: m[1] ?? "" });
  if ((m = /^keyword (.+): its field value does not read$/s.exec(detail))) return t("bot.log.skip.keywordField", { name: m[1] ?? "" });
  if ((m = /^keyword (.+): flow ([0-9a-f-]{36}) (is off|no such flow)$/s.exec(detail))) {
    const flow = names.flows.get(m[2] ?? "");
    return flow === undefined
      ? t("bot.log.skip.keywordFlowGone", { name: m[1] ?? "" })
      : t("bot.log.skip.keywordFlow", { name: m[1] ?? "", flow, why: flowWhy(t, m[3] ?? "") ?? "" });
  }
  if (/^file .+: not in this account$/s.test(detail)) return t("bot.log.skip.file");
  if ((m = /^tag (.+): not in this account$/s.exec(detail))) return t("bot.log.skip.tag", { name: m[1] ?? "" });
  if ((m = /^field (.+): not in this account$/s.exec(detail))) return t("bot.log.skip.field", { field: m[1] ?? "" });
  if ((m = /^field (.+?): does not take ("(?:[^"\\]|\\.)*")$/s.exec(detail))) {
    const value = json(m[2] ?? "");
    return typeof value === "string" ? t("bot.log.skip.fieldValue", { field: m[1] ?? "", value }) : null;
  }
  if (/^operator .+: unknown, left unassigned$/s.test(detail)) return t("bot.log.skip.operator");
  return null;
}

/**
 * Why an outside call failed, in words where Rust's reason is one it
 * writes (crates/automation: http.rs, ai.rs, client.rs, address.rs); the
 * reason itself otherwise.
 */
export function callReason(t: Translate, reason: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^HTTP (\d+)$/.exec(reason))) return t("bot.call.status", { status: m[1] ?? "" });
  if ((m = /^the AI endpoint answered (\d+)/.exec(reason))) return t("bot.call.aiStatus", { status: m[1] ?? "" });
  if (reason === "empty answer") return t("bot.call.empty");
  if (reason === "interrupted") return t("bot.call.interrupted");
  if (reason.startsWith("address not allowed")) return t(reason.includes("link-local") ? "bot.call.linkLocal" : "bot.call.private");
  if (reason.startsWith("timeout")) return t("bot.call.timeout");
  if (reason.startsWith("could not connect")) return t("bot.call.connect");
  if (reason.startsWith("the response is larger than")) return t("bot.call.tooLarge");
  if (reason.startsWith("AI key")) return t("bot.call.aiKey");
  return reason;
}

/** A flow's note (engine `Note`, `{"note": …}`) in words; null for a shape this UI does not know. */
function noteText(t: Translate, note: unknown): string | null {
  if (!isObject(note) || typeof note.note !== "string") return null;
  const s = (k: string) => (typeof note[k] === "string" || typeof note[k] === "number" ? String(note[k]) : null);
  const node = s("node");
  if (node === null) return null;
  switch (note.note) {
    case "reply_refused": {
      const tries = s("tries");
      return tries === null ? null : t("bot.note.replyRefused", { node, tries });
    }
    case "field_refused": {
      const field = s("field");
      const value = s("value");
      return field === null || value === null ? null : t("bot.note.fieldRefused", { node, field, value });
    }
    case "field_missing": {
      const field = s("field");
      return field === null ? null : t("bot.note.fieldMissing", { node, field });
    }
    case "pointer_missing": {
      const pointer = s("pointer");
      return pointer === null ? null : t("bot.note.pointerMissing", { node, pointer });
    }
    case "call_failed": {
      const reason = s("reason");
      return reason === null ? null : t("bot.note.callFailed", { node, reason: callReason(t, reason) });
    }
    case "nothing_to_send":
      return t("bot.note.nothingToSend", { node });
    case "window_never_opens":
      return t("bot.note.windowNeverOpens", { node });
    case "took": {
      const handle = s("handle");
      return handle === null ? null : t("bot.note.took", { node, handle });
    }
    default:
      return null;
  }
}

/** The variable a session keeps under `key`, named for a person: the last reply, or the question's block. */
export function variableName(t: Translate, key: string): string {
  return key === "ultima_resposta" ? t("bot.var.lastReply") : t("bot.var.answer", { node: key });
}

/**
 * Whether anything of the bot can answer in this account: the bot switched
 * on (automation settings), and an enabled keyword or an enabled flow that
 * was published. `null` until the three have arrived. Without one, a
 * conversation the store says the bot owns is waiting for a person, and the
 * inbox says so instead of "Bot".
 */
export function botActive(
  settings: { enabled: boolean } | undefined,
  flows: readonly { enabled: boolean; published: unknown }[] | undefined,
  keywords: readonly { enabled: boolean }[] | undefined,
): boolean | null {
  if (settings === undefined || flows === undefined || keywords === undefined) return null;
  if (!settings.enabled) return false;
  return keywords.some((k) => k.enabled) || flows.some((f) => f.enabled && f.published !== null);
}
