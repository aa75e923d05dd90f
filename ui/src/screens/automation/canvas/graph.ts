// The flow document as the canvas edits it: pure functions over the engine's
// own `FlowDocument` (no copy of it in another shape), so what is drawn is
// exactly what runs. Handles mirror Rust's `NodeKind::handles`; every change
// returns a new document and leaves the old one alone (undo keeps them).
import type { Edge, FlowDocument, Node, NodeKind } from "../../../ipc/call";

export type NodeType = NodeKind["type"];

/** Every node type, in the palette's order. */
export const NODE_TYPES: NodeType[] = [
  "send", "menu", "ask", "condition", "tags", "set_field", "delay",
  "http", "ai", "randomizer", "go_to_flow", "handoff", "end",
];

/** The handles a node's branches leave from, in the order they are drawn (Rust: `NodeKind::handles`). */
export function handlesOf(node: NodeKind): string[] {
  switch (node.type) {
    case "send": case "tags": case "set_field": case "delay": return ["next"];
    case "menu": return [...node.options.map((o) => `option:${o.id}`), "other"];
    case "ask": return node.timeout_minutes === null ? ["next", "failed"] : ["next", "failed", "timeout"];
    case "condition": return ["true", "false"];
    case "http": return ["next", "error"];
    case "ai": return ["next", "handoff"];
    case "randomizer": return node.splits.map((s) => `branch:${s.id}`);
    case "go_to_flow": case "handoff": case "end": return [];
    // A block of a newer ZapDesk (pasted from its clipboard): no branch this one knows.
    default: return [];
  }
}

/** Readable id prefixes: findings and the bot's log name blocks by id. */
const PREFIX: Record<NodeType, string> = {
  send: "mensagem", menu: "menu", ask: "pergunta", condition: "condicao", tags: "etiquetas",
  set_field: "campo", delay: "espera", http: "http", ai: "ia", randomizer: "sorteio",
  go_to_flow: "ir_para", handoff: "atendente", end: "fim",
};

/** The first `prefix_N` not in `taken`. */
export function freshId(prefix: string, taken: Set<string>): string {
  for (let n = 1; ; n += 1) {
    const id = `${prefix}_${n}`;
    if (!taken.has(id)) return id;
  }
}

