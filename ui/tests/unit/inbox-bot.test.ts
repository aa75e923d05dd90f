import { expect, test } from "vitest";
import { botActive, botLabel, callReason, endReasonText, logLineText, NO_NAMES, nodeKindText, startedByText, variableName, waitingText, type BotNames } from "../../src/screens/inbox/bot";
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
  expect(botLabel(t, { bot_source: "system", bot_ref: null, bot_node: "away" }, names)).toBe("🤖 Bot · Mensagem de ausência");
  expect(botLabel(t, { bot_source: null, bot_ref: null, bot_node: null }, names)).toBeNull();
});

test("until the flows and keywords arrive, a bot message says only 🤖 Bot, never that its flow was deleted", () => {
  expect(botLabel(t, { bot_source: "flow", bot_ref: "f1", bot_node: "menu" }, NO_NAMES, false)).toBe("🤖 Bot");
  expect(botLabel(t, { bot_source: "keyword", bot_ref: "k1", bot_node: null }, NO_NAMES, false)).toBe("🤖 Bot");
  expect(botLabel(t, { bot_source: null, bot_ref: null, bot_node: null }, NO_NAMES, false)).toBeNull();
});

test("what a session waits for and who started it, in words", () => {
  const when = (ms: number) => `@${ms}`;
  expect(waitingText(t, { for: "reply", timeout_at: null }, when)).toBe("esperando a resposta do contato");
  expect(waitingText(t, { for: "reply", timeout_at: 5 }, when)).toBe("esperando a resposta do contato até @5");
  expect(waitingText(t, { for: "timer", at: 7 }, when)).toBe("esperando até @7 para continuar");
  expect(waitingText(t, { for: "call", started: true }, when)).toBe("esperando a resposta de um sistema externo");
  expect(startedByText(t, { by: "manual", operator: "u1" }, names)).toBe("por Carla, manualmente");
  expect(startedByText(t, { by: "manual", operator: null }, names)).toBe("manualmente, por um atendente");
  expect(startedByText(t, { by: "campaign", campaign: "c1" }, names)).toBe("pela resposta à campanha “Black Friday”");
  expect(startedByText(t, { by: "tag", tag: "gone" }, names)).toBe("por uma etiqueta que foi excluída");
  expect(nodeKindText(t, "ask")).toBe("pergunta");
  expect(nodeKindText(t, "something_new")).toBe("something_new");
  expect(variableName(t, "ultima_resposta")).toBe("Última resposta");
  expect(variableName(t, "email")).toBe("Resposta em email");
});

test("log lines: the what in words, a start's and an end's JSON read", () => {
  expect(logLineText(t, { what: "started", detail: "Menu de atendimento ({\"by\":\"keyword\",\"keyword\":\"k1\"})" }, names))
    .toEqual({ what: "Fluxo iniciado", detail: "Menu de atendimento, pela palavra-chave “Oi”" });
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"loop\",\"node\":\"menu\"}" }, names))
    .toEqual({ what: "Fluxo encerrado", detail: "parou: o bloco menu se repetiu sem esperar o contato: revise as ligações desse bloco" });
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"broken\",\"node\":\"ia\"}" }, names).detail)
    .toBe("parou com erro no bloco ia: veja a linha anterior e corrija o fluxo");
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"budget\"}" }, names).detail).toBe("parou: passos demais de uma vez; revise o fluxo");
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"stopped\"}" }, names).detail).toBe("parado por um atendente");
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"went_to\",\"flow\":\"f1\"}" }, names).detail).toBe("continuou no fluxo “Menu de atendimento”");
  expect(endReasonText(en, { reason: "opted_out" }, names)).toBe("the contact asked not to receive messages");
  // Shapes this UI does not know stay as stored.
  expect(logLineText(t, { what: "ended", detail: "{\"reason\":\"meteor\"}" }, names).detail).toBe("{\"reason\":\"meteor\"}");
  expect(logLineText(t, { what: "started", detail: "Fluxo sem JSON" }, names).detail).toBe("Fluxo sem JSON");
  expect(logLineText(t, { what: "new_thing", detail: "x" }, names)).toEqual({ what: "new_thing", detail: "x" });
});

