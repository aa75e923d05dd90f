import { expect, test } from "vitest";
import type { FlowDocument } from "../../src/ipc/call";
import {
  addNode, blankKind, connect, copy, disconnect, handlesOf, moveNodes, NODE_TYPES, paste, readClip, remove, setStart, updateNode,
} from "../../src/screens/automation/canvas/graph";
import { push, redo, start, undo, HISTORY_LIMIT } from "../../src/screens/automation/canvas/history";
import { autoLayout } from "../../src/screens/automation/canvas/layout";
import { STARTERS } from "../../src/screens/automation/starters";

const empty: FlowDocument = { schema: 1, start: "", nodes: [], edges: [] };

function menuFlow(): FlowDocument {
  let [doc] = addNode(empty, "send", { x: 0, y: 0 });
  [doc] = addNode(doc, "menu", { x: 300, y: 0 });
  [doc] = addNode(doc, "handoff", { x: 600, y: 0 });
  [doc] = addNode(doc, "end", { x: 600, y: 200 });
  doc = connect(doc, "mensagem_1", "next", "menu_1");
  doc = connect(doc, "menu_1", "option:a", "atendente_1");
  return connect(doc, "menu_1", "other", "fim_1");
}

test("a new block gets a readable id no other block has, and an empty flow starts on its first one", () => {
  let [doc, id] = addNode(empty, "send", { x: 10.4, y: 20.6 });
  expect(id).toBe("mensagem_1");
  expect(doc.start).toBe("mensagem_1");
  expect(doc.nodes[0]?.position).toEqual({ x: 10, y: 21 });
  [doc, id] = addNode(doc, "send", { x: 0, y: 0 });
  expect(id).toBe("mensagem_2");
  expect(doc.start).toBe("mensagem_1");
  // Every type starts with the fields its engine node has, and its branches.
  for (const type of NODE_TYPES) expect(blankKind(type).type).toBe(type);
  expect(handlesOf(blankKind("menu"))).toEqual(["option:a", "option:b", "other"]);
  expect(handlesOf(blankKind("end"))).toEqual([]);
});

test("a branch leads to one block: connecting it again replaces its line; a handle the block lacks is refused", () => {
  let doc = menuFlow();
  expect(doc.edges).toHaveLength(3);
  doc = connect(doc, "menu_1", "option:a", "fim_1");
  const fromA = doc.edges.filter((e) => e.from === "menu_1" && e.handle === "option:a");
  expect(fromA).toHaveLength(1);
  expect(fromA[0]?.to).toBe("fim_1");
  expect(connect(doc, "fim_1", "next", "menu_1")).toBe(doc);
  expect(connect(doc, "menu_1", "option:zz", "fim_1")).toBe(doc);
  expect(connect(doc, "menu_1", "option:b", "nobody")).toBe(doc);
  doc = disconnect(doc, "menu_1", "option:a");
  expect(doc.edges.some((e) => e.handle === "option:a")).toBe(false);
});

test("edges of a handle a block no longer has go with it; deleting keeps the start block", () => {
  let doc = menuFlow();
  const menu = doc.nodes.find((n) => n.id === "menu_1");
  if (menu?.type !== "menu") throw new Error("menu");
  doc = updateNode(doc, "menu_1", { ...menu, options: menu.options.filter((o) => o.id !== "a") });
  expect(doc.edges.map((e) => e.handle).sort()).toEqual(["next", "other"]);
  const removed = remove(doc, new Set(["mensagem_1", "fim_1"]), new Set());
  expect(removed.nodes.map((n) => n.id)).toContain("mensagem_1");
  expect(removed.nodes.map((n) => n.id)).not.toContain("fim_1");
  expect(removed.edges.some((e) => e.to === "fim_1")).toBe(false);
  expect(setStart(doc, "menu_1").start).toBe("menu_1");
});

