// A flow document typed by hand (the JSON text area of the Fluxos screen):
// where its text first breaks, and whether it has the shape Rust reads
// (crates/core/src/automation/flow.rs), so that only a document Rust can read
// is sent to `flows_save_draft` — one it cannot read would be refused by the
// IPC layer itself, in English, with no place named. Rust's own checks (what
// a document means: dangling links, unknown fields, …) stay Rust's: they come
// back from `flows_check`.
import type { Translate } from "../../i18n";
import type { FlowDocument } from "../../ipc/call";

/** The schema this UI writes (flow.rs `SCHEMA`). */
export const SCHEMA = 1;

/** Where a document first goes wrong, as Rust's `flow::Place` names it. */
export type Place =
  | { kind: "text"; line: number; column: number }
  | { kind: "node"; index: number; id: string | null }
  | { kind: "edge"; index: number; id: string | null }
  | { kind: "document" };

/** Why the JSON text does not read. */
export type SyntaxReason = "end" | "char" | "comma_or_close" | "colon" | "key" | "trailing";

/** What a value should have been. */
export type Expect =
  | "object" | "string" | "integer" | "number" | "list" | "string_or_null" | "integer_or_null" | "object_or_null"
  | { one_of: string[] };

export type DocumentProblem =
  | { kind: "syntax"; place: Extract<Place, { kind: "text" }>; reason: SyntaxReason; found: string }
  | { kind: "shape"; place: Place; field: string; expect: Expect }
  | { kind: "too_new"; schema: number };

export type DocumentRead = { ok: true; doc: FlowDocument } | { ok: false; problem: DocumentProblem };

/** 1-based line and column (in characters) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, column: [...text.slice(start, end)].length + 1 };
}

interface SyntaxError { offset: number; reason: SyntaxReason }

/**
 * The first place `text` is not JSON, or null. A scanner of its own rather
 * than JSON.parse's message: engines word it differently, and some name no
 * position at all ("Unexpected token 'x', … is not valid JSON").
 */
export function jsonSyntaxError(text: string): SyntaxError | null {
  let at = 0;
  const ws = () => {
    while (at < text.length && " \t\n\r".includes(text[at]!)) at++;
  };
  const fail = (reason: SyntaxReason): never => {
    throw { offset: at, reason: at >= text.length ? "end" : reason } satisfies SyntaxError;
  };
  const string = () => {
    at++; // the opening quote
    while (at < text.length) {
      const c = text[at]!;
      if (c === "\"") {
        at++;
        return;
      }
      if (c === "\\") {
        const next = text[at + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
            at += 2;
            fail("char");
          }
          at += 6;
        } else if (next !== undefined && "\"\\/bfnrt".includes(next)) at += 2;
        else {
          at++;
          fail("char");
        }
      } else if (c < " ") fail("char");
      else at++;
    }
    fail("end");
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!m || m[0] === "-") fail("char");
    at += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[at] ?? fail("end");
    if (c === "{") {
      at++;
      ws();
      if (text[at] === "}") {
        at++;
        return;
      }
      for (;;) {
        ws();
        if (text[at] !== "\"") fail("key");
        string();
        ws();
        if (text[at] !== ":") fail("colon");
        at++;
        value();
        ws();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return;
        }
        fail("comma_or_close");
      }
    }
    if (c === "[") {
      at++;
      ws();
      if (text[at] === "]") {
        at++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return;
        }
        fail("comma_or_close");
      }
    }
    if (c === "\"") return string();
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
    }
    fail("char");
  };
  try {
    value();
    ws();
    if (at < text.length) fail("trailing");
    return null;
  } catch (e) {
    return e as SyntaxError;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A value that does not fit: where inside it (`options[1].label`, empty: the value itself) and what it should be. */
interface Issue { path: string; expect: Expect }
/** Checks one value. */
type Check = (value: Json | undefined) => Issue | null;
type Spec = Record<string, Check>;

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);
const wrong = (expect: Expect): Issue => ({ path: "", expect });
const str: Check = (v) => (typeof v === "string" ? null : wrong("string"));
const int: Check = (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? null : wrong("integer"));
const byte: Check = (v) => (int(v) === null && (v as number) <= 255 ? null : wrong("integer"));
const num: Check = (v) => (typeof v === "number" ? null : wrong("number"));
// Rust's Option<…> fields may be missing or null.
const strOrNull: Check = (v) => (v === undefined || v === null || typeof v === "string" ? null : wrong("string_or_null"));
const intOrNull: Check = (v) => (v === undefined || v === null || int(v) === null ? null : wrong("integer_or_null"));
const oneOf = (list: string[]): Check => (v) => (typeof v === "string" && list.includes(v) ? null : wrong({ one_of: list }));
const join = (outer: string, inner: string) => (inner === "" ? outer : inner.startsWith("[") ? `${outer}${inner}` : `${outer}.${inner}`);
const listOf = (item: Check): Check => (v) => {
  if (!Array.isArray(v)) return wrong("list");
  for (const [i, x] of v.entries()) {
    const issue = item(x);
    if (issue) return { path: join(`[${i}]`, issue.path), expect: issue.expect };
  }
  return null;
};
const object = (spec: Spec): Check => (v) => (isObject(v) ? fieldsOf(v, spec) : wrong("object"));
const objectOrNull = (spec: Spec): Check => (v) => (v === undefined || v === null ? null : isObject(v) ? fieldsOf(v, spec) : wrong("object_or_null"));

