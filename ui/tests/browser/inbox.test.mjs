// The inbox in real Chromium: filters, assignment and ownership, internal
// notes, quick replies, search with highlights, drafts and files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BOX = "Escreva uma mensagem — Enter envia, Shift+Enter quebra a linha";
const seed = (extra = {}) => ({
  accounts: [{ name: "Padaria" }],
  numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
  conversations: [
    { phone: "+5511911110001", name: "Ana", messages: ["Qual é a promoção de hoje?"] },
    { phone: "+5511911110002", name: "Bruno", messages: ["Obrigado!"], status: "resolved" },
  ],
  users: [{ name: "Carla" }, { name: "Diego" }],
  ...extra,
});

async function inbox(app) {
  await app.page.getByRole("button", { name: "Conversas" }).click();
}

test("filters: open by default, resolved on request, mine once assigned to me", async () => {
  const app = await openApp(browser, server.url, seed({ me: 0 }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).waitFor();
  assert.equal(await page.getByTestId("chat").filter({ hasText: "Bruno" }).count(), 0, "resolved ones are not in Abertas");
  await page.getByLabel("Situação da conversa").first().selectOption("resolved");
  await page.getByTestId("chat").filter({ hasText: "Bruno" }).waitFor();
  await page.getByLabel("Situação da conversa").first().selectOption("open");

  await page.getByRole("tab", { name: "Minhas" }).click();
  await page.getByText("Nenhuma conversa atribuída a você.", { exact: false }).waitFor();
  await page.getByRole("tab", { name: "Todas" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByLabel("Atendente responsável").selectOption({ label: "Carla" });
  await page.getByTestId("owner").getByText("Atendente").waitFor();
  await page.getByRole("tab", { name: "Minhas" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana" }).waitFor();
  await page.getByRole("tab", { name: "Sem atendente" }).click();
  await page.getByText("Nenhuma conversa ainda").waitFor();
  await app.close();
});

// A keyword: the account has a bot that answers, so "Bot" is what owns a conversation.
const WITH_BOT = { automation: { keywords: [{ name: "Oi", words: ["oi"], actions: { reply: { kind: "text", text: "Olá!" } } }] } };

test("taking over and handing back; resolving returns the conversation to the bot", async () => {
  const app = await openApp(browser, server.url, seed(WITH_BOT));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByTestId("owner").getByText("Bot", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Assumir conversa" }).click();
  await page.getByTestId("owner").getByText("Atendente").waitFor();
  await page.getByRole("button", { name: "Devolver ao bot" }).click();
  await page.getByTestId("owner").getByText("Bot", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Assumir conversa" }).click();
  await page.getByLabel("Situação da conversa").nth(1).selectOption("resolved");
  await page.getByTestId("owner").getByText("Bot", { exact: true }).waitFor();
  const state = await page.evaluate(() => window.__MOCK__.state.conversations.find((c) => c.contact_name === "Ana"));
  assert.deepEqual([state.status, state.owner], ["resolved", "bot"]);
  await app.close();
});

test("an internal note is shown apart and never sent", async () => {
  const app = await openApp(browser, server.url, seed({ me: 1 }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByRole("button", { name: "Nota interna" }).click();
  await page.getByLabel(BOX).fill("Cliente VIP, dar desconto");
  await page.getByRole("button", { name: "Salvar nota" }).click();
  const note = page.getByTestId("note");
  await note.getByText("Cliente VIP, dar desconto").waitFor();
  assert.match(await note.textContent(), /Nota interna · Diego/);
  assert.equal((await app.calls()).filter((c) => c.cmd === "inbox_reply").length, 0);
  await app.close();
});

test("typing / offers quick replies; Enter inserts, Enter again sends", async () => {
  const app = await openApp(browser, server.url, seed({ quickReplies: [{ shortcut: "horario", body: "Abrimos das 7h às 19h." }, { shortcut: "pix", body: "Nossa chave Pix é o CNPJ." }] }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const box = page.getByLabel(BOX);
  await box.fill("/ho");
  const list = page.getByRole("listbox", { name: "Respostas rápidas" });
  await list.getByText("/horario").waitFor();
  assert.equal(await list.getByText("/pix").count(), 0);
  await box.press("Enter");
  assert.equal(await box.inputValue(), "Abrimos das 7h às 19h.");
  await box.press("Enter");
  await page.getByTestId("bubble").filter({ hasText: "Abrimos das 7h às 19h." }).waitFor();
  await app.close();
});

test("search without accents finds the message, marks the words and jumps to it", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  await page.getByLabel("Buscar mensagens e contatos").fill("promocao");
  const hit = page.getByTestId("search-hit");
  await hit.locator("mark").getByText("promoção").waitFor();
  await hit.click();
  const jumped = page.locator(".bubble.jumped");
  await jumped.getByText("Qual é a promoção de hoje?").waitFor();
  await app.close();
});

test("search finds contacts by name or phone and internal notes, and says when nothing matches", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  const box = page.getByLabel("Buscar mensagens e contatos");
  const results = page.getByLabel("Resultados da busca");

  // A contact by the phone typed the way people write it.
  await box.fill("(11) 91111-0001");
  await results.getByRole("heading", { name: "Contatos" }).waitFor();
  const contact = page.getByTestId("search-contact");
  await contact.filter({ hasText: "Ana" }).waitFor();
  assert.equal(await contact.count(), 1);
  await contact.click();
  await page.getByTestId("bubble").filter({ hasText: "Qual é a promoção de hoje?" }).waitFor();
  assert.equal(await box.inputValue(), "");

  // By name, without accents; an internal note, marked.
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    const conv = state.conversations.find((c) => c.contact_name === "Bruno");
    state.notes.push({ id: "n1", account_id: conv.account_id, conversation_id: conv.id, author_id: null, author_name: null, body: "Prefere entrega à tarde", created_at: 1 });
  });
  await box.fill("entrega");
  await results.getByRole("heading", { name: "Notas internas" }).waitFor();
  const note = page.getByTestId("search-note");
  assert.equal(await note.locator("mark").textContent(), "entrega");
  assert.match(await note.textContent(), /^Bruno/);
  assert.equal(await page.getByTestId("search-contact").count(), 0);

  // Nothing: said, not a blank list.
  await box.fill("xyzzy");
  await page.getByTestId("search-empty").filter({ hasText: "Nada encontrado para “xyzzy”." }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a draft is kept while switching conversations", async () => {
  const app = await openApp(browser, server.url, seed({ conversations: [
    { phone: "+5511911110001", name: "Ana", messages: ["oi"] },
    { phone: "+5511911110003", name: "Caio", messages: ["olá"] },
  ] }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByLabel(BOX).fill("Bom dia, Ana! Sobre o seu pedido");
  await page.waitForFunction(() => Object.values(window.__MOCK__.state.drafts).includes("Bom dia, Ana! Sobre o seu pedido"));
  await page.getByTestId("chat").filter({ hasText: "Caio" }).click();
  await page.waitForFunction((box) => document.querySelector(`textarea[aria-label="${box}"]`)?.value === "", BOX);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.waitForFunction((box) => document.querySelector(`textarea[aria-label="${box}"]`)?.value === "Bom dia, Ana! Sobre o seu pedido", BOX);
  await app.close();
});

test("a file is sent as a document; a program is refused with the reason", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByTestId("file").setInputFiles({ name: "cardapio.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") });
  await page.getByTestId("bubble").locator("a.doc").getByText("cardapio.pdf").waitFor();
  const sent = await page.evaluate(() => window.__MOCK__.state.sentFiles);
  assert.deepEqual([sent[0].name, sent[0].mime, sent[0].data], ["cardapio.pdf", "application/pdf", Buffer.from("%PDF-1.4").toString("base64")]);
  await page.getByTestId("file").setInputFiles({ name: "virus.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") });
  await page.getByText("Arquivos .exe não podem ser enviados", { exact: false }).waitFor();
  await app.close();
});

test("Settings: operators and quick replies of the account", async () => {
  const app = await openApp(browser, server.url, seed({ users: [] }));
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByRole("button", { name: "Convidar" }).click();
  const invite = page.getByRole("dialog", { name: "Convidar para a equipe" });
  await invite.getByLabel("Nome", { exact: true }).fill("Eva");
  await invite.getByLabel("E-mail").fill("sem-arroba");
  await invite.getByRole("button", { name: "Convidar" }).click();
  await invite.getByText("\"sem-arroba\" não é um e-mail válido.").waitFor();
  await invite.getByLabel("E-mail").fill("eva@agencia.com");
  // An admin, who keeps every account (an agent without accounts would see none).
  await invite.getByLabel("Papel").selectOption("admin");
  await invite.getByRole("button", { name: "Convidar" }).click();
  await page.getByTestId("operator").getByText("Eva", { exact: true }).waitFor();
  await page.getByLabel("Eu sou").selectOption({ label: "Eva" });
  await page.waitForFunction(() => window.__MOCK__.state.me !== null);

  await page.getByLabel("Atalho").fill("com espaço");
  await page.getByLabel("Texto", { exact: true }).fill("x");
  await page.getByRole("button", { name: "Adicionar resposta" }).click();
  await page.getByText("O atalho deve ter", { exact: false }).waitFor();
  await page.getByLabel("Atalho").fill("pix");
  await page.getByLabel("Texto", { exact: true }).fill("Nossa chave Pix é o CNPJ.");
  await page.getByRole("button", { name: "Adicionar resposta" }).click();
  await page.getByTestId("quick-reply").getByText("/pix").waitFor();
  await app.close();
});

test("the contact panel shows an opt-out and the operator can reverse it", async () => {
  const app = await openApp(browser, server.url, seed({ conversations: [{ phone: "+5511911110001", name: "Ana", messages: ["SAIR"], optedOut: true }] }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const panel = page.getByRole("complementary", { name: "Contato" });
  await panel.getByTestId("opted-out").waitFor();
  await panel.getByRole("button", { name: "Reativar" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.conversations[0].opted_out_at === null);
  await panel.getByTestId("opted-out").waitFor({ state: "detached" });
  await app.close();
});

test("tags: created in Settings, put on and taken off a contact from the conversation", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByRole("button", { name: "Criar etiqueta" }).click();
  await page.getByText("Dê um nome à etiqueta.").waitFor();
  await page.getByLabel("Nome da etiqueta").fill("VIP");
  await page.getByRole("button", { name: "Criar etiqueta" }).click();
  await page.getByTestId("tag").getByText("VIP").waitFor();
  // "víp" is the same tag for a person (case and accents): refused, naming the existing one.
  await page.getByLabel("Nome da etiqueta").fill("víp");
  await page.getByRole("button", { name: "Criar etiqueta" }).click();
  await page.getByRole("alert").filter({ hasText: "Já existe a etiqueta \"VIP\" nesta conta (maiúsculas e acentos não fazem outra etiqueta)." }).waitFor();
  assert.equal(await page.getByTestId("tag").count(), 1);
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const panel = page.getByRole("complementary", { name: "Contato" });
  await panel.getByText("Sem etiquetas.").waitFor();
  await panel.getByLabel("Adicionar etiqueta").selectOption({ label: "VIP" });
  await panel.getByTestId("tag").getByText("VIP").waitFor();
  await panel.getByRole("button", { name: "Remover a etiqueta VIP" }).click();
  await panel.getByText("Sem etiquetas.").waitFor();
  await app.close();
});

test("a double click on Enviar sends the reply once, and the next reply is a new one", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const box = page.getByLabel(BOX);
  await box.fill("É leve 3 pague 2!");
  // Two clicks in one go, as a fast double click delivers them: the second
  // before the first one's answer.
  await page.getByRole("button", { name: "Enviar", exact: true }).evaluate((b) => { b.click(); b.click(); });
  await page.getByTestId("bubble").filter({ hasText: "É leve 3 pague 2!" }).waitFor();
  const replies = (await app.calls()).filter((c) => c.cmd === "inbox_reply");
  assert.equal(replies.length, 2, "both clicks reached the backend");
  assert.equal(replies[0].args.id, replies[1].args.id, "as one action");
  const stored = await page.evaluate(() => window.__MOCK__.state.messages.filter((m) => m.body === "É leve 3 pague 2!").length);
  assert.equal(stored, 1);
  // A new reply is a new action.
  await box.fill("Só hoje.");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  await page.getByTestId("bubble").filter({ hasText: "Só hoje." }).waitFor();
  const ids = new Set((await app.calls()).filter((c) => c.cmd === "inbox_reply").map((c) => c.args.id));
  assert.equal(ids.size, 2);
  await app.close();
});

test("a message that did not leave says why in words: no WhatsApp, a takeover, an opt-out", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await page.evaluate(() => {
    const conv = window.__MOCK__.state.conversations.find((c) => c.contact_name === "Ana");
    window.__MOCK__.message(conv, { direction: "outbound", body: "Oi Ana", status: "failed", error: "not_on_whatsapp" });
    window.__MOCK__.message(conv, { direction: "outbound", body: "Outra", status: "failed", error: "Media upload failed" });
    window.__MOCK__.message(conv, { direction: "outbound", body: "Escolha uma opção", status: "failed", error: "bot_stopped", bot_source: "flow" });
    window.__MOCK__.message(conv, { direction: "outbound", body: "Até logo", status: "failed", error: "bot_opted_out", bot_source: "keyword" });
  });
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const bubble = page.getByTestId("bubble").filter({ hasText: "Oi Ana" });
  await bubble.getByText("Falhou: este número não tem WhatsApp").waitFor();
  // A refusal of WhatsApp's own is shown as it came.
  await page.getByTestId("bubble").filter({ hasText: "Outra" }).getByText("Falhou: Media upload failed").waitFor();
  // The bot's messages a takeover or an opt-out kept from leaving say why.
  await page.getByTestId("bubble").filter({ hasText: "Escolha uma opção" })
    .getByText("Falhou: mensagem do bot não enviada, porque um atendente assumiu a conversa").waitFor();
  await page.getByTestId("bubble").filter({ hasText: "Até logo" })
    .getByText("Falhou: mensagem do bot não enviada, porque o contato pediu para não receber mensagens").waitFor();
  await app.close();
});

test("the composer counts characters against WhatsApp's limit and refuses to send above it", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const count = page.getByTestId("composer-count");
  await count.filter({ hasText: /^0 \/ 4\.096$/ }).waitFor();
  // An emoji is one character, as Rust counts it.
  await page.getByLabel(BOX).fill("Olá 👍");
  await count.filter({ hasText: /^5 \/ 4\.096$/ }).waitFor();

  await page.getByLabel(BOX).fill("a".repeat(4097));
  await count.filter({ hasText: "A mensagem passa do limite do WhatsApp de 4.096 caracteres: apague 1 para enviar." }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Enviar", exact: true }).isDisabled(), true);
  await page.getByLabel(BOX).press("Enter");
  await page.getByLabel(BOX).press("Backspace");
  await count.filter({ hasText: /^4\.096 \/ 4\.096$/ }).waitFor();
  assert.equal((await app.calls()).filter((c) => c.cmd === "inbox_reply").length, 0, "nothing sent above the limit");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "inbox_reply"));
  await app.close();
});

test("incoming messages are white on the left, ours green on the right", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.getByLabel(BOX).fill("A promoção é pão de queijo.");
  await page.getByLabel(BOX).press("Enter");
  const incoming = page.getByTestId("bubble").filter({ hasText: "Qual é a promoção de hoje?" });
  const ours = page.getByTestId("bubble").filter({ hasText: "A promoção é pão de queijo." });
  await ours.waitFor();
  const look = (bubble) => bubble.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const log = el.parentElement.getBoundingClientRect();
    return { background: getComputedStyle(el).backgroundColor, left: box.left - log.left, right: log.right - box.right };
  });
  const a = await look(incoming);
  const b = await look(ours);
  assert.equal(a.background, "rgb(255, 255, 255)");
  assert.equal(b.background, "rgb(217, 253, 211)");
  assert.ok(a.left < a.right, `incoming sits on the left: ${JSON.stringify(a)}`);
  assert.ok(b.right < b.left, `ours sits on the right: ${JSON.stringify(b)}`);
  await app.close();
});

test("before any bot is on, a conversation says it waits for an operator instead of \"Bot\"", async () => {
  const off = { automation: { keywords: [{ name: "Oi", words: ["oi"], enabled: false, actions: { reply: { kind: "text", text: "Olá!" } } }] } };
  const app = await openApp(browser, server.url, seed(off));
  const { page } = app;
  await inbox(app);
  const ana = page.getByTestId("chat").filter({ hasText: "Ana" });
  await ana.click();
  await page.getByTestId("owner").filter({ hasText: /^Sem bot ativo$/ }).waitFor();
  assert.doesNotMatch(await ana.textContent(), /Bot/);

  // Turned on elsewhere: the same conversation is the bot's again.
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    for (const k of state.keywords) k.enabled = true;
    changed(state.accounts[0].id, "keywords");
  });
  await page.getByTestId("owner").filter({ hasText: /^Bot$/ }).waitFor();
  await ana.filter({ hasText: "· Bot" }).waitFor();

  // The bot switched off in its settings: nothing answers, whatever is on.
  await page.evaluate(() => {
    const { state, changed, lib } = window.__MOCK__;
    const account = state.accounts[0].id;
    state.automationSettings[account] = { ...lib.handlers.automation_settings_get({ account }), enabled: false };
    changed(account, "automation_settings");
  });
  await page.getByTestId("owner").filter({ hasText: /^Sem bot ativo$/ }).waitFor();
  assert.match(await page.getByTestId("owner").getAttribute("title"), /O bot está desligado nesta conta/);
  await ana.filter({ hasNotText: "Bot" }).waitFor();
  await app.close();
});

