// Automação → Fluxos and Configurações do bot in real Chromium against the
// fake backend: a flow made from a starter, its draft as JSON read by Rust
// as it is typed — a syntax error (line and column, the cursor put there,
// nothing applied) and a problem Rust finds (listed per block, publishing
// refused) —, fixed and published as v1; a starter that needs fields and a
// tag makes them; an import refused at its first wrong place; triggers;
// rename and duplicate from the list; on/off, delete behind a confirmation
// (conversations in the flow ended with it); and the bot's settings saved,
// an unknown time zone refused under its field. The canvas itself is in
// canvas.test.mjs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  accounts: [{ name: "Padaria Pão Quente" }],
  numbers: [{ name: "Balcão" }, { name: "Delivery" }],
  tags: [{ name: "VIP" }, { name: "Lead", color: "#1d4ed8" }],
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const rowOf = (page, name) => page.getByTestId("flow-row").filter({ has: page.getByRole("button", { name: `Abrir o fluxo ${name}` }) });

async function openFlows(page) {
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Fluxos" }).click();
}

test("a flow from a starter, edited as JSON: a syntax error held back with its line, a dangling link blocks publishing, fixed, published as v1", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await openFlows(page);
  await page.getByText("Nenhum fluxo ainda").waitFor();
  await page.getByRole("button", { name: "+ Novo fluxo" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo fluxo" });
  await dialog.getByLabel("Nome do fluxo").fill("Atendimento");
  await dialog.getByRole("radio", { name: /Menu de atendimento/ }).check();
  await dialog.getByRole("button", { name: "Criar" }).click();
  await page.getByText("Fluxo “Atendimento” criado.").waitFor();
  // The editor opens on the new flow's canvas, its draft the starter.
  await page.getByTestId("flow-status").getByText("Rascunho").waitFor();
  await page.locator('.react-flow__node[data-id="menu"]').getByText("Como podemos ajudar?").waitFor();
  const [created] = await callsOf(app, "flows_create");
  assert.equal(created.args.document.start, "boas_vindas");
  await page.getByTestId("no-problems").waitFor();

  // The same draft as JSON.
  await page.getByRole("button", { name: "Ver JSON" }).click();
  const area = page.getByLabel("Documento do fluxo (JSON)");
  assert.match(await area.inputValue(), /"question": "Como podemos ajudar\?"/);
  // A comma taken out: shown with its line and column as it is typed; nothing is applied or saved.
  const before = await area.inputValue();
  const saves = (await callsOf(app, "flows_save_draft")).length;
  const cut = before.replace('"start": "boas_vindas",', '"start": "boas_vindas"');
  const line = cut.split("\n").findIndex((l) => l.includes('"nodes"')) + 1;
  await area.fill(cut);
  await page.getByTestId("doc-error").getByText(`O arquivo não é um fluxo válido: erro na linha ${line}, coluna 3`, { exact: false }).waitFor();
  assert.equal((await callsOf(app, "flows_check_text")).at(-1).args.json, cut);
  // "Mostrar no texto" puts the cursor where Rust says the text breaks.
  await page.getByTestId("doc-error").getByRole("button", { name: "Mostrar no texto" }).click();
  const caret = await area.evaluate((el) => el.selectionStart);
  assert.equal(cut.slice(caret, caret + 7), '"nodes"');
  assert.equal((await callsOf(app, "flows_save_draft")).length, saves);

  // Valid JSON, but "Falar com uma pessoa" now leads to a block that does not exist: applied, saved, listed.
  await area.fill(before.replace('"to": "pessoa"\n    },\n    {\n      "id": "e6"', '"to": "ninguem"\n    },\n    {\n      "id": "e6"'));
  await page.getByTestId("doc-error").waitFor({ state: "detached" });
  const findings = page.getByTestId("findings");
  await findings.getByText("A ligação e5 aponta para um bloco que não existe.", { exact: false }).waitFor();
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.edges.find((e) => e.id === "e5").to === "ninguem");
  const publish = page.getByRole("button", { name: "Publicar", exact: true });
  assert.ok(await publish.isDisabled());
  assert.equal(await page.evaluate(() => window.__MOCK__.state.flowVersions.length), 0);

  // Fixed in the text; published.
  await area.fill(before);
  await page.getByTestId("no-problems").waitFor();
  await page.getByTestId("flow-revision").getByText(/^Salvo/).waitFor();
  await publish.click();
  await page.getByText("Fluxo publicado: versão 1.").waitFor();
  await page.getByTestId("flow-status").getByText("Publicado v1").waitFor();
  // Back on the canvas, the document is the one published.
  await page.getByRole("button", { name: "Ver canvas" }).click();
  await page.locator('.react-flow__node[data-id="pessoa"]').waitFor();
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await rowOf(page, "Atendimento").getByText("Publicado v1").waitFor();
  await rowOf(page, "Atendimento").getByText(/^Publicado em/).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a starter whose blocks fill fields and add a tag makes those the account lacks, and publishes as it comes", async () => {
  const app = await openApp(browser, server.url, { ...BASE, tags: [{ name: "VIP" }], fields: [{ label: "E-mail", kind: "text" }] });
  const { page } = app;
  await openFlows(page);
  await page.getByRole("button", { name: "+ Novo fluxo" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo fluxo" });
  await dialog.getByLabel("Nome do fluxo").fill("Leads");
  await dialog.getByRole("radio", { name: /Captura de lead/ }).check();
  await dialog.getByRole("button", { name: "Criar" }).click();
  await page.getByText("Fluxo “Leads” criado.").waitFor();
  const made = (await callsOf(app, "fields_create")).map((c) => c.args.input.label);
  assert.deepEqual(made, ["Nome completo", "Interesse"]);
  assert.deepEqual((await callsOf(app, "tags_create")).map((c) => c.args.input.name), ["Lead"]);
  await page.getByTestId("no-problems").waitFor();
  await page.getByRole("button", { name: "Publicar", exact: true }).click();
  await page.getByText("Fluxo publicado: versão 1.").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("importing a file that is not a flow names its first wrong place; a good file becomes a draft", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await openFlows(page);
  const good = {
    schema: 1, start: "oi",
    nodes: [
      { id: "oi", position: { x: 0, y: 0 }, type: "send", content: { kind: "text", text: "Oi!" }, typing_ms: 800 },
      { id: "menu", position: { x: 200, y: 0 }, type: "menu", question: "Pedidos ou horários?", options: [{ id: "a", label: "Pedidos", synonyms: [] }], retry: "De novo?", tries: 2 },
    ],
    edges: [{ id: "e1", from: "oi", handle: "next", to: "menu" }],
  };
  const bad = structuredClone(good);
  bad.nodes[1].tries = "duas";
  const input = page.getByTestId("flow-import-file");
  await input.setInputFiles({ name: "pedidos.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad, null, 2)) });
  const dialog = page.getByRole("dialog", { name: "Importar fluxo" });
  assert.equal(await dialog.getByLabel("Nome do fluxo").inputValue(), "pedidos");
  await dialog.getByRole("button", { name: "Importar" }).click();
  await dialog.getByTestId("import-error").getByText("O arquivo não é um fluxo válido: erro no bloco 2 (menu)", { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.flows.length), 0);
  await dialog.getByRole("button", { name: "Cancelar" }).click();

  // Cut short: not JSON, refused with where the text breaks.
  await input.setInputFiles({ name: "cortado.json", mimeType: "application/json", buffer: Buffer.from('{"schema": 1,\n "start": ') });
  await dialog.getByRole("button", { name: "Importar" }).click();
  await dialog.getByTestId("import-error").getByText("O arquivo não é um fluxo válido: erro na linha 2", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();

  await input.setInputFiles({ name: "pedidos.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(good)) });
  await dialog.getByRole("button", { name: "Importar" }).click();
  await page.getByText("Fluxo “pedidos” importado.").waitFor();
  await page.getByTestId("flow-canvas").waitFor();
  // The menu's "other" branch leads nowhere: Rust lists it on the imported draft, and the block says so.
  await page.getByTestId("findings").getByText("A saída \"other\" não leva a nenhum bloco.", { exact: false }).waitFor();
  await page.locator('.react-flow__node[data-id="menu"]').getByTestId("node-problems").waitFor();
  const [imported] = (await callsOf(app, "flows_import")).slice(-1);
  assert.equal(imported.args.json, JSON.stringify(good));
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("triggers: hours out of range refused under them; a first message, a no-match and a tag set and listed", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { flows: [{ name: "Boas-vindas", published: true }, { name: "Padrão", published: true, triggers: [{ on: "no_match", hours: 24, numbers: [] }] }] },
  });
  const { page } = app;
  await openFlows(page);
  await rowOf(page, "Padrão").getByText("Mensagem sem outra resposta, no máximo a cada 24 h (Todos os números)").waitFor();
  await page.getByRole("button", { name: "Abrir o fluxo Boas-vindas" }).click();
  await page.getByRole("button", { name: "Gatilhos", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Gatilhos de Boas-vindas" });
  await dialog.getByRole("checkbox", { name: "Primeira mensagem de um contato" }).check();
  await dialog.getByRole("group", { name: "Primeira mensagem de um contato" }).getByRole("radio", { name: "Só os números escolhidos" }).check();
  // Choosing numbers starts from the first; Delivery instead.
  const first = dialog.getByRole("group", { name: "Primeira mensagem de um contato" });
  assert.ok(await first.getByRole("checkbox", { name: "Balcão" }).isChecked());
  await first.getByRole("checkbox", { name: "Delivery" }).check();
  await first.getByRole("checkbox", { name: "Balcão" }).uncheck();
  await dialog.getByRole("checkbox", { name: "Mensagem sem outra resposta" }).check();
  await dialog.getByLabel("No máximo uma vez por contato a cada (horas)").fill("0");
  await dialog.getByRole("button", { name: "VIP" }).click();
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.getByRole("group", { name: "Mensagem sem outra resposta" }).getByRole("alert")
    .getByText("O intervalo da resposta padrão deve ficar entre 1 hora e 720 horas (30 dias).").waitFor();

  // The other flow already answers "no match" on every number: named since the box was
  // ticked, from the flow list, as Rust's rule reads it (Rust refuses the same on save).
  const clash = dialog.getByRole("group", { name: "Mensagem sem outra resposta" }).getByTestId("trigger-clash");
  await clash.getByText("O fluxo “Padrão” já é a resposta padrão (sem correspondência) em um dos mesmos números.", { exact: false }).waitFor();
  assert.equal(await dialog.getByRole("group", { name: "Primeira mensagem de um contato" }).getByTestId("trigger-clash").count(), 0);
  await dialog.getByLabel("No máximo uma vez por contato a cada (horas)").fill("12");
  await dialog.getByRole("checkbox", { name: "Mensagem sem outra resposta" }).uncheck();
  await dialog.getByTestId("trigger-clash").waitFor({ state: "detached" });
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Gatilhos salvos.").waitFor();
  assert.equal(await page.getByTestId("editor-triggers").innerText(),
    "Começa com: Primeira mensagem de um contato (Delivery) · Etiqueta “VIP” adicionada a um contato");
  const delivery = await page.evaluate(() => window.__MOCK__.state.numbers[1].number.id);
  const vip = await page.evaluate(() => window.__MOCK__.state.tags[0].id);
  assert.deepEqual((await callsOf(app, "flows_set_triggers")).at(-1).args.triggers, [{ on: "first_message", numbers: [delivery] }, { on: "tag_added", tag: vip }]);
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await rowOf(page, "Boas-vindas").getByText("Etiqueta “VIP” adicionada a um contato").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a flow turned off and on, exported, and deleted behind a confirmation; one a keyword starts is kept, with the reason", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: {
      flows: [{ name: "Boas-vindas", published: true }, { name: "Orçamento", published: true, activeSessions: 2, sessionsStarted: 5 }],
      keywords: [{ name: "Orçar", words: ["orçamento"], actions: {} }],
    },
  });
  const { page } = app;
  // The keyword starts "Orçamento" (seeded by id once the flows exist).
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.keywords[0].actions.start_flow = state.flows.find((f) => f.name === "Orçamento").id;
  });
  await openFlows(page);
  const welcome = rowOf(page, "Boas-vindas");
  await welcome.getByRole("switch", { name: "Fluxo Boas-vindas" }).uncheck();
  await welcome.getByTestId("flow-status").getByText("Desligado").waitFor();
  await welcome.getByRole("switch").check();
  await welcome.getByTestId("flow-status").getByText("Publicado v1").waitFor();

  await welcome.getByRole("button", { name: "Exportar Boas-vindas" }).click();
  await page.getByText("Fluxo exportado para /home/ana/Documentos/fluxo.json.").waitFor();

  const budget = rowOf(page, "Orçamento");
  await budget.getByTestId("flow-counts").getByText("5 conversa(s) iniciada(s) · 2 em andamento").waitFor();
  await budget.getByRole("button", { name: "Excluir Orçamento" }).click();
  const dialog = page.getByRole("dialog", { name: "Excluir fluxo" });
  await dialog.getByText("2 conversa(s) estão neste fluxo agora", { exact: false }).waitFor();
  // The dialog knows the keyword that starts it: it names it and will not delete.
  await dialog.getByTestId("delete-keyword").getByText("A palavra-chave “Orçar” inicia este fluxo: mude-a antes de excluir.").waitFor();
  assert.ok(await dialog.getByRole("button", { name: "Excluir" }).isDisabled());
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });

  // A keyword made to start "Boas-vindas" where this list has not heard of it yet:
  // sent when the Desfazer window ends (or at once on leaving), Rust refuses, the row comes back with why.
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.keywords[0].actions.start_flow = state.flows.find((f) => f.name === "Boas-vindas").id;
  });
  await welcome.getByRole("button", { name: "Excluir Boas-vindas" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await welcome.waitFor({ state: "detached" });
  await page.getByRole("tab", { name: "Palavras-chave" }).click();
  await page.getByText("A palavra-chave \"Orçar\" inicia este fluxo.", { exact: false }).waitFor();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  await rowOf(page, "Boas-vindas").waitFor();

  // With nothing starting it, deleting can still be undone.
  await page.evaluate(() => { window.__MOCK__.state.keywords[0].actions.start_flow = null; });
  await budget.getByRole("button", { name: "Excluir Orçamento" }).click();
  await dialog.getByText("2 conversa(s) estão neste fluxo agora", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await budget.waitFor({ state: "detached" });
  await page.getByTestId("undo-toast").getByRole("button", { name: "Desfazer" }).click();
  await budget.waitFor();
  assert.equal((await callsOf(app, "flows_delete")).length, 1, "only the refused one reached Rust");
  // Confirmed for good: the two conversations in it end with it (Rust refuses a delete that did not say so).
  await budget.getByRole("button", { name: "Excluir Orçamento" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await budget.waitFor({ state: "detached" });
  await page.getByRole("tab", { name: "Palavras-chave" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.filter((c) => c.cmd === "flows_delete").length === 2);
  assert.deepEqual((await callsOf(app, "flows_delete")).map((c) => c.args.endSessions), [false, true]);
  assert.equal(await page.evaluate(() => window.__MOCK__.state.flows.some((f) => f.name === "Orçamento")), false);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("renamed and duplicated from the list: a taken name refused under the field; the copy is a draft without triggers", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { flows: [{ name: "Boas-vindas", published: true, triggers: [{ on: "first_message", numbers: [] }] }, { name: "Padrão" }] },
  });
  const { page } = app;
  await openFlows(page);
  await rowOf(page, "Boas-vindas").getByRole("button", { name: "Renomear Boas-vindas" }).click();
  const rename = page.getByRole("dialog", { name: "Renomear fluxo" });
  await rename.getByLabel("Nome do fluxo").fill("padrão");
  await rename.getByRole("button", { name: "Salvar" }).click();
  await rename.getByRole("alert").getByText("Já existe um fluxo chamado \"Padrão\" nesta conta. Escolha outro nome.").waitFor();
  await rename.getByLabel("Nome do fluxo").fill("Boas-vindas da loja");
  await rename.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Fluxo renomeado para “Boas-vindas da loja”.").waitFor();
  await rowOf(page, "Boas-vindas da loja").waitFor();

  await rowOf(page, "Boas-vindas da loja").getByRole("button", { name: "Duplicar Boas-vindas da loja" }).click();
  const dup = page.getByRole("dialog", { name: "Duplicar “Boas-vindas da loja”" });
  assert.equal(await dup.getByLabel("Nome do fluxo").inputValue(), "Boas-vindas da loja (cópia)");
  await dup.getByRole("button", { name: "Duplicar" }).click();
  await page.getByText("Fluxo “Boas-vindas da loja (cópia)” criado como cópia.").waitFor();
  // The copy opens on its canvas: a draft, nothing starts it.
  await page.getByTestId("flow-status").getByText("Rascunho").waitFor();
  const copy = await page.evaluate(() => window.__MOCK__.state.flows.find((f) => f.name === "Boas-vindas da loja (cópia)"));
  const original = await page.evaluate(() => window.__MOCK__.state.flows.find((f) => f.name === "Boas-vindas da loja"));
  assert.deepEqual(copy.draft, original.draft);
  assert.deepEqual(copy.triggers, []);
  assert.equal(copy.published_version_id, null);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the bot's settings: an unknown time zone refused under its field, then saved with a new hand-off word", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Configurações do bot" }).click();
  const zone = page.getByLabel("Fuso horário");
  assert.equal(await zone.inputValue(), "America/Sao_Paulo");
  // Brazil's zones are offered first.
  const offered = await page.locator("#automation-tz-list option").evaluateAll((os) => os.slice(0, 2).map((o) => o.value));
  assert.deepEqual(offered, ["America/Sao_Paulo", "America/Bahia"]);

  await zone.fill("America/Sao Paulo");
  await page.getByRole("button", { name: "Salvar" }).click();
  const note = page.locator("#automation-tz-note");
  await note.getByText("\"America/Sao Paulo\" não é um fuso horário conhecido (exemplo: America/Sao_Paulo).").waitFor();
  assert.equal(await note.getAttribute("role"), "alert");
  assert.equal(await page.evaluate(() => Object.keys(window.__MOCK__.state.automationSettings).length), 0);

  await zone.fill("America/Recife");
  const words = page.getByRole("textbox", { name: "Palavras para chamar um atendente" });
  await words.fill("humano");
  await words.press("Enter");
  await page.getByLabel("Permitir que fluxos e a IA acessem a rede local e este computador").check();
  await page.getByTestId("private-http-warning").waitFor();
  await page.getByLabel("Endereço do serviço (URL base)").fill("http://localhost:11434/v1");
  await page.getByRole("button", { name: "Salvar" }).click();
  // An address without a model: under the model.
  await page.locator("#automation-ai-model-note").getByText("Informe o modelo de IA", { exact: false }).waitFor();
  await page.getByLabel("Modelo").fill("llama3.1");
  await page.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Configurações do bot salvas.").waitFor();
  const saved = await page.evaluate(() => Object.values(window.__MOCK__.state.automationSettings)[0]);
  assert.equal(saved.time_zone, "America/Recife");
  assert.deepEqual(saved.handoff_words, ["atendente", "humano"]);
  assert.equal(saved.allow_private_http, true);
  assert.equal(saved.ai_model, "llama3.1");
  assert.equal(await note.getAttribute("role"), null);

  // Off: the screen says nothing answers, and the test box says why.
  await page.getByLabel("Bot ligado nesta conta").uncheck();
  await page.getByRole("button", { name: "Salvar" }).click();
  await page.getByTestId("automation-off").waitFor();
  await page.getByRole("tab", { name: "Palavras-chave" }).click();
  await page.getByLabel("Mensagem de teste").fill("quero falar com um humano");
  await page.getByText("A automação desta conta está desligada: agora nada responderia.", { exact: false }).waitFor();
  await page.getByTestId("verdict").getByText("Passa para um atendente: a mensagem tem a palavra “humano”.").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the AI key: kept on this computer apart from the settings, refused in Rust's words, replaced and deleted, never shown again", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Configurações do bot" }).click();
  const key = page.getByLabel("Chave de acesso (API key)");
  assert.equal(await key.getAttribute("type"), "password");
  await page.locator("#automation-ai-key-note").getByText("Cada computador que roda os números desta conta precisa da chave guardada nele.", { exact: false }).waitFor();

  await key.fill("sk abc");
  await page.getByRole("button", { name: "Guardar chave" }).click();
  const note = page.locator("#automation-ai-key-note");
  await note.getByText("A chave da IA não parece válida: cole-a de novo, sem espaços nem quebras de linha.").waitFor();
  assert.equal(await note.getAttribute("role"), "alert");

  // No AI address saved yet: the key is for an address, so it waits for one.
  await key.fill("sk-proj-123");
  await key.press("Enter");
  await note.getByText("Salve primeiro o endereço da IA (URL base) nas configurações do bot", { exact: false }).waitFor();
  await page.evaluate(() => {
    const m = window.__MOCK__;
    m.state.automationSettings[m.state.accounts[0].id] = { ...m.state.automationSettings[m.state.accounts[0].id],
      enabled: true, time_zone: "America/Sao_Paulo", handoff_words: ["atendente"], handoff_reply: "Já chamo alguém.",
      session_expiry_minutes: 1440, allow_private_http: false, ai_base_url: "https://api.openai.com/v1", ai_model: "gpt-4o-mini", ai_instructions: "" };
  });

  // Enter keeps the key, and does not save the settings' form around it.
  await key.press("Enter");
  await page.getByText("Chave da IA guardada neste computador.").waitFor();
  await page.getByTestId("ai-key-kept").getByText("Guardada neste computador").waitFor();
  await page.getByTestId("ai-key-origin").getByText("Enviada só para https://api.openai.com:443", { exact: false }).waitFor();
  assert.equal((await callsOf(app, "automation_settings_save")).length, 0);
  assert.ok(!(await page.content()).includes("sk-proj-123"), "the key is not on the page any more");

  // Someone moves the AI address (a synced setting): the key is not sent there, and the screen says why.
  await page.evaluate(() => {
    const m = window.__MOCK__;
    m.state.automationSettings[m.state.accounts[0].id].ai_base_url = "https://outro.exemplo.com/v1";
    m.emit("changed", { account: m.state.accounts[0].id, table: "automation_settings" });
  });
  await page.getByTestId("ai-key-refused").getByText("O endereço da IA mudou desde que a chave foi guardada (para https://api.openai.com:443)", { exact: false }).waitFor();
  await page.evaluate(() => {
    const m = window.__MOCK__;
    m.state.automationSettings[m.state.accounts[0].id].ai_base_url = "https://api.openai.com/v1";
    m.emit("changed", { account: m.state.accounts[0].id, table: "automation_settings" });
  });
  await page.getByTestId("ai-key-refused").waitFor({ state: "detached" });

  await page.getByRole("button", { name: "Trocar" }).click();
  await key.fill("sk-proj-456");
  await page.getByRole("button", { name: "Guardar chave" }).click();
  await page.getByTestId("ai-key-kept").waitFor();

  await page.getByRole("button", { name: "Apagar chave" }).click();
  const confirm = page.getByRole("dialog", { name: "Apagar a chave da IA deste computador?" });
  await confirm.getByRole("button", { name: "Apagar chave" }).click();
  await page.getByText("Chave da IA apagada deste computador.").waitFor();
  await key.waitFor();
  assert.equal(await page.evaluate(() => Object.keys(window.__MOCK__.state.aiKeys).length), 0);
  assert.deepEqual((await callsOf(app, "automation_ai_key_set")).map((c) => c.args.key), ["sk abc", "sk-proj-123", "sk-proj-123", "sk-proj-456", null]);
  assert.deepEqual(app.errors, []);
  await app.close();
});