/** The first field of `v` that does not fit `spec`, with its path. */
function fieldsOf(v: { [key: string]: Json }, spec: Spec): Issue | null {
  for (const [field, check] of Object.entries(spec)) {
    const issue = check(v[field]);
    if (issue) return { path: join(field, issue.path), expect: issue.expect };
  }
  return null;
}

/** A tagged value (`{"kind": …}`): the tag, then the fields of its variant. */
const tagged = (variants: Record<string, Spec>): Check => (v) => {
  if (!isObject(v)) return wrong("object");
  const spec = typeof v.kind === "string" ? variants[v.kind] : undefined;
  return spec ? fieldsOf(v, spec) : { path: "kind", expect: { one_of: Object.keys(variants) } };
};
const content = tagged({ text: { text: str }, file: { file: str, caption: str } });
const subject = tagged({ field: { key: str }, tag: { key: str }, last_reply: {}, time_of_day: {}, weekday: {} });

/** Each node type's fields, as flow.rs `NodeKind` has them. */
export const NODE_FIELDS: Record<string, Spec> = {
  send: { content, typing_ms: int },
  menu: { question: str, options: listOf(object({ id: str, label: str, synonyms: listOf(str) })), retry: str, tries: byte },
  ask: {
    question: str, answer: oneOf(["text", "number", "email", "phone", "date", "cpf_cnpj", "yes_no"]),
    field: strOrNull, retry: str, tries: byte, timeout_minutes: intOrNull,
  },
  condition: {
    combine: oneOf(["all", "any"]),
    rules: listOf(object({
      subject, operator: oneOf(["equals", "not_equals", "contains", "starts_with", "greater", "less", "is_set", "is_empty", "matches"]), value: str,
    })),
  },
  tags: { add: listOf(str), remove: listOf(str) },
  set_field: { field: str, value: str },
  delay: { minutes: int, window: objectOrNull({ from: str, to: str, weekdays: listOf(byte) }) },
  http: {
    method: oneOf(["GET", "POST", "PUT", "PATCH", "DELETE"]), url: str, headers: listOf(object({ name: str, value: str })),
    body: strOrNull, timeout_ms: int, save: listOf(object({ pointer: str, field: str })),
  },
  ai: { instructions: str, max_chars: int },
  randomizer: { splits: listOf(object({ id: str, percent: byte })) },
  go_to_flow: { flow: str },
  handoff: { assign: strOrNull, note: str },
  end: {},
};

const NODE_BASE: Spec = { id: str, position: object({ x: num, y: num }), type: oneOf(Object.keys(NODE_FIELDS)) };
const EDGE: Spec = { id: str, from: str, handle: str, to: str };