// Every `log_in(…, what, detail)` of crates/core/src/automation (run/*.rs,
// sessions.rs) as Rust writes it today, and the engine's `Note` as serde
// writes it (`{"note": "<snake_case>", …}`): none reaches the person in English or JSON.
const F = "0190f3b4-0000-7000-8000-000000000001";
const GONE = "0190f3b4-0000-7000-8000-0000000000ff";
const rustLines: [string, string, string][] = [
  ["note", `{"note":"reply_refused","node":"menu","tries":1}`, "Resposta não entendida no bloco menu (tentativa 1)"],
  ["note", `{"note":"field_refused","node":"idade","field":"idade","value":"abc"}`, "O campo idade não aceitou “abc” (bloco idade)"],
  ["note", `{"note":"field_missing","node":"f","field":"cpf"}`, "O campo cpf não existe mais nesta conta: nada foi gravado (bloco f)"],
  ["note", `{"note":"pointer_missing","node":"api","pointer":"/cliente/nome"}`, "A resposta do sistema externo não tem /cliente/nome: o campo ficou como estava (bloco api)"],
  ["note", `{"note":"call_failed","node":"api","reason":"HTTP 500"}`, "Falha no sistema externo (bloco api): o sistema respondeu HTTP 500"],
  ["note", `{"note":"call_failed","node":"ia","reason":"address not allowed: localhost is 127.0.0.1 (loopback); the account does not allow private addresses"}`,
    "Falha no sistema externo (bloco ia): endereço da rede local ou deste computador não permitido (ligue a opção em Automação → Configurações do bot)"],
  ["note", `{"note":"nothing_to_send","node":"oi"}`, "Mensagem vazia (variáveis sem valor): não enviada (bloco oi)"],
  ["note", `{"note":"window_never_opens","node":"espera"}`, "A espera do bloco espera não tem nenhum dia permitido: continuou após os minutos, sem olhar o horário"],
  ["keyword", `Oi ("bom dia")`, "Oi (palavra “bom dia”)"],
  ["handed_back", "a flow was started by hand", "Um fluxo foi iniciado manualmente"],
  ["dropped", "its number runs on another desktop", "O número roda em outro computador: responda pela caixa de entrada"],
  ["dropped", "the account's automation is off", "A automação desta conta está desligada"],
  ["skipped", `flow ${F}: not published`, "O fluxo “Menu de atendimento” não começou: não está publicado"],
  ["skipped", `flow ${GONE}: no such flow`, "Um fluxo excluído não começou"],
  ["skipped", `flow ${F}: its published version is not here`, "O fluxo “Menu de atendimento” não começou: a versão publicada ainda não chegou a este computador"],
  ["skipped", `go to flow ${F}: not published`, "Não foi para o fluxo “Menu de atendimento”: não está publicado"],
  ["skipped", "the session's flow version is not here", "A versão do fluxo desta conversa ainda não chegou a este computador: o fluxo parou"],
  ["skipped", "keyword Oi: its reply does not read", "Palavra-chave Oi: a resposta tem uma variável ou variação com erro e não foi enviada"],
  ["skipped", "keyword Oi: its field value does not read", "Palavra-chave Oi: o valor do campo tem uma variável ou variação com erro e não foi gravado"],
  ["skipped", `keyword Oi: flow ${F} is off`, "Palavra-chave Oi: o fluxo “Menu de atendimento” está desligado"],
  ["skipped", `keyword Oi: flow ${GONE} no such flow`, "Palavra-chave Oi: o fluxo dela foi excluído"],
  ["skipped", "file 0190f3b4-0000-7000-8000-000000000009: not in this account", "O arquivo da resposta não existe mais nesta conta: não foi enviado"],
  ["skipped", "tag VIP: not in this account", "A etiqueta “VIP” não existe nesta conta: não foi aplicada"],
  ["skipped", "field cpf: not in this account", "O campo cpf não existe nesta conta: nada foi gravado"],
  ["skipped", `field idade: does not take "abc"`, "O campo idade não aceitou “abc”"],
  ["skipped", "operator 0190f3b4-0000-7000-8000-000000000008: unknown, left unassigned", "O atendente escolhido não existe mais: a conversa ficou sem responsável"],
  ["call", "waiting on node api", "Vai chamar o sistema externo (bloco api)"],
  ["call", "left from node api", "Chamada enviada (bloco api)"],
  ["call", "answered 200", "Respondeu (HTTP 200)"],
  ["call", "answered", "Respondeu"],
  ["call", "failed: timeout: no complete answer within 10000 ms", "Falhou: o sistema não respondeu a tempo"],
  ["set_aside", "not answered: database is locked", "Mensagem não respondida pelo bot. Erro: database is locked"],
  ["set_aside", "not stepped: database is locked", "O fluxo parou nesta conversa. Erro: database is locked"],
  ["handoff", "Pediu para falar com uma pessoa no menu.", "Pediu para falar com uma pessoa no menu."],
  ["path", "boas_vindas → menu", "boas_vindas → menu"],
];

test("every detail Rust writes in the bot's log reads in Portuguese, none in English or JSON", () => {
  const withFlow: BotNames = { ...names, flows: new Map([[F, "Menu de atendimento"]]) };
  for (const [what, detail, words] of rustLines) {
    expect(logLineText(t, { what, detail }, withFlow).detail, `${what}: ${detail}`).toBe(words);
  }
  expect(logLineText(t, { what: "set_aside", detail: "not answered: x" }, names).what).toBe("Ignorada após 5 falhas: responda você");
  expect(logLineText(en, { what: "note", detail: `{"note":"reply_refused","node":"menu","tries":2}` }, names).detail)
    .toBe("Reply not understood at block menu (try 2)");
});

test("a detail whose shape this UI does not know is shown as Rust wrote it", () => {
  expect(logLineText(t, { what: "note", detail: `{"note":"meteor","node":"x"}` }, names).detail).toBe(`{"note":"meteor","node":"x"}`);
  expect(logLineText(t, { what: "skipped", detail: "something new" }, names).detail).toBe("something new");
  expect(logLineText(t, { what: "skipped", detail: `flow ${F}: a new reason` }, names).detail).toBe(`flow ${F}: a new reason`);
  expect(callReason(t, "the request failed: boom")).toBe("the request failed: boom");
  expect(callReason(t, "address not allowed: 169.254.169.254 is link-local")).toBe("endereço link-local (169.254…, fe80…): nunca permitido");
  expect(callReason(t, "interrupted")).toBe("interrompida: o ZapDesk fechou durante a chamada");
});

test("the bot is active only switched on and with an enabled keyword or published, enabled flow", () => {
  const on = { enabled: true };
  const flow = { enabled: true, published: { version: 1 } };
  expect(botActive(on, [flow], [])).toBe(true);
  expect(botActive(on, [], [{ enabled: true }])).toBe(true);
  expect(botActive(on, [{ ...flow, published: null }], [{ enabled: false }])).toBe(false);
  // Switched off in the automation settings: nothing answers by itself.
  expect(botActive({ enabled: false }, [flow], [{ enabled: true }])).toBe(false);
  expect(botActive(undefined, [flow], [])).toBe(null);
  expect(botActive(on, undefined, [])).toBe(null);
});
