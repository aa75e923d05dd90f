// Unsaved work in Automação, in real Chromium against the fake backend: a
// flow's change is saved on leaving; one the other desktop's save made Rust
// refuse asks before anything takes it away (the tabs, the "automação
// desligada" banner, the sidebar, the account switcher, "← Fluxos", closing
// the page); a flow deleted on another desktop leaves the draft here to
// copy; a read that fails is said beside what it concerns; the bot's settings follow another
// desktop's save and say so while the form has changes; a keyword being
// typed is not dropped by Escape or a click beside it, and one saved
// elsewhere meanwhile is only overwritten when asked again.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  accounts: [{ name: "Padaria Pão Quente" }, { name: "Sorveteria Gelato" }],
  numbers: [{ name: "Balcão" }, { name: "Delivery", runsElsewhere: "Beatriz" }],
  tags: [{ name: "VIP" }],
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const area = (page) => page.getByLabel("Documento do fluxo (JSON)");
const message = (page) => page.getByRole("complementary", { name: "Editar o bloco inicio" }).getByLabel("Mensagem");
const unloadAsks = (page) => page.evaluate(() => {
  const e = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(e);
  return e.defaultPrevented;
});

async function openFlow(page, name) {
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  await page.getByRole("button", { name: `Abrir o fluxo ${name}` }).click();
  await page.getByTestId("flow-revision").waitFor();
}

/** Clicks `what`, expects "Sair sem salvar?" naming the flow's document, and keeps editing. */
async function asksAndStays(page, what) {
  await what();
  const ask = page.getByRole("dialog", { name: "Sair sem salvar?" });
  await ask.getByText("O rascunho tem mudanças que ainda não foram salvas.", { exact: false }).waitFor();
  await ask.getByRole("button", { name: "Cancelar" }).click();
  await ask.waitFor({ state: "detached" });
  await message(page).waitFor();
}

