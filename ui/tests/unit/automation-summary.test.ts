import { expect, test } from "vitest";
import { translator } from "../../src/i18n";
import type { Actions, Explanation, FlowSummary, Keyword, KeywordMatch } from "../../src/ipc/call";
import {
  actionsSummary, durationMinutes, durationParts, emptyKeyword, flowStatus, keywordInput, numbersText, snippet, triggerSummary, wordsWithPending,
} from "../../src/screens/automation/summary";
import { formTriggers, overlapping, triggersForm } from "../../src/screens/automation/FlowTriggers";
import { outcomeText, verdictLines } from "../../src/screens/automation/TestMessage";

const t = translator("pt-BR");
const none: Actions = { reply: null, add_tags: [], remove_tags: [], set_field: null, start_flow: null, handoff: null };
const names = {
  fields: [{ key: "cidade", label: "Cidade" }],
  flows: [{ id: "f1", name: "Boas-vindas" }],
  users: [{ id: "u1", name: "Ana" }],
  files: [{ id: "a1", name: "tabela.pdf" }],
};

test("a keyword's actions read in the order Rust runs them", () => {
  expect(actionsSummary(t, none, names)).toEqual([]);
  const all: Actions = {
    reply: { kind: "text", text: "Olá {{primeiro_nome}}!\nNossa tabela de preços segue em anexo, com tudo" },
    add_tags: ["VIP", "Lead"], remove_tags: ["Frio"], set_field: { field: "cidade", value: "Recife" }, start_flow: "f1", handoff: null,
  };
  expect(actionsSummary(t, all, names)).toEqual([
    "Responde “Olá {{primeiro_nome}}! Nossa tabela de…”",
    "Etiqueta: + VIP, Lead",
    "Etiqueta: − Frio",
    "Cidade = “Recife”",
    "Inicia o fluxo Boas-vindas",
  ]);
  expect(actionsSummary(t, { ...none, reply: { kind: "file", file: "a1", caption: "" }, handoff: { assign: "u1", note: "" } }, names))
    .toEqual(["Envia o arquivo tabela.pdf", "Passa para Ana"]);
  // What no longer exists is said so, not shown as an id.
  expect(actionsSummary(t, { ...none, reply: { kind: "file", file: "x", caption: "" }, start_flow: "gone", handoff: null }, names))
    .toEqual(["Envia o arquivo (arquivo removido)", "Inicia o fluxo (fluxo removido)"]);
  expect(actionsSummary(t, { ...none, handoff: { assign: null, note: "" } }, names)).toEqual(["Passa para um atendente (sem responsável)"]);
});

test("snippets cut on characters, flatten white space", () => {
  expect(snippet("  a\n b  ")).toBe("a b");
  expect(snippet("ééééé", 4)).toBe("ééé…");
  expect(snippet("abcd", 4)).toBe("abcd");
});

test("triggers and numbers in words", () => {
  const numbers = new Map([["n1", "Balcão"], ["n2", "Delivery"]]);
  const tags = new Map([["t1", "VIP"]]);
  expect(numbersText(t, [], numbers)).toBe("Todos os números");
  expect(numbersText(t, ["n1", "n9"], numbers)).toBe("Balcão, número removido");
  expect(triggerSummary(t, { on: "first_message", numbers: [] }, numbers, tags)).toBe("Primeira mensagem de um contato (Todos os números)");
  expect(triggerSummary(t, { on: "no_match", hours: 24, numbers: ["n2"] }, numbers, tags)).toBe("Mensagem sem outra resposta, no máximo a cada 24 h (Delivery)");
  expect(triggerSummary(t, { on: "tag_added", tag: "t1" }, numbers, tags)).toBe("Etiqueta “VIP” adicionada a um contato");
  expect(triggerSummary(t, { on: "tag_added", tag: "t2" }, numbers, tags)).toBe("Etiqueta “(etiqueta removida)” adicionada a um contato");
});

test("the triggers form holds each kind once and gives back what it was given", () => {
  const triggers = [{ on: "no_match" as const, hours: 12, numbers: ["n1"] }, { on: "tag_added" as const, tag: "t1" }, { on: "tag_added" as const, tag: "t2" }];
  const form = triggersForm(triggers);
  expect(form.firstMessage).toEqual({ on: false, numbers: [] });
  expect(form.noMatch).toEqual({ on: true, hours: 12, numbers: ["n1"] });
  expect(formTriggers(form)).toEqual(triggers);
  // A new "no match" starts at a day.
  expect(triggersForm([]).noMatch.hours).toBe(24);
  expect(formTriggers({ ...form, firstMessage: { on: true, numbers: [] }, noMatch: { ...form.noMatch, on: false }, tags: [] }))
    .toEqual([{ on: "first_message", numbers: [] }]);
});

test("a flow is off, a draft, or published vN with or without changes", () => {
  const published = { id: "v", number: 3, published_at: 0 };
  expect(flowStatus({ enabled: false, published, draft_changed: false })).toEqual({ kind: "off" });
  expect(flowStatus({ enabled: true, published: null, draft_changed: true })).toEqual({ kind: "draft" });
  expect(flowStatus({ enabled: true, published, draft_changed: true })).toEqual({ kind: "published", version: 3, changed: true });
});

