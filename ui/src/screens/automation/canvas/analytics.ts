// Analytics on the canvas: Rust counts sessions per block and per branch
// (`flows_analytics`, over sessions started in a period); this turns its
// answer into what each block and line shows.
import type { FlowAnalytics } from "../../../ipc/call";
import type { Translate } from "../../../i18n";

export interface NodeStatsView {
  entered: number;
  /** Ended here: completed, handed off, dropped. */
  stopped: number;
  waiting: number;
  /** "3 concluídas · 1 passada a atendente · 2 abandonadas". */
  stoppedHint: string;
}

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

/**
 * [from, to) in Unix ms: from `days` days before `now`, with no end, so a
 * conversation started while the panel is open counts when its rows arrive.
 */
export function periodRange(days: Period, now: number): [number, number] {
  return [now - days * 86_400_000, Number.MAX_SAFE_INTEGER];
}

export function nodeStats(t: Translate, a: FlowAnalytics): Map<string, NodeStatsView> {
  const out = new Map<string, NodeStatsView>();
  for (const n of a.nodes) {
    const hint = [
      n.completed > 0 ? t("canvas.stats.completed", { n: n.completed }) : null,
      n.handed_off > 0 ? t("canvas.stats.handedOff", { n: n.handed_off }) : null,
      n.dropped > 0 ? t("canvas.stats.dropped", { n: n.dropped }) : null,
      n.timed_out > 0 ? t("canvas.stats.timedOut", { n: n.timed_out }) : null,
    ].filter((x): x is string => x !== null).join(" · ");
    out.set(n.node, { entered: n.entered, stopped: n.completed + n.handed_off + n.dropped, waiting: n.waiting, stoppedHint: hint });
  }
  return out;
}

/** Sessions that took each branch, by `from/handle`. */
export function edgeCounts(a: FlowAnalytics): Map<string, number> {
  return new Map(a.edges.map((e) => [`${e.from}/${e.handle}`, e.taken]));
}
