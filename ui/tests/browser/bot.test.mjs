// The bot in the inbox, in real Chromium against the fake backend: what the
// bot sent marked in the thread (which flow and block, which keyword), the
// contact panel's running session (version, block, what it waits for, the
// answers kept, who started it) and the bot's log in words, following
// `changed` for flow_sessions; "Parar o bot" behind a confirmation;
// "Iniciar fluxo" with published, enabled flows only, handing a person's
// conversation back, and Rust's refusals shown as Rust words them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const MENU = {
  schema: 1, start: "boas_vindas",
  nodes: [
    { id: "boas_vindas", position: { x: 0, y: 0 }, type: "send", content: { kind: "text", text: "Olá!" }, typing_ms: 800 },
    { id: "menu", position: { x: 200, y: 0 }, type: "menu", question: "Como podemos ajudar?", options: [{ id: "a", label: "Pedidos", synonyms: [] }], retry: "", tries: 2 },
  ],
  edges: [{ id: "e1", from: "boas_vindas", handle: "next", to: "menu" }, { id: "e2", from: "menu", handle: "option:a", to: "menu" }],
};

const seed = (automation = {}, extra = {}) => ({
  accounts: [{ name: "Padaria" }],
  numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
  conversations: [
    { phone: "+5511911110001", name: "Ana", messages: ["oi"] },
    { phone: "+5511911110002", name: "Bruno", messages: ["quero ofertas"], optedOut: true },
  ],
  users: [{ name: "Carla" }],
  automation: {
    flows: [
      { name: "Menu de atendimento", document: MENU, published: true },
      { name: "Pós-venda", published: true },
      { name: "Rascunho novo" },
      { name: "Promoção antiga", published: true, enabled: false },
    ],
    keywords: [{ name: "Oi", words: ["oi"], actions: { reply: { kind: "text", text: "Olá!" } } }],
    ...automation,
  },
  ...extra,
});

async function openChat(page, name) {
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByTestId("chat").filter({ hasText: name }).click();
}