test("durations take the largest whole unit and come back to minutes", () => {
  expect(durationParts(0)).toEqual({ value: 0, unit: "minutes" });
  expect(durationParts(90)).toEqual({ value: 90, unit: "minutes" });
  expect(durationParts(120)).toEqual({ value: 2, unit: "hours" });
  expect(durationParts(1440)).toEqual({ value: 1, unit: "days" });
  expect(durationParts(43200)).toEqual({ value: 30, unit: "days" });
  expect(durationMinutes(3, "hours")).toBe(180);
  expect(durationMinutes(2, "days")).toBe(2880);
});

test("the words box counts what is still typed, once", () => {
  expect(wordsWithPending(["preço"], "  valor ")).toEqual(["preço", "valor"]);
  expect(wordsWithPending(["preço"], "preço")).toEqual(["preço"]);
  expect(wordsWithPending([], "   ")).toEqual([]);
});

test("a keyword becomes its editor's input, a copy that does not share its lists", () => {
  const k: Keyword = {
    id: "k", account_id: "a", name: "Preços", match_kind: "exact", words: ["preço"], numbers: ["n1"], priority: 2, enabled: false,
    cooldown_minutes: 60, actions: { ...none, add_tags: ["VIP"] }, created_at: 1, updated_at: 2,
  };
  const input = keywordInput(k);
  expect(input).toEqual({ name: "Preços", match_kind: "exact", words: ["preço"], numbers: ["n1"], priority: 2, enabled: false, cooldown_minutes: 60, actions: k.actions });
  input.words.push("valor");
  input.actions.add_tags.push("Lead");
  expect(k.words).toEqual(["preço"]);
  expect(k.actions.add_tags).toEqual(["VIP"]);
  expect(emptyKeyword()).toMatchObject({ match_kind: "contains", enabled: true, numbers: [], words: [] });
});

test("'Testar uma mensagem' says what fires and why the others lose", () => {
  const match = (outcome: KeywordMatch["outcome"]): KeywordMatch => ({ id: "k", name: "Promo", word: "preço", priority: 0, outcome });
  expect(outcomeText(t, match({ kind: "fires" }))).toBe("dispara");
  expect(outcomeText(t, match({ kind: "lower_priority", winner: "w", winner_name: "Tabela" }))).toBe("perde para Tabela, de prioridade maior");
  expect(outcomeText(t, match({ kind: "older_wins", winner: "w", winner_name: "Tabela" }))).toBe("perde para Tabela: mesma prioridade, criada antes");
  expect(outcomeText(t, match({ kind: "not_on_this_number" }))).toBe("não dispara: não responde neste número");
  const explained = (verdict: Explanation["verdict"]): Explanation => ({ automation_off: false, verdict, keywords: [] });
  expect(verdictLines(t, explained({ kind: "keyword", id: "k", name: "Preços", word: "preço", priority: 1 })))
    .toEqual(["Dispara a palavra-chave Preços (palavra “preço”, prioridade 1)."]);
  expect(verdictLines(t, explained({ kind: "handoff", word: "atendente" }))).toEqual(["Passa para um atendente: a mensagem tem a palavra “atendente”."]);
  expect(verdictLines(t, explained({ kind: "flows", first_message: { id: "f", name: "Boas-vindas", hours: null }, no_match: { id: "g", name: "Padrão", hours: 24 } }))).toEqual([
    "Nenhuma palavra-chave dispara.",
    "Se for a primeira mensagem do contato neste número: inicia o fluxo Boas-vindas.",
    "Sem outra resposta: inicia o fluxo Padrão (no máximo uma vez a cada 24 h por contato).",
  ]);
  expect(verdictLines(t, explained({ kind: "nothing" }))).toEqual(["Nada responderia a esta mensagem."]);
});

test("a trigger that clashes with another enabled flow's, on a shared number, is named as the form changes", () => {
  const summary = (id: string, triggers: FlowSummary["triggers"], enabled = true): FlowSummary => ({
    id, name: id, revision: 1, published: null, draft_changed: true, triggers, enabled, active_sessions: 0, sessions_started: 0, last_published_by: null, created_at: 0, updated_at: 0,
  });
  const flows = [
    summary("me", [{ on: "first_message", numbers: [] }]),
    summary("Balcão", [{ on: "first_message", numbers: ["n1"] }]),
    summary("Padrão", [{ on: "no_match", hours: 24, numbers: [] }]),
    summary("Desligado", [{ on: "first_message", numbers: [] }], false),
  ];
  const me = { id: "me", enabled: true };
  expect(overlapping(flows, me, "first_message", [])).toEqual(["Balcão"]);
  expect(overlapping(flows, me, "first_message", ["n1", "n2"])).toEqual(["Balcão"]);
  expect(overlapping(flows, me, "first_message", ["n2"])).toEqual([]);
  expect(overlapping(flows, me, "no_match", ["n2"])).toEqual(["Padrão"]);
  // A flow that is off clashes with nothing until it is turned on (Rust checks it then).
  expect(overlapping(flows, { id: "me", enabled: false }, "no_match", [])).toEqual([]);
});
