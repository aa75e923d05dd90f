// Automação → Palavras-chave in real Chromium against the fake backend: a
// keyword made in the dialog (words as chips, a reply with variables, each
// problem under its part as the person types), a conflict shown before saving
// and saving refused while it is, "Testar uma mensagem" saying what fires and
// why the others lose, on/off, delete behind a confirmation with Desfazer,
// and the open list following a `changed` event from another desktop.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Longer than UNDO_MS (src/components/undo.ts, 6 s): waiting for the Desfazer window to end.
const AFTER_WINDOW = { timeout: 15_000 };

const BASE = {
  accounts: [{ name: "Padaria Pão Quente" }],
  numbers: [{ name: "Balcão" }, { name: "Delivery" }],
  tags: [{ name: "VIP" }, { name: "Orçamento", color: "#7c3aed" }],
  fields: [{ label: "Cidade" }],
  users: [{ name: "Ana" }],
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const rowOf = (page, name) => page.getByTestId("keyword-row").filter({ has: page.getByRole("cell", { name, exact: true }) });

async function openKeywords(page) {
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("heading", { name: "Automação" }).waitFor();
  await page.getByRole("tab", { name: "Palavras-chave", selected: true }).waitFor();
}

test("a keyword with two words and a reply: each problem under its part as it is typed, then saved", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await openKeywords(page);
  await page.getByText("Nenhuma palavra-chave ainda").waitFor();
  await page.getByRole("button", { name: "+ Nova palavra-chave" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova palavra-chave" });
  // Nothing touched yet: no problem is shouted at an empty form.
  assert.equal(await dialog.getByRole("alert").count(), 0);

  await dialog.getByLabel("Nome", { exact: true }).fill("Preços");
  const words = dialog.getByRole("textbox", { name: "Palavras" });
  await words.fill("preço");
  await words.press("Enter");
  await words.fill("valor");
  await words.press("Enter");
  assert.deepEqual(await dialog.getByTestId("chip").allTextContents(), ["preço×", "valor×"]);

  const reply = dialog.getByRole("group", { name: "Responder" });
  await reply.getByLabel("Responder").check();
  await reply.getByLabel("Texto da resposta").fill("Oi {{apelido}}, segue a tabela!");
  // Rust's template check, under the reply: an unknown variable.
  await reply.getByRole("alert").filter({ hasText: "A variável {{apelido}} não existe" }).waitFor();
  await reply.getByLabel("Texto da resposta").fill("{Oi|Olá} ");
  await reply.getByRole("button", { name: "{{primeiro_nome}}" }).click();
  await reply.getByLabel("Texto da resposta").press("End");
  await reply.getByLabel("Texto da resposta").pressSequentially(", segue a tabela!");
  assert.equal(await reply.getByLabel("Texto da resposta").inputValue(), "{Oi|Olá} {{primeiro_nome}}, segue a tabela!");
  await reply.getByRole("alert").waitFor({ state: "detached" });
  await dialog.getByRole("group", { name: "Adicionar" }).getByRole("button", { name: "VIP" }).click();

  await dialog.getByRole("button", { name: "Criar" }).click();
  await page.getByText("Palavra-chave “Preços” criada.").waitFor();
  await dialog.waitFor({ state: "detached" });
  const row = rowOf(page, "Preços");
  assert.deepEqual(await row.locator(".chip").allTextContents(), ["preço", "valor"]);
  // The list shows the reply's start.
  await row.getByText(/^Responde “\{Oi\|Olá\} \{\{primeiro_nome\}\}, segue a tab…”$/).waitFor();
  await row.getByText("Etiqueta: + VIP").waitFor();
  const [created] = await callsOf(app, "keywords_create");
  assert.deepEqual(created.args.input.words, ["preço", "valor"]);
  assert.deepEqual(created.args.input.actions.reply, { kind: "text", text: "{Oi|Olá} {{primeiro_nome}}, segue a tabela!" });
  assert.deepEqual(created.args.input.actions.add_tags, ["VIP"]);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a keyword that conflicts is shown before saving and cannot be saved until the conflict is gone", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { keywords: [{ name: "Tabela", words: ["orçamento", "tabela"], actions: { reply: { kind: "text", text: "Segue a tabela." } } }] },
  });
  const { page } = app;
  await openKeywords(page);
  await page.getByRole("button", { name: "+ Nova palavra-chave" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova palavra-chave" });
  await dialog.getByLabel("Nome", { exact: true }).fill("Pedidos de orçamento");
  // Typed without accent and in capitals: the same word once folded.
  await dialog.getByRole("textbox", { name: "Palavras" }).fill("quero um ORCAMENTO");
  await dialog.getByRole("group", { name: "Responder" }).getByLabel("Responder").check();
  await dialog.getByLabel("Texto da resposta").fill("Já vamos montar o seu orçamento.");

  const conflict = dialog.getByTestId("keyword-conflict");
  await conflict.filter({ hasText: "Também responderia a “quero um ORCAMENTO”: palavra-chave Tabela, mesma prioridade." }).waitFor();
  const save = dialog.getByRole("button", { name: "Criar" });
  assert.ok(await save.isDisabled());
  await save.click({ force: true });
  assert.equal((await callsOf(app, "keywords_create")).length, 0);

  // Another priority: one wins, no conflict; saved.
  await dialog.getByLabel("Prioridade").fill("1");
  await dialog.getByTestId("keyword-conflicts").waitFor({ state: "detached" });
  await save.click();
  await page.getByText("Palavra-chave “Pedidos de orçamento” criada.").waitFor();
  const [created] = await callsOf(app, "keywords_create");
  assert.equal(created.args.input.priority, 1);

  // Turning off the older one and back on: Rust refuses when it would conflict, and says why.
  await page.evaluate(() => { window.__MOCK__.state.keywords.find((k) => k.name === "Pedidos de orçamento").priority = 0; });
  await rowOf(page, "Tabela").getByRole("switch").uncheck();
  await rowOf(page, "Tabela").getByText("Desligada").waitFor();
  // Refused: the switch stays off (a click, as `check()` would insist on the new state).
  await rowOf(page, "Tabela").getByRole("switch").click();
  await page.getByText("A palavra-chave \"Pedidos de orçamento\", com a mesma prioridade, também responderia a \"quero um ORCAMENTO\"").waitFor();
  assert.equal(await rowOf(page, "Tabela").getByRole("switch").isChecked(), false);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("'Testar uma mensagem' shows what fires and why every other match loses", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: {
      keywords: [
        { name: "Preços", words: ["preço"], priority: 0, actions: { reply: { kind: "text", text: "Tabela." } } },
        { name: "Promo", words: ["preço"], priority: 3, enabled: false, actions: { reply: { kind: "text", text: "Promo!" } } },
        { name: "Entrega", words: ["preço", "frete"], priority: 1, numbers: [1], actions: { reply: { kind: "text", text: "Frete grátis." } } },
      ],
    },
  });
  const { page } = app;
  await openKeywords(page);
  const box = page.getByRole("region", { name: "Testar uma mensagem" });
  await box.getByLabel("Mensagem de teste").fill("Qual o PRECO?");
  const verdict = box.getByTestId("verdict");
  await verdict.getByText("Dispara a palavra-chave Entrega (palavra “preço”, prioridade 1).").waitFor();
  const matches = box.getByTestId("match");
  assert.deepEqual(await matches.allTextContents(), [
    "Promo (palavra “preço”, prioridade 3) — não dispara: está desligada",
    "Entrega (palavra “preço”, prioridade 1) — dispara",
    "Preços (palavra “preço”, prioridade 0) — perde para Entrega, de prioridade maior",
  ]);

  // On Balcão, Entrega (Delivery only) does not answer: Preços fires.
  await box.getByLabel("Número").selectOption({ label: "Balcão" });
  await verdict.getByText("Dispara a palavra-chave Preços (palavra “preço”, prioridade 0).").waitFor();
  await matches.filter({ hasText: "Entrega" }).filter({ hasText: "não dispara: não responde neste número" }).waitFor();
  const balcao = await page.evaluate(() => window.__MOCK__.state.numbers[0].number.id);
  assert.equal((await callsOf(app, "keywords_explain")).at(-1).args.number, balcao);

  // The hand-off word wins before any keyword.
  await box.getByLabel("Mensagem de teste").fill("o preço? quero um ATENDENTE");
  await verdict.getByText("Passa para um atendente: a mensagem tem a palavra “atendente”.").waitFor();
  await matches.filter({ hasText: "Preços" }).filter({ hasText: "a palavra de chamar um atendente vem antes" }).waitFor();

  await box.getByLabel("Mensagem de teste").fill("bom dia");
  await verdict.getByText("Nada responderia a esta mensagem.").waitFor();
  assert.equal(await matches.count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("turning a keyword off and on, and deleting one behind a confirmation with Desfazer", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { keywords: [
      { name: "Horário", words: ["horário"], match_kind: "exact", cooldown_minutes: 120, actions: { reply: { kind: "text", text: "Das 7h às 19h." } } },
      { name: "Cardápio", words: ["cardápio"], actions: { reply: { kind: "text", text: "Segue." } } },
    ] },
  });
  const { page } = app;
  await openKeywords(page);
  const row = rowOf(page, "Horário");
  await row.getByText("a cada 2 horas").waitFor();
  await row.getByRole("switch", { name: "Palavra-chave Horário" }).uncheck();
  await row.getByText("Desligada").waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.keywords[0].enabled), false);
  assert.deepEqual((await callsOf(app, "keywords_set_enabled")).map((c) => c.args.enabled), [false]);
  await row.getByRole("switch").check();
  await row.getByText("Ligada", { exact: true }).waitFor();

  const dialog = page.getByRole("dialog", { name: "Excluir palavra-chave" });
  await row.getByRole("button", { name: "Excluir Horário" }).click();
  await dialog.getByText("Excluir a palavra-chave “Horário”?", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await row.count(), 1);

  await row.getByRole("button", { name: "Excluir Horário" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await row.waitFor({ state: "detached" });
  const toast = page.getByTestId("undo-toast");
  await toast.getByText("Palavra-chave “Horário” excluída").waitFor();
  await toast.getByRole("button", { name: "Desfazer" }).click();
  await row.waitFor();
  assert.equal((await callsOf(app, "keywords_delete")).length, 0);

  await row.getByRole("button", { name: "Excluir Horário" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await page.waitForFunction(() => !window.__MOCK__.state.keywords.some((k) => k.name === "Horário"), null, AFTER_WINDOW);
  assert.equal((await callsOf(app, "keywords_delete")).length, 1);
  await rowOf(page, "Cardápio").waitFor();
  assert.equal(await row.count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("editing a keyword keeps it out of its own conflicts and saves the change", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { keywords: [{ name: "Pix", words: ["pix"], actions: { reply: { kind: "text", text: "Chave: loja@pix" } } }] },
  });
  const { page } = app;
  await openKeywords(page);
  await rowOf(page, "Pix").getByRole("button", { name: "Editar Pix" }).click();
  const dialog = page.getByRole("dialog", { name: "Editar palavra-chave" });
  assert.deepEqual(await dialog.getByTestId("chip").allTextContents(), ["pix×"]);
  await dialog.getByRole("radio", { name: "Exata" }).check();
  await dialog.getByRole("radio", { name: "Passar para um atendente" }).check();
  await dialog.getByLabel("Responsável").selectOption({ label: "Ana" });
  await dialog.getByLabel("Nota interna").fill("Pagamento por Pix");
  // Its own words never conflict with itself.
  await page.waitForFunction(() => window.__MOCK__.calls.filter((c) => c.cmd === "keywords_check").length > 1);
  assert.equal(await dialog.getByTestId("keyword-conflicts").count(), 0);
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Palavra-chave “Pix” salva.").waitFor();
  await rowOf(page, "Pix").getByText("Passa para Ana").waitFor();
  await rowOf(page, "Pix").getByText("Exata").waitFor();
  const k = await page.evaluate(() => window.__MOCK__.state.keywords[0]);
  assert.equal(k.match_kind, "exact");
  assert.equal(k.actions.handoff.note, "Pagamento por Pix");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a keyword written by another desktop appears on the open list when `changed` names keywords", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { keywords: [{ name: "Pix", words: ["pix"], actions: { reply: { kind: "text", text: "Chave: loja@pix" } } }] },
  });
  const { page } = app;
  await openKeywords(page);
  await rowOf(page, "Pix").waitFor();
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    state.keywords.push({ ...structuredClone(state.keywords[0]), id: "0190f3b4-0000-7000-8000-999999999901", name: "Boleto", words: ["boleto"], created_at: Date.now() });
    state.keywords[0].enabled = false;
    changed(state.accounts[0].id, "keywords");
  });
  await rowOf(page, "Boleto").waitFor();
  await rowOf(page, "Pix").getByText("Desligada").waitFor();
  // The test box asks again too: the new keyword fires.
  await page.getByLabel("Mensagem de teste").fill("tem boleto?");
  await page.getByTestId("verdict").getByText("Dispara a palavra-chave Boleto", { exact: false }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a reply with an uploaded file, a field set and a published flow started; drafts are not offered", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { flows: [{ name: "Orçamento guiado", published: true }, { name: "Rascunho novo" }] },
  });
  const { page } = app;
  await openKeywords(page);
  await page.getByRole("button", { name: "+ Nova palavra-chave" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova palavra-chave" });
  await dialog.getByLabel("Nome", { exact: true }).fill("Cardápio");
  await dialog.getByRole("textbox", { name: "Palavras" }).fill("cardápio");
  const reply = dialog.getByRole("group", { name: "Responder" });
  await reply.getByLabel("Responder").check();
  await reply.getByRole("radio", { name: "Com um arquivo" }).check();
  // No file chosen yet: Rust says so under the reply.
  await reply.getByRole("alert").getByText("Este arquivo não existe mais. Escolha o arquivo de novo.").waitFor();
  await reply.getByTestId("keyword-file").setInputFiles({ name: "cardapio.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 cardápio") });
  await reply.getByTestId("keyword-file-chosen").getByText("Arquivo: cardapio.pdf").waitFor();
  await reply.getByRole("alert").waitFor({ state: "detached" });
  await reply.getByLabel("Legenda (opcional)").fill("Nosso cardápio, {{primeiro_nome}}");

  const field = dialog.getByRole("group", { name: "Preencher um campo" });
  await field.getByLabel("Preencher um campo").check();
  await field.getByLabel("Valor").fill("Recife");

  const then = dialog.getByRole("group", { name: "Depois" });
  await then.getByRole("radio", { name: "Iniciar um fluxo" }).check();
  assert.deepEqual(await then.getByLabel("Fluxo").locator("option").allTextContents(), ["Orçamento guiado"]);
  await dialog.getByRole("button", { name: "Criar" }).click();
  await page.getByText("Palavra-chave “Cardápio” criada.").waitFor();
  const row = rowOf(page, "Cardápio");
  await row.getByText("Envia o arquivo cardapio.pdf").waitFor();
  await row.getByText("Cidade = “Recife”").waitFor();
  await row.getByText("Inicia o fluxo Orçamento guiado").waitFor();
  const { file, flow } = await page.evaluate(() => ({ file: window.__MOCK__.state.automationFiles[0], flow: window.__MOCK__.state.flows[0].id }));
  assert.equal(file.name, "cardapio.pdf");
  const [created] = await callsOf(app, "keywords_create");
  assert.deepEqual(created.args.input.actions.reply, { kind: "file", file: file.id, caption: "Nosso cardápio, {{primeiro_nome}}" });
  assert.deepEqual(created.args.input.actions.set_field, { field: "cidade", value: "Recife" });
  assert.equal(created.args.input.actions.start_flow, flow);
  assert.deepEqual(app.errors, []);
  await app.close();
});