/** The first part of a parsed value that is not a flow document, in Rust's order (nodes, edges, the document's own fields). */
export function shapeProblem(value: Json): DocumentProblem | null {
  if (!isObject(value)) return { kind: "shape", place: { kind: "document" }, field: "", expect: "object" };
  const schema = value.schema;
  if (typeof schema === "number" && schema > SCHEMA) return { kind: "too_new", schema };
  const idOf = (item: Json): string | null => (isObject(item) && typeof item.id === "string" ? item.id : null);
  const nodes = Array.isArray(value.nodes) ? value.nodes : [];
  for (const [index, node] of nodes.entries()) {
    const place: Place = { kind: "node", index, id: idOf(node) };
    const issue = isObject(node) ? fieldsOf(node, NODE_BASE) ?? fieldsOf(node, NODE_FIELDS[node.type as string] ?? {}) : wrong("object");
    if (issue) return { kind: "shape", place, field: issue.path, expect: issue.expect };
  }
  const edges = Array.isArray(value.edges) ? value.edges : [];
  for (const [index, edge] of edges.entries()) {
    const place: Place = { kind: "edge", index, id: idOf(edge) };
    const issue = isObject(edge) ? fieldsOf(edge, EDGE) : wrong("object");
    if (issue) return { kind: "shape", place, field: issue.path, expect: issue.expect };
  }
  const issue = fieldsOf(value, { schema: int, start: str, nodes: listOf(() => null), edges: listOf(() => null) });
  return issue ? { kind: "shape", place: { kind: "document" }, field: issue.path, expect: issue.expect } : null;
}

/** The document in `text`, or the first thing wrong with it. */
export function readDocument(text: string): DocumentRead {
  const syntax = jsonSyntaxError(text);
  if (syntax) {
    const found = syntax.reason === "end" ? "" : [...text.slice(syntax.offset)][0] ?? "";
    return { ok: false, problem: { kind: "syntax", place: { kind: "text", ...lineColumn(text, syntax.offset) }, reason: syntax.reason, found } };
  }
  const value = JSON.parse(text) as Json;
  const problem = shapeProblem(value);
  return problem ? { ok: false, problem } : { ok: true, doc: value as unknown as FlowDocument };
}

/** A document as the text area shows it: two-space JSON, as `flows_export` writes it. */
export function documentText(doc: FlowDocument): string {
  return JSON.stringify(doc, null, 2);
}

/** "na linha 3, coluna 5", "no bloco 2 (menu)": where, as Rust's refusal of a malformed file says it. */
export function placeText(t: Translate, place: Place): string {
  switch (place.kind) {
    case "text": return t("flows.doc.place.text", { line: place.line, column: place.column });
    case "node": return place.id === null ? t("flows.doc.place.node", { n: place.index + 1 }) : t("flows.doc.place.nodeId", { n: place.index + 1, id: place.id });
    case "edge": return place.id === null ? t("flows.doc.place.edge", { n: place.index + 1 }) : t("flows.doc.place.edgeId", { n: place.index + 1, id: place.id });
    case "document": return t("flows.doc.place.document");
  }
}

function expectText(t: Translate, expect: Expect): string {
  return typeof expect === "string" ? t(`flows.doc.expect.${expect}`) : t("flows.doc.expect.one_of", { list: expect.one_of.join(", ") });
}

/** The problem in a sentence. */
export function problemText(t: Translate, problem: DocumentProblem): string {
  switch (problem.kind) {
    case "syntax":
      return t("flows.doc.syntax", { place: placeText(t, problem.place), reason: t(`flows.doc.reason.${problem.reason}`, { found: problem.found }) });
    case "shape":
      return problem.field === ""
        ? t("flows.doc.shapeWhole", { place: placeText(t, problem.place), expect: expectText(t, problem.expect) })
        : t("flows.doc.shape", { place: placeText(t, problem.place), field: problem.field, expect: expectText(t, problem.expect) });
    case "too_new":
      return t("flows.doc.tooNew", { schema: problem.schema });
  }
}