test("copied blocks paste under new ids with the lines between them, into this flow or another", () => {
  const doc = menuFlow();
  const clip = copy(doc, new Set(["menu_1", "atendente_1"]));
  expect(clip?.nodes).toHaveLength(2);
  expect(clip?.edges.map((e) => e.handle)).toEqual(["option:a"]);
  const text = JSON.stringify(clip);
  expect(readClip(text)).toEqual(clip);
  expect(readClip("hello")).toBeNull();
  expect(readClip('{"nodes": []}')).toBeNull();
  // A block of a newer ZapDesk, or one without a place, is left out with its lines.
  const newer = { ...clip!, nodes: [...clip!.nodes, { id: "x", position: { x: 0, y: 0 }, type: "video_call" }, { id: "y", type: "end" }],
    edges: [...clip!.edges, { id: "ex", from: "menu_1", handle: "other", to: "x" }] };
  expect(readClip(JSON.stringify(newer))).toEqual(clip);
  const [pasted, ids] = paste(doc, clip!, { x: 40, y: 40 });
  expect(ids).toEqual(["menu_2", "atendente_2"]);
  expect(pasted.nodes.find((n) => n.id === "menu_2")?.position).toEqual({ x: 340, y: 40 });
  expect(pasted.edges.filter((e) => e.from === "menu_2")).toEqual([expect.objectContaining({ handle: "option:a", to: "atendente_2" })]);
  const ids2 = new Set(pasted.edges.map((e) => e.id));
  expect(ids2.size).toBe(pasted.edges.length);
  // Into an empty flow: the first pasted block is where it starts.
  const [other] = paste(empty, clip!, { x: 0, y: 0 });
  expect(other.start).toBe("menu_1");
});

test("undo and redo walk whole documents; a new change drops what could be redone; the history is bounded", () => {
  const a = menuFlow();
  const b = moveNodes(a, new Map([["menu_1", { x: 1, y: 1 }]]));
  expect(moveNodes(b, new Map([["menu_1", { x: 1, y: 1 }]]))).toBe(b);
  let h = push(start(a), b);
  expect(push(h, b)).toBe(h);
  h = undo(h);
  expect(h.present).toBe(a);
  h = redo(h);
  expect(h.present).toBe(b);
  const c = moveNodes(a, new Map([["menu_1", { x: 2, y: 2 }]]));
  h = push(undo(h), c);
  expect(h.present).toBe(c);
  expect(h.future).toHaveLength(0);
  let long = start(a);
  for (let i = 0; i < HISTORY_LIMIT + 50; i += 1) long = push(long, moveNodes(long.present, new Map([["menu_1", { x: i + 10, y: 0 }]])));
  expect(long.past).toHaveLength(HISTORY_LIMIT);
});

test("Organizar lays blocks out left to right in conversation order, without overlaps", () => {
  const doc = menuFlow();
  const placed = autoLayout(doc, new Map());
  const x = (id: string) => placed.get(id)?.x ?? NaN;
  expect(x("mensagem_1")).toBeLessThan(x("menu_1"));
  expect(x("menu_1")).toBeLessThan(x("atendente_1"));
  const boxes = [...placed.values()];
  for (const [i, p] of boxes.entries()) {
    for (const q of boxes.slice(i + 1)) expect(Math.abs(p.x - q.x) >= 240 || Math.abs(p.y - q.y) >= 110).toBe(true);
  }
});

/** crates/core/src/fields.rs `key_of`: folded, every run of other characters one "_". */
const keyOf = (label: string) => label.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
  .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");

test("a starter's fields are named as Rust names them from their labels", () => {
  expect(keyOf("Nota de satisfação")).toBe("nota_de_satisfacao");
  for (const s of STARTERS) for (const f of s.fields ?? []) expect(keyOf(f.label), `${s.id} ${f.label}`).toBe(f.key);
});

test("every starter's branches are the handles its blocks have", () => {
  for (const s of STARTERS) {
    if (!s.document) continue;
    for (const n of s.document.nodes) {
      const linked = s.document.edges.filter((e) => e.from === n.id).map((e) => e.handle).sort();
      expect(linked, `${s.id} ${n.id}`).toEqual([...handlesOf(n)].sort());
    }
    // The fields the starter fills are made with it.
    const keys = new Set((s.fields ?? []).map((f) => f.key));
    for (const n of s.document.nodes) {
      if (n.type === "ask" && n.field) expect(keys.has(n.field), `${s.id} ${n.id}`).toBe(true);
      if (n.type === "set_field") expect(keys.has(n.field), `${s.id} ${n.id}`).toBe(true);
    }
  }
});
