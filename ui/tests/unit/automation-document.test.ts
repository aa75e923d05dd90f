import { expect, test } from "vitest";
import { documentText, jsonSyntaxError, lineColumn, placeText, problemText, readDocument } from "../../src/screens/automation/document";
import { STARTERS } from "../../src/screens/automation/starters";
import { translator } from "../../src/i18n";
import type { FlowDocument, Node } from "../../src/ipc/call";

const t = translator("pt-BR");
const sound: FlowDocument = {
  schema: 1, start: "oi",
  nodes: [
    { id: "oi", position: { x: 0, y: 0 }, type: "send", content: { kind: "text", text: "Oi!" }, typing_ms: 800 },
    { id: "menu", position: { x: 200, y: 0 }, type: "menu", question: "Como ajudar?", options: [{ id: "a", label: "Pedidos", synonyms: [] }], retry: "De novo?", tries: 2 },
    { id: "fim", position: { x: 400, y: 0 }, type: "end" },
  ],
  edges: [{ id: "e1", from: "oi", handle: "next", to: "menu" }],
};

test("line and column count characters from 1, lines at each newline", () => {
  expect(lineColumn("abc", 0)).toEqual({ line: 1, column: 1 });
  expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  expect(lineColumn("ãé\nx", 2)).toEqual({ line: 1, column: 3 });
  expect(lineColumn("ab", 99)).toEqual({ line: 1, column: 3 });
});

test("the first place the text is not JSON, with why", () => {
  expect(jsonSyntaxError(documentText(sound))).toBeNull();
  expect(jsonSyntaxError(" [1, 2.5e3, -0, true, null, \"a\\u00e9\\n\"] ")).toBeNull();
  expect(jsonSyntaxError("{\"a\": 1,\n \"b\" 2}")).toEqual({ offset: 14, reason: "colon" });
  expect(jsonSyntaxError("{\"a\": 1 \"b\": 2}")).toEqual({ offset: 8, reason: "comma_or_close" });
  expect(jsonSyntaxError("{\"a\": 1,}")).toEqual({ offset: 8, reason: "key" });
  expect(jsonSyntaxError("{\"a\": tru}")).toEqual({ offset: 6, reason: "char" });
  expect(jsonSyntaxError("{\"a\": [1, 2")).toEqual({ offset: 11, reason: "end" });
  expect(jsonSyntaxError("{} x")).toEqual({ offset: 3, reason: "trailing" });
  expect(jsonSyntaxError("\"tab\there\"")).toEqual({ offset: 4, reason: "char" });
  expect(jsonSyntaxError("")).toEqual({ offset: 0, reason: "end" });
});

test("a syntax error reads with its line and column, as Rust's refusal of a file does", () => {
  const text = documentText(sound).replace("\"start\": \"oi\",", "\"start\": \"oi\"");
  const read = readDocument(text);
  expect(read.ok).toBe(false);
  if (read.ok) return;
  expect(read.problem).toMatchObject({ kind: "syntax", reason: "comma_or_close", place: { kind: "text", line: 4, column: 3 } });
  expect(problemText(t, read.problem)).toBe("O texto não é um JSON válido na linha 4, coluna 3: falta uma vírgula ou o fechamento (} ou ]) antes de “\"”.");
});

test("a document that is JSON but not a flow names the first block or link and the field, with its path", () => {
  const wrongTries = JSON.parse(documentText(sound));
  wrongTries.nodes[1].tries = "duas";
  const read = readDocument(JSON.stringify(wrongTries));
  expect(read.ok || read.problem).toEqual({ kind: "shape", place: { kind: "node", index: 1, id: "menu" }, field: "tries", expect: "integer" });
  if (!read.ok) expect(problemText(t, read.problem)).toBe("O documento não é um fluxo no bloco 2 (menu): “tries” deveria ser um número inteiro (0 ou mais).");

  const option = JSON.parse(documentText(sound));
  delete option.nodes[1].options[0].label;
  const second = readDocument(JSON.stringify(option));
  expect(second.ok || second.problem).toMatchObject({ field: "options[0].label", expect: "string" });

  const unknownType = JSON.parse(documentText(sound));
  unknownType.nodes[2].type = "fim";
  const third = readDocument(JSON.stringify(unknownType));
  expect(third.ok || third.problem).toMatchObject({ place: { kind: "node", index: 2, id: "fim" }, field: "type" });

  const edge = JSON.parse(documentText(sound));
  edge.edges[0].handle = 7;
  const fourth = readDocument(JSON.stringify(edge));
  expect(fourth.ok || fourth.problem).toEqual({ kind: "shape", place: { kind: "edge", index: 0, id: "e1" }, field: "handle", expect: "string" });

  const noStart = JSON.parse(documentText(sound));
  delete noStart.start;
  const fifth = readDocument(JSON.stringify(noStart));
  expect(fifth.ok || fifth.problem).toEqual({ kind: "shape", place: { kind: "document" }, field: "start", expect: "string" });
  if (!fifth.ok) expect(problemText(t, fifth.problem)).toContain("nos campos do documento");
});

test("optional fields may be missing or null; a newer schema is refused whole", () => {
  const ask = { id: "q", position: { x: 0, y: 0 }, type: "ask", question: "E-mail?", answer: "email", retry: "De novo", tries: 2 };
  expect(readDocument(JSON.stringify({ ...sound, nodes: [...sound.nodes, ask] })).ok).toBe(true);
  expect(readDocument(JSON.stringify({ ...sound, nodes: [...sound.nodes, { ...ask, field: null, timeout_minutes: 30 }] })).ok).toBe(true);
  const newer = readDocument(JSON.stringify({ ...sound, schema: 2 }));
  expect(newer.ok || newer.problem).toEqual({ kind: "too_new", schema: 2 });
});

test("places read as Rust words them", () => {
  expect(placeText(t, { kind: "node", index: 0, id: null })).toBe("no bloco 1");
  expect(placeText(t, { kind: "edge", index: 2, id: "e3" })).toBe("na ligação 3 (e3)");
  expect(placeText(translator("en"), { kind: "text", line: 2, column: 7 })).toBe("at line 2, column 7");
});

/** The handles a node's branches leave from (flow.rs `NodeKind::handles`). */
function handles(node: Node): string[] {
  switch (node.type) {
    case "send": case "tags": case "set_field": case "delay": return ["next"];
    case "menu": return [...node.options.map((o) => `option:${o.id}`), "other"];
    case "ask": return ["next", "failed", ...(node.timeout_minutes != null ? ["timeout"] : [])];
    case "condition": return ["true", "false"];
    case "http": return ["next", "error"];
    case "ai": return ["next", "handoff"];
    case "randomizer": return node.splits.map((s) => `branch:${s.id}`);
    default: return [];
  }
}

test("every starter reads, and every branch of it leads to a block that exists", () => {
  for (const starter of STARTERS) {
    if (!starter.document) continue;
    const doc = starter.document;
    expect(readDocument(documentText(doc)).ok, starter.id).toBe(true);
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