test("bot messages name their flow and block or keyword; the panel shows the session, its answers and the log, and follows changes", async () => {
  const app = await openApp(browser, server.url, seed({
    botMessages: [
      { source: "keyword", ref: "Oi", body: "Olá!" },
      { source: "flow", ref: "Menu de atendimento", node: "menu", body: "Como podemos ajudar?\n1 Pedidos" },
      { source: "system", body: "Certo! Uma pessoa da nossa equipe vai continuar a conversa." },
    ],
    sessions: [{ flow: "Menu de atendimento", node: "menu", waiting: { for: "reply", timeout_at: null }, vars: { ultima_resposta: "oi" }, startedBy: { keyword: "Oi" } }],
    log: [{ what: "keyword", detail: "Oi (\"oi\")" }, { what: "path", detail: "boas_vindas → menu" }],
  }));
  const { page } = app;
  await openChat(page, "Ana");
  const labels = page.getByTestId("bot-label");
  await labels.first().waitFor();
  assert.deepEqual(await labels.allTextContents(), [
    "🤖 Bot · Palavra-chave Oi",
    "🤖 Bot · Menu de atendimento › menu",
    "🤖 Bot",
  ]);
  // The contact's own message carries no mark.
  assert.equal(await page.getByTestId("bubble").filter({ hasText: /^oi/ }).getByTestId("bot-label").count(), 0);

  const panel = page.getByTestId("bot-panel");
  await panel.getByTestId("bot-flow").getByText("Menu de atendimento").waitFor();
  await panel.getByText("v1", { exact: true }).waitFor();
  assert.equal(await panel.getByTestId("bot-node").textContent(), "menu (menu)");
  assert.equal(await panel.getByTestId("bot-waiting").textContent(), "esperando a resposta do contato");
  assert.match(await panel.getByTestId("bot-started").textContent(), /^pela palavra-chave “Oi”, /);
  assert.deepEqual(await panel.getByTestId("bot-vars").locator("dt, dd").allTextContents(), ["Última resposta", "oi"]);
  // The log, newest first, in words; a start's detail read for a person.
  const lines = panel.getByTestId("bot-log-line");
  assert.deepEqual(await lines.locator("strong").allTextContents(), ["Caminho percorrido", "Palavra-chave respondeu", "Fluxo iniciado"]);
  await lines.filter({ hasText: "Fluxo iniciado" }).getByText("Menu de atendimento, pela palavra-chave “Oi”").waitFor();
  await lines.filter({ hasText: "Caminho percorrido" }).getByText("boas_vindas → menu").waitFor();

  // The runner steps the session on this desktop: the contact answered a
  // question; Rust says flow_sessions changed and the panel follows.
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const x = state.botSessions[0];
    x.node = "boas_vindas";
    x.waiting = { for: "timer", at: Date.UTC(2030, 0, 2, 15, 0) };
    x.vars = { ...x.vars, email: "ana@exemplo.com.br" };
    state.botLog.push({ seq: 99, account_id: x.account_id, conversation_id: x.conversation_id, session_id: x.id, at: Date.now(), what: "note", detail: JSON.stringify({ note: "reply_refused", node: "menu", tries: 1 }) });
    changed(x.account_id, "flow_sessions");
  });
  await panel.getByTestId("bot-vars").getByText("ana@exemplo.com.br").waitFor();
  assert.equal(await panel.getByTestId("bot-node").textContent(), "boas_vindas (mensagem)");
  assert.match(await panel.getByTestId("bot-waiting").textContent(), /^esperando até .+ para continuar$/);
  await panel.getByTestId("bot-vars").getByText("Resposta em email").waitFor();
  assert.equal(await lines.first().locator("strong").textContent(), "Observação do fluxo");
  // The engine's note, stored as JSON, in words.
  assert.equal(await lines.first().locator(".bot-log-detail").textContent(), "Resposta não entendida no bloco menu (tentativa 1)");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("Parar o bot asks first; Iniciar fluxo offers published flows that are on, hands a person's conversation back, and shows Rust's refusals", async () => {
  const app = await openApp(browser, server.url, seed({
    sessions: [{ flow: "Pós-venda", waiting: { for: "reply", timeout_at: null }, startedBy: "first_message" }],
  }, { me: 0 }));
  const { page } = app;
  await openChat(page, "Ana");
  const panel = page.getByTestId("bot-panel");
  await panel.getByTestId("bot-flow").getByText("Pós-venda").waitFor();
  assert.match(await panel.getByTestId("bot-started").textContent(), /^pela primeira mensagem do contato, /);

  // Cancelled: nothing stopped.
  await panel.getByRole("button", { name: "Parar o bot" }).click();
  const stop = page.getByRole("dialog", { name: "Parar o bot nesta conversa?" });
  await stop.getByText("O fluxo “Pós-venda” para aqui", { exact: false }).waitFor();
  await stop.getByRole("button", { name: "Cancelar" }).click();
  assert.equal((await app.calls()).filter((c) => c.cmd === "sessions_stop").length, 0);
  await panel.getByRole("button", { name: "Parar o bot" }).click();
  await stop.getByRole("button", { name: "Parar o bot" }).click();
  await page.getByText("Fluxo “Pós-venda” parado nesta conversa.").waitFor();
  await panel.getByTestId("bot-idle").waitFor();
  await panel.getByTestId("bot-log-line").filter({ hasText: "Fluxo encerrado" }).getByText("parado por um atendente").waitFor();

  // A person takes the conversation; starting a flow hands it back.
  await page.getByRole("button", { name: "Assumir conversa" }).click();
  await page.getByTestId("owner").getByText("Atendente").waitFor();
  await panel.getByRole("button", { name: "Iniciar fluxo" }).click();
  const start = page.getByRole("dialog", { name: "Iniciar um fluxo nesta conversa" });
  const flow = start.getByLabel("Fluxo");
  assert.deepEqual(await flow.locator("option").allTextContents(), ["Escolha um fluxo…", "Menu de atendimento", "Pós-venda"]);
  await start.getByTestId("bot-hands-back").waitFor();
  assert.ok(await start.getByRole("button", { name: "Iniciar fluxo" }).isDisabled());
  await flow.selectOption({ label: "Menu de atendimento" });
  await start.getByRole("button", { name: "Iniciar fluxo" }).click();
  await page.getByText("Fluxo “Menu de atendimento” iniciado nesta conversa.").waitFor();
  await panel.getByTestId("bot-flow").getByText("Menu de atendimento").waitFor();
  assert.equal(await panel.getByTestId("bot-waiting").textContent(), "vai começar em instantes");
  assert.match(await panel.getByTestId("bot-started").textContent(), /^por Carla, manualmente, /);
  assert.equal(await panel.getByTestId("bot-node").textContent(), "boas_vindas (mensagem)");
  await page.getByTestId("owner").getByText("Bot", { exact: true }).waitFor();
  await panel.getByTestId("bot-log-line").filter({ hasText: "Conversa devolvida ao bot" }).waitFor();
  const started = (await app.calls()).filter((c) => c.cmd === "sessions_start");
  const menuId = await page.evaluate(() => window.__MOCK__.state.flows.find((f) => f.name === "Menu de atendimento").id);
  assert.deepEqual(started.map((c) => c.args.flow), [menuId]);

  // The account's automation off: Rust refuses, in the dialog, as it words it.
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.automationSettings[state.accounts[0].id] = { ...(state.automationSettings[state.accounts[0].id] ?? {}), enabled: false };
  });
  await panel.getByRole("button", { name: "Iniciar fluxo" }).click();
  await flow.selectOption({ label: "Pós-venda" });
  await start.getByRole("button", { name: "Iniciar fluxo" }).click();
  await start.getByRole("alert").getByText("A automação está desligada nesta conta. Ligue-a em Automação → Configurações para iniciar um fluxo.").waitFor();
  await start.getByRole("button", { name: "Cancelar" }).click();
  await panel.getByTestId("bot-flow").getByText("Menu de atendimento").waitFor();
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.automationSettings[state.accounts[0].id].enabled = true;
  });

  // A contact who opted out: refused, nothing started.
  await page.getByTestId("chat").filter({ hasText: "Bruno" }).click();
  await panel.getByTestId("bot-idle").waitFor();
  await panel.getByRole("button", { name: "Iniciar fluxo" }).click();
  await flow.selectOption({ label: "Pós-venda" });
  await start.getByRole("button", { name: "Iniciar fluxo" }).click();
  await start.getByRole("alert").getByText("Este contato pediu para não receber mais mensagens", { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.botSessions.filter((x) => x.status === "active").length), 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the bot's log says in Portuguese what Rust wrote in English or JSON; Parar o bot says how to silence it for good", async () => {
  const app = await openApp(browser, server.url, seed({
    sessions: [{ flow: "Menu de atendimento", node: "menu", waiting: { for: "reply", timeout_at: null }, vars: {}, startedBy: { keyword: "Oi" } }],
    log: [
      { what: "dropped", detail: "its number runs on another desktop", at: 1 },
      { what: "note", detail: JSON.stringify({ note: "call_failed", node: "consulta", reason: "HTTP 500" }), at: 2 },
      { what: "note", detail: JSON.stringify({ note: "field_refused", node: "idade", field: "idade", value: "vinte" }), at: 3 },
      { what: "note", detail: JSON.stringify({ note: "nothing_to_send", node: "oi" }), at: 4 },
      { what: "set_aside", detail: "not answered: database is locked", at: 5 },
      { what: "ended", detail: JSON.stringify({ reason: "broken", node: "consulta" }), at: 6 },
    ],
  }));
  const { page } = app;
  await openChat(page, "Ana");
  const panel = page.getByTestId("bot-panel");
  await panel.getByRole("button", { name: /Mostrar todas/ }).click();
  const details = await panel.getByTestId("bot-log-line").locator(".bot-log-detail").allTextContents();
  for (const words of [
    "O número roda em outro computador: responda pela caixa de entrada",
    "Falha no sistema externo (bloco consulta): o sistema respondeu HTTP 500",
    "O campo idade não aceitou “vinte” (bloco idade)",
    "Mensagem vazia (variáveis sem valor): não enviada (bloco oi)",
    "Mensagem não respondida pelo bot. Erro: database is locked",
    "parou com erro no bloco consulta: veja a linha anterior e corrija o fluxo",
  ]) assert.ok(details.includes(words), `${words} in ${JSON.stringify(details)}`);
  assert.ok(details.every((d) => !d.startsWith("{") && !/its number|not answered/.test(d)), JSON.stringify(details));
  await panel.getByTestId("bot-log-line").filter({ hasText: "Ignorada após 5 falhas: responda você" }).waitFor();
  await panel.getByText("Situação", { exact: true }).waitFor();

  await panel.getByRole("button", { name: "Parar o bot" }).click();
  await page.getByRole("dialog", { name: "Parar o bot nesta conversa?" })
    .getByText("Para o bot não responder mais, assuma a conversa.", { exact: false }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});
