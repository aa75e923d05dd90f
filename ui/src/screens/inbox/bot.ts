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

/** "🤖 Bot · Menu de atendimento › menu", "🤖 Bot · Palavra-chave Oi", "🤖 Bot"; null for a person's message. */
export function botLabel(t: Translate, m: Pick<Message, "bot_source" | "bot_ref" | "bot_node">, names: BotNames): string | null {
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
      return t("bot.label");
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
  | { reason: "done" | "handoff" | "budget" | "replaced" | "stopped" | "opted_out" | "expired" }
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
const END_REASONS = new Set(["done", "handoff", "loop", "budget", "broken", "went_to", "replaced", "stopped", "opted_out", "expired"]);
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
 * One log line for a person: what happened in their language, and its
 * detail as Rust wrote it — but a session's start and end, stored as JSON,
 * in words (the JSON as stored when this UI does not know its shape).
 */
export function logLineText(t: Translate, line: Pick<LogLine, "what" | "detail">, names: BotNames): { what: string; detail: string } {
  const what = LOG_WHATS.includes(line.what) ? t(`bot.log.${line.what}` as MessageKey) : line.what;
  let detail = line.detail;
  if (line.what === "ended") {
    const end = json(line.detail);
    if (isObject(end) && typeof end.reason === "string" && END_REASONS.has(end.reason)) detail = endReasonText(t, end as EndReason, names);
  } else if (line.what === "started") {
    // "<flow name> (<StartedBy as JSON>)"
    const m = /^(.*) \((\{.*\})\)$/s.exec(line.detail);
    const by = m ? json(m[2] ?? "") : undefined;
    if (m && isObject(by) && typeof by.by === "string" && STARTED_BY.includes(by.by)) {
      detail = t("bot.log.startedDetail", { flow: m[1] ?? "", by: startedByText(t, by as StartedBy, names) });
    }
  }
  return { what, detail };
}

/** The variable a session keeps under `key`, named for a person: the last reply, or the question's block. */
export function variableName(t: Translate, key: string): string {
  return key === "ultima_resposta" ? t("bot.var.lastReply") : t("bot.var.answer", { node: key });
}
