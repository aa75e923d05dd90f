// "Organizar": places every block left to right in the order a conversation
// goes, with dagre (a well-kept layered-graph layout) instead of a hand-made
// placement. Sizes come from what the canvas measured, or a block's usual size.
import { Graph, layout } from "@dagrejs/dagre";
import type { FlowDocument } from "../../../ipc/call";
import { handlesOf } from "./graph";

export interface Size { width: number; height: number }

/** A block's size before the canvas has measured it. */
export const DEFAULT_SIZE: Size = { width: 240, height: 110 };

/** The document's nodes moved to a layered layout (positions are top-left corners, as React Flow's). */
export function autoLayout(doc: FlowDocument, sizes: Map<string, Size>): Map<string, { x: number; y: number }> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) g.setNode(n.id, { ...(sizes.get(n.id) ?? DEFAULT_SIZE) });
  // Branches in their handle order, so a menu's options stay top to bottom.
  const order = new Map(doc.nodes.map((n) => [n.id, handlesOf(n)]));
  const edges = [...doc.edges].sort((a, b) =>
    a.from === b.from ? (order.get(a.from) ?? []).indexOf(a.handle) - (order.get(b.from) ?? []).indexOf(b.handle) : 0);
  for (const e of edges) {
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, e.id);
  }
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of doc.nodes) {
    const placed = g.node(n.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (!placed) continue;
    out.set(n.id, { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) });
  }
  return out;
}