test("a flow's change is saved on leaving, not asked about; one the shared database refused stays and leaving asks (tabs, banner, sidebar, account switcher, ← Fluxos, closing)", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { settings: { enabled: false }, flows: [{ name: "Boas-vindas", published: true }] },
  });
  const { page } = app;
  await openFlow(page, "Boas-vindas");
  assert.equal(await unloadAsks(page), false, "nothing changed: closing does not ask");
  // Changed and left at once (before the pause that saves): saved on the way out, nothing asked.
  await page.locator('.react-flow__node[data-id="inicio"]').click();
  await message(page).fill("Bom dia!");
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await page.getByRole("button", { name: "Abrir o fluxo Boas-vindas" }).waitFor();
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.nodes[0].content.text === "Bom dia!");

  // Saved on another desktop meanwhile (this one has not heard): the next change is refused and stays here.
  await openFlow(page, "Boas-vindas");
  await page.getByTestId("flow-revision").getByText(/^Salvo/).waitFor();
  await page.evaluate(() => { window.__MOCK__.state.flows[0].revision += 1; });
  await page.locator('.react-flow__node[data-id="inicio"]').click();
  await message(page).fill("Minha versão");
  await page.getByTestId("flow-stale").waitFor();
  assert.equal(await unloadAsks(page), true, "closing the window asks");
  await asksAndStays(page, () => page.getByRole("tab", { name: "Palavras-chave" }).click());
  await asksAndStays(page, () => page.getByTestId("automation-off").getByRole("button", { name: "Ligar em Configurações do bot" }).click());
  await asksAndStays(page, () => page.getByRole("button", { name: "Contatos" }).click());
  await asksAndStays(page, () => page.getByRole("button", { name: "← Fluxos" }).click());
  await asksAndStays(page, () => page.getByLabel("Conta", { exact: true }).selectOption({ label: "Sorveteria Gelato" }));
  assert.equal(await page.getByLabel("Conta", { exact: true }).locator("option:checked").textContent(), "Padaria Pão Quente");
  // The desktop window's close button (Tauri's close-requested): asked too,
  // and Cancelar keeps the window; agreeing destroys it.
  const closeWindow = () => page.evaluate(() => window.__MOCK__.emit("tauri://close-requested", null));
  await asksAndStays(page, closeWindow);
  assert.equal((await callsOf(app, "plugin:window|destroy")).length, 0, "Cancelar keeps the window");
  await closeWindow();
  await page.getByRole("dialog", { name: "Sair sem salvar?" }).getByRole("button", { name: "Descartar e sair" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "plugin:window|destroy"));
  assert.equal(await message(page).inputValue(), "Minha versão", "every Cancelar kept the change");

  // Left through the sidebar on purpose: gone, and the page no longer holds; the other desktop's draft is untouched.
  await page.getByRole("button", { name: "Contatos" }).click();
  await page.getByRole("dialog", { name: "Sair sem salvar?" }).getByRole("button", { name: "Descartar e sair" }).click();
  await page.getByRole("heading", { name: "Contatos", exact: true }).waitFor();
  assert.equal(await unloadAsks(page), false);
  assert.equal(await page.evaluate(() => window.__MOCK__.state.flows[0].draft.nodes[0].content.text), "Bom dia!");
  // The account switcher moves at once when nothing is held.
  await page.getByLabel("Conta", { exact: true }).selectOption({ label: "Sorveteria Gelato" });
  await page.waitForFunction(() => document.querySelector("#account-switcher option:checked")?.textContent === "Sorveteria Gelato");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a flow deleted on another desktop while a refused change is here: the draft stays readable as text, to copy", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Boas-vindas", published: true }] } });
  const { page } = app;
  await page.evaluate(() => {
    window.__copied = [];
    Object.defineProperty(navigator.clipboard, "writeText", { value: async (text) => { window.__copied.push(text); } });
  });
  await openFlow(page, "Boas-vindas");
  await page.evaluate(() => { window.__MOCK__.state.flows[0].revision += 1; });
  await page.locator('.react-flow__node[data-id="inicio"]').click();
  await message(page).fill("Minha versão");
  const stale = page.getByTestId("flow-stale");
  await stale.getByText("Recarregue para ver a versão atual; suas alterações não foram salvas.", { exact: false }).waitFor();
  // Rust's words, with a way to keep what was drawn: the draft as JSON.
  await stale.getByRole("button", { name: "Copiar meu texto" }).click();
  await page.getByText("Texto copiado.").waitFor();
  const [copied] = await page.evaluate(() => window.__copied);
  assert.equal(JSON.parse(copied).nodes[0].content.text, "Minha versão");

  // Deleted elsewhere: the editor does not vanish with the change.
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const [flow] = state.flows;
    state.flows = [];
    changed(flow.account_id, "flows");
  });
  await page.getByTestId("flow-gone").getByText("Este fluxo não existe mais.").waitFor();
  const kept = area(page);
  assert.equal(await kept.inputValue(), copied);
  assert.equal(await kept.getAttribute("readonly"), "");
  // Not copied since: leaving asks.
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await page.getByRole("dialog", { name: "Sair sem salvar?" }).getByRole("button", { name: "Cancelar" }).click();
  await page.getByRole("button", { name: "Copiar texto" }).click();
  await page.waitForFunction(() => window.__copied.length === 2);
  assert.equal(await page.evaluate(() => window.__copied[1]), copied);
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await page.getByText("Nenhum fluxo ainda").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a read that fails is said beside what it concerns: the JSON's check, the versions, the flow itself", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Boas-vindas", published: true }, { name: "Pedidos" }] } });
  const { page } = app;
  const BROKEN = "Não foi possível ler os dados deste computador.";
  const breakCmd = (cmd) => page.evaluate(([c, text]) => {
    const { handlers } = window.__MOCK__.lib;
    window.__saved ??= {};
    window.__saved[c] = handlers[c];
    handlers[c] = () => { throw { code: "database_failed", message: text }; };
  }, [cmd, BROKEN]);
  const mend = (cmd) => page.evaluate((c) => { window.__MOCK__.lib.handlers[c] = window.__saved[c]; }, cmd);

  await breakCmd("flows_versions");
  await openFlow(page, "Boas-vindas");
  await page.getByRole("tab", { name: "Versões" }).click();
  await page.getByTestId("versions-error").getByText(BROKEN).waitFor();
  assert.equal(await page.getByText("Ainda não publicado.").count(), 0, "a failed read is not 'never published'");
  await mend("flows_versions");

  // Rust cannot read the JSON: nothing of it reaches the canvas or the draft, and the reason is on screen.
  await breakCmd("flows_check_text");
  await page.getByRole("button", { name: "Ver JSON" }).click();
  await area(page).fill((await area(page).inputValue()).replace("Olá!", "Oi!"));
  await page.getByTestId("check-error").getByText(`O ZapDesk não conseguiu ler o texto agora, por isso salvar e publicar estão bloqueados: ${BROKEN}`).waitFor();
  assert.equal((await callsOf(app, "flows_save_draft")).length, 0);
  await mend("flows_check_text");
  await page.getByRole("button", { name: "Ver canvas" }).click();

  // The flow itself cannot be read: not "Carregando…" forever; a way back and a retry.
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await breakCmd("flows_get");
  await page.getByRole("button", { name: "Abrir o fluxo Pedidos" }).click();
  const failed = page.getByTestId("flow-load-error");
  await failed.getByText(BROKEN).waitFor();
  await mend("flows_get");
  await failed.getByRole("button", { name: "Tentar de novo" }).click();
  await page.getByRole("heading", { name: /Pedidos/ }).waitFor();
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await page.getByRole("button", { name: "Abrir o fluxo Pedidos" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the bot's settings: another desktop's save is taken when nothing is typed, announced when something is, and Descartar shows it", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { settings: { enabled: true } } });
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Configurações do bot" }).click();
  const zone = page.getByLabel("Fuso horário");
  const reply = page.getByLabel("Resposta ao chamar um atendente");
  const elsewhere = (patch) => page.evaluate((p) => {
    const { state, changed } = window.__MOCK__;
    const id = state.accounts[0].id;
    state.automationSettings[id] = { ...state.automationSettings[id], ...p };
    changed(id, "automation_settings");
  }, patch);

  // Nothing typed: simply taken.
  await elsewhere({ time_zone: "America/Bahia" });
  await page.waitForFunction(() => document.querySelector("#automation-tz")?.value === "America/Bahia");
  assert.equal(await page.getByTestId("settings-elsewhere").count(), 0);

  // Typed here, then saved elsewhere: the typing stays, the notice says so, leaving asks.
  await reply.fill("Já chamamos alguém da equipe.");
  await elsewhere({ time_zone: "America/Manaus", handoff_reply: "Texto do outro computador." });
  await page.getByTestId("settings-elsewhere")
    .getByText("Estas configurações foram alteradas em outro computador. Descartar alterações mostra as atuais.").waitFor();
  assert.equal(await reply.inputValue(), "Já chamamos alguém da equipe.");
  assert.equal(await zone.inputValue(), "America/Bahia");
  assert.equal(await unloadAsks(page), true);
  await page.getByRole("tab", { name: "Fluxos" }).click();
  const ask = page.getByRole("dialog", { name: "Sair sem salvar?" });
  await ask.getByText("As configurações do bot têm alterações que não foram salvas.", { exact: false }).waitFor();
  await ask.getByRole("button", { name: "Cancelar" }).click();

  // Descartar: the settings as stored now, not as they were when the typing began.
  await page.getByRole("button", { name: "Descartar alterações" }).click();
  await page.getByTestId("settings-elsewhere").waitFor({ state: "detached" });
  assert.equal(await zone.inputValue(), "America/Manaus");
  assert.equal(await reply.inputValue(), "Texto do outro computador.");
  assert.equal(await unloadAsks(page), false);
  assert.equal((await callsOf(app, "automation_settings_save")).length, 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the AI's address and key: a local address needs the local-network option, link-local never; numbers on another computer need the key there", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { aiKey: "sk-guardada" } });
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Configurações do bot" }).click();
  const url = page.getByLabel("Endereço do serviço (URL base)");
  const note = page.getByTestId("ai-address-note");
  const local = page.getByLabel("Permitir que fluxos e a IA acessem a rede local e este computador");

  await url.fill("https://api.openai.com/v1");
  assert.equal(await note.count(), 0);
  await url.fill("http://localhost:11434/v1");
  await note.getByText("Este endereço é da rede local: ligue a opção acima, senão a IA não responde.").waitFor();
  assert.match(await url.getAttribute("aria-describedby"), /automation-ai-url-address/);
  await local.check();
  await note.waitFor({ state: "detached" });
  await url.fill("http://169.254.169.254/v1");
  await note.getByText("é sempre recusado, mesmo com a opção acima ligada", { exact: false }).waitFor();

  // The kept key: its label names the group of its buttons.
  const kept = page.getByRole("group", { name: "Chave de acesso (API key)" });
  await kept.getByText("Guardada neste computador").waitFor();
  await kept.getByRole("button", { name: "Trocar" }).waitFor();
  await page.getByTestId("ai-key-elsewhere")
    .getByText("Os números Delivery rodam no computador de Beatriz: guarde a chave lá também, senão os blocos de IA seguem pelo caminho de erro.").waitFor();
  await kept.getByRole("button", { name: "Apagar chave" }).click();
  await page.getByRole("dialog", { name: "Apagar a chave da IA deste computador?" })
    .getByText("Os blocos de IA dos fluxos que rodam neste computador seguem pelo caminho de erro (um Ollama local continua funcionando).", { exact: false }).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Cancelar" }).click();

  // The expiry's hint is read with its number and unit.
  const hint = await page.locator("#automation-expiry").getAttribute("aria-describedby");
  assert.equal(hint, "automation-expiry-note");
  await page.locator(`#${hint}`).getByText("Quanto o bot espera a resposta", { exact: false }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a keyword being typed is not dropped by Escape or a click beside it; one saved elsewhere meanwhile is overwritten only when asked again", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: {
      files: [{ name: "cardapio.pdf" }],
      keywords: [{ name: "Horário", words: ["horário"], actions: { reply: { kind: "text", text: "Das 8h às 18h." } } }],
    },
  });
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("button", { name: "+ Nova palavra-chave" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova palavra-chave" });
  // Untouched: Escape closes at once.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });

  await page.getByRole("button", { name: "+ Nova palavra-chave" }).click();
  await dialog.getByLabel("Nome", { exact: true }).fill("Cardápio");
  // "Com um arquivo" starts with no file chosen, though the account has one.
  const reply = dialog.getByRole("group", { name: "Responder" });
  await reply.getByLabel("Responder").check();
  await reply.getByRole("radio", { name: "Com um arquivo" }).check();
  assert.equal(await reply.getByLabel("Arquivo guardado").inputValue(), "");
  await reply.getByRole("button", { name: "Adicionar arquivo…" }).waitFor();

  const ask = page.getByRole("dialog", { name: "Sair sem salvar?" });
  await page.keyboard.press("Escape");
  await ask.getByText("A palavra-chave tem alterações que não foram salvas.", { exact: false }).waitFor();
  await ask.getByRole("button", { name: "Cancelar" }).click();
  assert.equal(await dialog.getByLabel("Nome", { exact: true }).inputValue(), "Cardápio");
  // A click beside the dialog asks the same.
  await page.mouse.click(5, 5);
  await ask.getByRole("button", { name: "Descartar e sair" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal((await callsOf(app, "keywords_create")).length, 0);

  // Editing "Horário" while another desktop saves it.
  await page.getByRole("button", { name: "Editar Horário" }).click();
  const edit = page.getByRole("dialog", { name: "Editar palavra-chave" });
  await edit.getByLabel("Texto da resposta").fill("Das 9h às 17h.");
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const k = state.keywords[0];
    k.actions.reply = { kind: "text", text: "Das 7h às 19h." };
    k.updated_at += 1000;
    changed(k.account_id, "keywords");
  });
  await edit.getByTestId("keyword-elsewhere").getByText("Esta palavra-chave foi alterada em outro computador enquanto você editava.", { exact: false }).waitFor();
  await edit.getByRole("button", { name: "Salvar", exact: true }).click();
  await edit.getByTestId("keyword-elsewhere").getByText("Clique em “Salvar mesmo assim”", { exact: false }).waitFor();
  assert.equal((await callsOf(app, "keywords_update")).length, 0, "the first click only warns");
  await edit.getByRole("button", { name: "Salvar mesmo assim" }).click();
  await page.getByText("Palavra-chave “Horário” salva.").waitFor();
  assert.equal((await callsOf(app, "keywords_update")).at(-1).args.input.actions.reply.text, "Das 9h às 17h.");
  assert.deepEqual(app.errors, []);
  await app.close();
});