test("conversations a campaign opened and nobody answered stay out of the lists, in a view of their own", async () => {
  const app = await openApp(browser, server.url, seed({
    conversations: [
      { phone: "+5511911110001", name: "Ana", messages: ["Qual é a promoção de hoje?"] },
      { phone: "+5511911110003", name: "Carla Campanha", campaignUnanswered: true },
    ],
  }));
  const { page } = app;
  await inbox(app);
  await page.getByTestId("chat").filter({ hasText: "Ana" }).waitFor();
  assert.equal(await page.getByTestId("chat").filter({ hasText: "Carla Campanha" }).count(), 0);
  await page.getByLabel("Situação da conversa").first().selectOption("");
  await page.getByTestId("chat").filter({ hasText: "Ana" }).waitFor();
  assert.equal(await page.getByTestId("chat").filter({ hasText: "Carla Campanha" }).count(), 0, "not in Todas either");
  await page.getByLabel("Situação da conversa").first().selectOption({ label: "Campanhas sem resposta" });
  await page.getByTestId("chat").filter({ hasText: "Carla Campanha" }).waitFor();
  assert.equal(await page.getByTestId("chat").filter({ hasText: "Ana" }).count(), 0);
  const listed = (await app.calls()).filter((c) => c.cmd === "inbox_list").map((c) => c.args.filter.campaigns);
  assert.deepEqual([listed[0], listed[listed.length - 1]], [false, true]);
  await app.close();
});