function freshEdgeId(taken: Set<string>): string {
  for (let n = 1; ; n += 1) {
    const id = `e${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A new node of `type` with the content a person starts from (Portuguese: contacts read it). */
export function blankKind(type: NodeType): NodeKind {
  switch (type) {
    case "send": return { type, content: { kind: "text", text: "" }, typing_ms: 1000 };
    case "menu": return {
      type, question: "", tries: 2, retry: "Não entendi. Responda com o número de uma das opções.",
      options: [{ id: "a", label: "", synonyms: [] }, { id: "b", label: "", synonyms: [] }],
    };
    case "ask": return {
      type, question: "", answer: "text", field: null, tries: 2,
      retry: "Não consegui entender. Pode responder de novo?", timeout_minutes: null,
    };
    case "condition": return { type, combine: "all", rules: [{ subject: { kind: "last_reply" }, operator: "contains", value: "" }] };
    case "tags": return { type, add: [], remove: [] };
    case "set_field": return { type, field: "", value: "" };
    case "delay": return { type, minutes: 60, window: null };
    case "http": return { type, method: "GET", url: "", headers: [], body: null, timeout_ms: 10_000, save: [] };
    case "ai": return { type, instructions: "", max_chars: 600 };
    case "randomizer": return { type, splits: [{ id: "a", percent: 50 }, { id: "b", percent: 50 }] };
    case "go_to_flow": return { type, flow: "" };
    case "handoff": return { type, assign: null, note: "" };
    case "end": return { type };
  }
}

/** The document with a new node of `type` at `position`; its id. */
export function addNode(doc: FlowDocument, type: NodeType, position: { x: number; y: number }): [FlowDocument, string] {
  const id = freshId(PREFIX[type], new Set(doc.nodes.map((n) => n.id)));
  const node = { id, position: round(position), ...blankKind(type) } as Node;
  // An empty flow starts on its first node.
  const start = doc.nodes.length === 0 ? id : doc.start;
  return [{ ...doc, start, nodes: [...doc.nodes, node] }, id];
}

function round(p: { x: number; y: number }) {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/** Replaces one node's content (its id and position stay); branches of handles it no longer has are dropped. */
export function updateNode(doc: FlowDocument, id: string, kind: NodeKind): FlowDocument {
  const nodes = doc.nodes.map((n) => (n.id === id ? ({ id: n.id, position: n.position, ...kind } as Node) : n));
  const handles = new Set(handlesOf(kind));
  const edges = doc.edges.filter((e) => e.from !== id || handles.has(e.handle));
  return { ...doc, nodes, edges };
}

/** Moves nodes (ids to positions); the same document when nothing moved. */
export function moveNodes(doc: FlowDocument, moved: Map<string, { x: number; y: number }>): FlowDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const to = moved.get(n.id);
    if (!to) return n;
    const p = round(to);
    if (p.x === n.position.x && p.y === n.position.y) return n;
    changed = true;
    return { ...n, position: p };
  });
  return changed ? { ...doc, nodes } : doc;
}

/**
 * Connects `from`'s `handle` to `to`: a branch leads to one block only, so
 * an edge already on that handle is replaced. The same document when the
 * connection is not one (no such handle, itself, unknown node).
 */
export function connect(doc: FlowDocument, from: string, handle: string, to: string): FlowDocument {
  const source = doc.nodes.find((n) => n.id === from);
  if (!source || !doc.nodes.some((n) => n.id === to) || !handlesOf(source).includes(handle)) return doc;
  const existing = doc.edges.find((e) => e.from === from && e.handle === handle);
  if (existing?.to === to) return doc;
  const others = doc.edges.filter((e) => e !== existing);
  const id = existing?.id ?? freshEdgeId(new Set(doc.edges.map((e) => e.id)));
  return { ...doc, edges: [...others, { id, from, handle, to }] };
}

/** Removes a branch's edge (the handle leads nowhere again). */
export function disconnect(doc: FlowDocument, from: string, handle: string): FlowDocument {
  const edges = doc.edges.filter((e) => !(e.from === from && e.handle === handle));
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** Removes nodes (and every edge touching them) and edges; the start node is kept (a flow needs one). */
export function remove(doc: FlowDocument, nodeIds: Set<string>, edgeIds: Set<string>): FlowDocument {
  const gone = new Set([...nodeIds].filter((id) => id !== doc.start));
  const nodes = doc.nodes.filter((n) => !gone.has(n.id));
  const edges = doc.edges.filter((e) => !edgeIds.has(e.id) && !gone.has(e.from) && !gone.has(e.to));
  if (nodes.length === doc.nodes.length && edges.length === doc.edges.length) return doc;
  return { ...doc, nodes, edges };
}

export function setStart(doc: FlowDocument, id: string): FlowDocument {
  return doc.nodes.some((n) => n.id === id) && doc.start !== id ? { ...doc, start: id } : doc;
}

/** What the canvas copies: blocks and the branches between them. */
export interface Clip {
  zapdesk: "flow-blocks";
  nodes: Node[];
  edges: Edge[];
}

export function copy(doc: FlowDocument, ids: Set<string>): Clip | null {
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  return { zapdesk: "flow-blocks", nodes, edges };
}

/**
 * A clipboard text as blocks, or null when it is not one (anything else on
 * the clipboard). Blocks of a type this ZapDesk does not know (copied from
 * a newer one) or without a place are left out, with their lines.
 */
export function readClip(text: string): Clip | null {
  try {
    const value = JSON.parse(text) as Partial<Clip>;
    if (value?.zapdesk !== "flow-blocks" || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
    const nodes = value.nodes.filter((n) => typeof n?.id === "string" && NODE_TYPES.includes(n.type)
      && typeof n.position?.x === "number" && typeof n.position.y === "number");
    const ids = new Set(nodes.map((n) => n.id));
    const edges = value.edges.filter((e) => ids.has(e?.from) && ids.has(e?.to) && typeof e.handle === "string");
    return nodes.length > 0 ? { zapdesk: "flow-blocks", nodes, edges } : null;
  } catch {
    return null;
  }
}

/** The same document, whatever the order of each object's keys (Rust and the canvas write them differently). */
export function sameDocument(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameDocument(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameDocument((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Pastes blocks under new ids (ids already in the flow are never reused),
 * moved by `offset`; their branches between them kept. The document and the
 * pasted ids.
 */
export function paste(doc: FlowDocument, clip: Clip, offset: { x: number; y: number }): [FlowDocument, string[]] {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const ids = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const base = n.id.replace(/_\d+$/, "") || "bloco";
    const id = freshId(base, taken);
    taken.add(id);
    ids.set(n.id, id);
    return { ...n, id, position: round({ x: (n.position.x ?? 0) + offset.x, y: (n.position.y ?? 0) + offset.y }) };
  });
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const edges: Edge[] = [];
  for (const e of clip.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (!from || !to) continue;
    const id = freshEdgeId(edgeIds);
    edgeIds.add(id);
    edges.push({ id, from, handle: e.handle, to });
  }
  const start = doc.nodes.length === 0 ? nodes[0]?.id ?? doc.start : doc.start;
  return [{ ...doc, start, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, nodes.map((n) => n.id)];
}

/** The edge on a node's handle, if any. */
export function edgeOf(doc: FlowDocument, from: string, handle: string): Edge | undefined {
  return doc.edges.find((e) => e.from === from && e.handle === handle);
}
