import { expect, test } from "vitest";
import { documentText, placeOffset } from "../../src/screens/automation/document";
import { STARTERS } from "../../src/screens/automation/starters";
import type { FlowDocument } from "../../src/ipc/call";
import { handlesOf as handles } from "../../src/screens/automation/canvas/graph";

const sound: FlowDocument = {
  schema: 1, start: "oi",
  nodes: [
    { id: "oi", position: { x: 0, y: 0 }, type: "send", content: { kind: "text", text: "Oi!" }, typing_ms: 800 },
    { id: "menu", position: { x: 200, y: 0 }, type: "menu", question: "Como ajudar?", options: [{ id: "a", label: "Pedidos", synonyms: [] }], retry: "De novo?", tries: 2 },
    { id: "fim", position: { x: 400, y: 0 }, type: "end" },
  ],
  edges: [{ id: "e1", from: "oi", handle: "next", to: "menu" }],
};

test("Rust's text place is found in the text: serde_json's line and byte column, a block or link by its id", () => {
  const text = documentText(sound);
  // Line 3 is `  "start": "oi",`; column 12 (bytes, 1-based) is the opening quote.
  expect(text.slice(placeOffset(text, { kind: "text", line: 3, column: 12 }) ?? -1)).toMatch(/^"oi",/);
  // Bytes, not characters: "ção" is 4 characters but 6 bytes.
  const accented = "{\n  \"ação\": x\n}";
  expect(accented.slice(placeOffset(accented, { kind: "text", line: 2, column: 13 }) ?? -1)).toBe("x\n}");
  expect(placeOffset(text, { kind: "text", line: 99, column: 1 })).toBeNull();
  // A block by its id among the nodes, a link among the edges, even when a link shares the id.
  const menu = placeOffset(text, { kind: "node", index: 1, id: "menu" }) ?? -1;
  expect(text.slice(menu)).toMatch(/^"id": "menu",\s*"position"/);
  const twin = documentText({ ...sound, edges: [{ id: "oi", from: "oi", handle: "next", to: "menu" }] });
  const link = placeOffset(twin, { kind: "edge", index: 0, id: "oi" }) ?? -1;
  expect(twin.slice(link)).toMatch(/^"id": "oi",\s*"from"/);
  expect(placeOffset(text, { kind: "node", index: 5, id: null })).toBeNull();
  expect(placeOffset(text, { kind: "node", index: 0, id: "nenhum" })).toBeNull();
  expect(placeOffset(text, { kind: "document" })).toBe(0);
});

test("every starter survives its text, and every branch of it leads to a block that exists", () => {
  for (const starter of STARTERS) {
    if (!starter.document) continue;
    const doc = starter.document;
    // Whole through a save's JSON (what flows_check_text reads).
    expect(JSON.parse(documentText(doc)), starter.id).toEqual(doc);
    const ids = new Set(doc.nodes.map((n) => n.id));
    expect(ids.size, starter.id).toBe(doc.nodes.length);
    expect(ids.has(doc.start), starter.id).toBe(true);
    const linked = doc.edges.map((e) => `${e.from} ${e.handle}`);
    expect(new Set(linked).size, starter.id).toBe(linked.length);
    for (const e of doc.edges) expect(ids.has(e.to) && ids.has(e.from), e.id).toBe(true);
    for (const n of doc.nodes) for (const h of handles(n)) expect(linked, `${starter.id}: ${n.id} ${h}`).toContain(`${n.id} ${h}`);
    for (const e of doc.edges) expect(handles(doc.nodes.find((n) => n.id === e.from)!), e.id).toContain(e.handle);
  }
});