test("a chat clicked as a new message moves the list opens that chat, not the one that took its place", async () => {
  const app = await openApp(browser, server.url, seed({
    conversations: [
      { phone: "+5511911110001", name: "Ana", messages: ["Bom dia"] },
      { phone: "+5511911110002", name: "Bruno", messages: ["Obrigado!"] },
    ],
  }));
  const { page } = app;
  await inbox(app);
  const chats = page.getByTestId("chat");
  await chats.nth(1).waitFor();
  const second = (await chats.nth(1).innerText()).includes("Ana") ? "Ana" : "Bruno";
  const first = second === "Ana" ? "Bruno" : "Ana";
  // The element the operator (or WebDriver) aimed at, before the list moves.
  const aimed = await chats.filter({ hasText: second }).elementHandle();
  await page.evaluate((name) => {
    const mock = window.__MOCK__;
    const conv = mock.state.conversations.find((c) => c.contact_name === name);
    mock.message(conv, { body: "Mais uma coisa", created_at: Date.now() + 1000 });
    mock.changed(conv.account_id, "messages");
    mock.changed(conv.account_id, "conversations");
  }, second);
  await page.waitForFunction((name) => document.querySelector("[data-testid='chat']")?.textContent?.includes(name), second);
  await aimed.click();
  await page.locator("header.thread-head").filter({ hasText: second }).waitFor();
  assert.equal(await page.locator("header.thread-head").filter({ hasText: first }).count(), 0);
  await app.close();
});
