// Words the canvas shows for blocks and their branches, and the one-line
// summary of what a block does (what a person reads on the node).
import type { Node, NodeKind } from "../../../ipc/call";
import type { MessageKey, Translate } from "../../../i18n";
import type { NodeType } from "./graph";
import { snippet } from "../summary";

export const TYPE_LABEL: Record<NodeType, MessageKey> = {
  send: "canvas.type.send", menu: "canvas.type.menu", ask: "canvas.type.ask", condition: "canvas.type.condition",
  tags: "canvas.type.tags", set_field: "canvas.type.set_field", delay: "canvas.type.delay", http: "canvas.type.http",
  ai: "canvas.type.ai", randomizer: "canvas.type.randomizer", go_to_flow: "canvas.type.go_to_flow",
  handoff: "canvas.type.handoff", end: "canvas.type.end",
};

// Symbols every desktop's fonts have (DejaVu, Segoe UI, SF): emoji are not
// drawn where no colour emoji font is installed (a plain Linux desktop).
export const TYPE_ICON: Record<NodeType, string> = {
  send: "✉", menu: "☰", ask: "?", condition: "◇", tags: "#", set_field: "✎", delay: "◷",
  http: "⇄", ai: "✦", randomizer: "⚄", go_to_flow: "↪", handoff: "☺", end: "■",
};

/** A branch's label as the node shows it beside its handle. */
export function handleLabel(t: Translate, node: NodeKind, handle: string): string {
  if (handle.startsWith("option:")) {
    const options = node.type === "menu" ? node.options : [];
    const i = options.findIndex((o) => `option:${o.id}` === handle);
    const label = options[i]?.label.trim();
    return `${i + 1}. ${label || t("canvas.handle.optionUnnamed")}`;
  }
  if (handle.startsWith("branch:")) {
    const split = node.type === "randomizer" ? node.splits.find((s) => `branch:${s.id}` === handle) : undefined;
    return `${split?.percent ?? 0}%`;
  }
  switch (handle) {
    case "next": return t("canvas.handle.next");
    case "other": return t("canvas.handle.other");
    case "failed": return t("canvas.handle.failed", { n: node.type === "ask" ? node.tries : 0 });
    case "timeout": return t("canvas.handle.timeout", { n: node.type === "ask" ? node.timeout_minutes ?? 0 : 0 });
    case "true": return t("canvas.handle.true");
    case "false": return t("canvas.handle.false");
    case "error": return t("canvas.handle.error");
    case "handoff": return t("canvas.handle.handoff");
    default: return handle;
  }
}

/** A block shows a few lines of its text at most. */
const cut = (text: string, max = 140) => snippet(text, max);

/** What the block does, in a line or two (the node's body). */
export function nodeSummary(t: Translate, node: Node, flowNames: Map<string, string>): string {
  switch (node.type) {
    case "send":
      return node.content.kind === "text"
        ? cut(node.content.text) || t("canvas.summary.empty")
        : `${t("canvas.summary.file")}: ${cut(node.content.caption)}`;
    case "menu": return cut(node.question) || t("canvas.summary.noQuestion");
    case "ask": {
      const q = cut(node.question) || t("canvas.summary.noQuestion");
      return node.field ? `${q}\n→ {{${node.field}}}` : q;
    }
    case "condition":
      return node.rules.length === 0
        ? t("canvas.summary.noRules")
        : t(node.combine === "all" ? "canvas.summary.rulesAll" : "canvas.summary.rulesAny", { n: node.rules.length });
    case "tags": {
      const parts = [...node.add.map((x) => `+ ${x}`), ...node.remove.map((x) => `− ${x}`)];
      return parts.length ? parts.join("  ") : t("canvas.summary.noTags");
    }
    case "set_field": return node.field ? `{{${node.field}}} = ${cut(node.value, 60)}` : t("canvas.summary.noField");
    case "delay": return t("canvas.summary.delay", { d: minutesText(t, node.minutes) }) + (node.window ? ` · ${node.window.from}–${node.window.to}` : "");
    case "http": return node.url ? `${node.method} ${cut(node.url, 80)}` : t("canvas.summary.noUrl");
    case "ai": return cut(node.instructions) || t("canvas.summary.aiDefault");
    case "randomizer": return node.splits.map((s) => `${s.percent}%`).join(" / ");
    case "go_to_flow": return flowNames.get(node.flow) ?? (node.flow ? t("canvas.summary.flowGone") : t("canvas.summary.noFlow"));
    case "handoff": return cut(node.note) || t("canvas.summary.handoff");
    case "end": return t("canvas.summary.end");
  }
}

/** `90` → "1 h 30 min", `2880` → "2 d". */
export function minutesText(t: Translate, minutes: number): string {
  if (minutes === 0) return t("canvas.duration.none");
  const parts: string[] = [];
  let left = minutes;
  for (const [size, unit] of [[1440, "d"], [60, "h"], [1, "min"]] as const) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)} ${unit}`);
      left %= size;
    }
  }
  return parts.join(" ");
}
