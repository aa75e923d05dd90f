import { expect, test } from "vitest";
import { botLabel, endReasonText, logLineText, NO_NAMES, nodeKindText, startedByText, variableName, waitingText, type BotNames } from "../../src/screens/inbox/bot";
import { translator } from "../../src/i18n";

const t = translator("pt-BR");
const en = translator("en");
const names: BotNames = {
  ...NO_NAMES,
  flows: new Map([["f1", "Menu de atendimento"]]),
  keywords: new Map([["k1", "Oi"]]),
  tags: new Map([["t1", "VIP"]]),
  users: new Map([["u1", "Carla"]]),
  campaigns: new Map([["c1", "Black Friday"]]),
};

test("a bot message says which flow and block, or keyword, sent it; a person's says nothing", () => {
  expect(botLabel(t, { bot_source: "flow", bot_ref: "f1", bot_node: "menu" }, names)).toBe("🤖 Bot · Menu de atendimento › menu");
  expect(botLabel(t, { bot_source: "flow", bot_ref: "gone", bot_node: null }, names)).toBe("🤖 Bot · fluxo excluído");
  expect(botLabel(t, { bot_source: "keyword", bot_ref: "k1", bot_node: null }, names)).toBe("🤖 Bot · Palavra-chave Oi");
  expect(botLabel(en, { bot_source: "keyword", bot_ref: "k1", bot_node: null }, names)).toBe("🤖 Bot · Keyword Oi");
  expect(botLabel(t, { bot_source: "system", bot_ref: null, bot_node: null }, names)).toBe("🤖 Bot");
  expect(botLabel(t, { bot_source: null, bot_ref: null, bot_node: null }, names)).toBeNull();
});

test("what a session waits for and who started it, in words", () => {
  const when = (ms: number) => `@${ms}`;
  expect(waitingText(t, { for: "reply", timeout_at: null }, when)).toBe("esperando a resposta do contato");
  expect(waitingText(t, { for: "reply", timeout_at: 5 }, when)).toBe("esperando a resposta do contato até @5");
  expect(waitingText(t, { for: "timer", at: 7 }, when)).toBe("esperando até @7 para continuar");
  expect(waitingText(t, { for: "call", started: true }, when)).toBe("esperando a resposta de um sistema externo");
  expect(startedByText(t, { by: "manual", operator: "u1" }, names)).toBe("por Carla, à mão");
  expect(startedByText(t, { by: "manual", operator: null }, names)).toBe("à mão, por um atendente");
  expect(startedByText(t, { by: "campaign", campaign: "c1" }, names)).toBe("pela resposta à campanha “Black Friday”");
  expect(startedByText(t, { by: "tag", tag: "gone" }, names)).toBe("por uma etiqueta que foi excluída");
  expect(nodeKindText(t, "ask")).toBe("pergunta");
  expect(nodeKindText(t, "something_new")).toBe("something_new");
  expect(variableName(t, "ultima_resposta")).toBe("Última resposta");
  expect(variableName(t, "email")).toBe("Resposta em email");
});

test("log lines: the what in words, a start's and an end's JSON read, other details as Rust wrote them", () => {
  expect(logLineText(t, { what: "started", detail: "Menu de atendimento ({\"by\":\"keyword\",\"keyword\":\"k1\"})" }, names))
    .toEqual({ what: "Fluxo iniciado", detail: "Menu de atendimento, pela palavra-chave “Oi”" });
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"loop\",\"node\":\"menu\"}" }, names))
    .toEqual({ what: "Fluxo encerrado", detail: "parou: o bloco menu se repetiu sem esperar o contato" });
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"went_to\",\"flow\":\"f1\"}" }, names).detail).toBe("continuou no fluxo “Menu de atendimento”");
  expect(endReasonText(en, { reason: "opted_out" }, names)).toBe("the contact asked not to receive messages");
  // Shapes this UI does not know stay as stored.
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"meteor\"}" }, names).detail).toBe("{\"reason\":\"meteor\"}");
  expect(logLineText(t, { what: "started", detail: "Fluxo sem JSON" }, names).detail).toBe("Fluxo sem JSON");
  expect(logLineText(t, { what: "dropped", detail: "its number runs on another desktop" }, names))
    .toEqual({ what: "Mensagem não respondida", detail: "its number runs on another desktop" });
  expect(logLineText(t, { what: "new_thing", detail: "x" }, names)).toEqual({ what: "new_thing", detail: "x" });
});
