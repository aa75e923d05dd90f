// Destructive actions in real Chromium: the first click only asks (in the
// app's own dialog, never window.confirm), Cancel and Escape change nothing,
// confirming does it. Deletions that can be undone are held back for
// "Desfazer": undoing means Rust never saw a delete; otherwise the delete
// reaches the fake backend when the window ends, or at once when the screen
// is left. No fixed sleeps: the tests click Desfazer or poll the backend.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Longer than UNDO_MS (src/components/undo.ts, 6 s): waiting for the window to end.
const AFTER_WINDOW = { timeout: 15_000 };
// Well under UNDO_MS: the delete was sent because the screen was left, not by the timer.
const AT_ONCE = { timeout: 2_500 };

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const TWO_CONTACTS = {
  accounts: [{ name: "Academia Forma" }],
  contacts: [{ phone: "+5511911112222", name: "Carlos" }, { phone: "+5511933334444", name: "Ana Lima" }],
};

test("deleting a contact asks first; Cancel and Escape change nothing; Desfazer brings it back and Rust never hears of it", async () => {
  const app = await openApp(browser, server.url, TWO_CONTACTS);
  const { page } = app;
  const row = page.getByTestId("contact-row").filter({ hasText: "Carlos" });
  const dialog = page.getByRole("dialog", { name: "Excluir contato" });

  await row.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByText("Excluir o contato Carlos?", { exact: false }).waitFor();
  assert.equal(await dialog.getByRole("button", { name: "Excluir" }).getAttribute("class"), "danger-solid");
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });

  await row.getByRole("button", { name: "Excluir" }).click();
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await row.count(), 1);

  await row.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("contacts-count").textContent(), "1 contato");
  const toast = page.getByTestId("undo-toast");
  await toast.getByText("Contato excluído").waitFor();
  await toast.getByRole("button", { name: "Desfazer" }).click();
  await row.waitFor();
  await toast.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("contacts-count").textContent(), "2 contatos");
  assert.equal((await callsOf(app, "contacts_delete")).length, 0);
  assert.equal(await page.evaluate(() => window.__MOCK__.state.contacts.length), 2);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a confirmed contact delete reaches Rust when the Desfazer window ends", async () => {
  const app = await openApp(browser, server.url, TWO_CONTACTS);
  const { page } = app;
  const row = page.getByTestId("contact-row").filter({ hasText: "Carlos" });
  await row.getByRole("button", { name: "Excluir" }).click();
  await page.getByRole("dialog", { name: "Excluir contato" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByTestId("undo-toast").waitFor();
  assert.equal((await callsOf(app, "contacts_delete")).length, 0, "held back while Desfazer is offered");
  await page.waitForFunction(() => !window.__MOCK__.state.contacts.some((c) => c.name === "Carlos"), null, AFTER_WINDOW);
  await page.getByTestId("undo-toast").waitFor({ state: "detached" });
  assert.equal((await callsOf(app, "contacts_delete")).length, 1);
  await page.getByTestId("contact-row").filter({ hasText: "Ana Lima" }).waitFor();
  assert.equal(await row.count(), 0);
  await app.close();
});

test("a held contact delete is sent at once when the screen is left or the account switched", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Academia Forma" }, { name: "Clínica Sorriso" }],
    contacts: [{ phone: "+5511911112222", name: "Carlos" }, { phone: "+5511933334444", name: "Ana Lima" }],
  });
  const { page } = app;
  const gone = (name) => page.waitForFunction((n) => !window.__MOCK__.state.contacts.some((c) => c.name === n), name, AT_ONCE);

  await page.getByTestId("contact-row").filter({ hasText: "Carlos" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByRole("dialog", { name: "Excluir contato" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByTestId("undo-toast").waitFor();
  await page.getByRole("button", { name: "Conversas" }).click();
  await gone("Carlos");
  await page.getByTestId("undo-toast").waitFor({ state: "detached" });

  await page.getByRole("button", { name: "Contatos" }).click();
  await page.getByTestId("contact-row").filter({ hasText: "Ana Lima" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByRole("dialog", { name: "Excluir contato" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByTestId("undo-toast").waitFor();
  await page.locator("#account-switcher").selectOption({ label: "Clínica Sorriso" });
  await gone("Ana Lima");
  assert.equal((await callsOf(app, "contacts_delete")).length, 2);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("deleting a tag in Settings asks, can be undone, and is sent after the window", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }], tags: [{ name: "VIP" }, { name: "Lead" }] });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const chip = page.getByRole("button", { name: "Excluir a etiqueta VIP" });
  const dialog = page.getByRole("dialog", { name: "Excluir etiqueta" });

  await chip.click();
  await dialog.getByText("Ela sai de todos os contatos", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__MOCK__.state.tags.length), 2);

  await chip.click();
  await dialog.getByRole("button", { name: "Excluir etiqueta" }).click();
  await chip.waitFor({ state: "detached" });
  const toast = page.getByTestId("undo-toast");
  await toast.getByText("Etiqueta “VIP” excluída").waitFor();
  await toast.getByRole("button", { name: "Desfazer" }).click();
  await chip.waitFor();
  assert.equal((await callsOf(app, "tags_delete")).length, 0);

  await chip.click();
  await dialog.getByRole("button", { name: "Excluir etiqueta" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.tags.map((t) => t.name).join() === "Lead", null, AFTER_WINDOW);
  assert.equal(await chip.count(), 0);
  await app.close();
});

test("deleting a quick reply asks, can be undone, and leaving Settings sends it", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Academia Forma" }],
    quickReplies: [{ shortcut: "pix", body: "Nossa chave Pix é o CNPJ." }, { shortcut: "horario", body: "Das 7h às 19h." }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const item = page.getByTestId("quick-reply").filter({ hasText: "/pix" });
  const dialog = page.getByRole("dialog", { name: "Excluir resposta rápida" });

  await item.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByText("Excluir a resposta rápida /pix?", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.quickReplies.length), 2);

  await item.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await item.waitFor({ state: "detached" });
  await page.getByTestId("undo-toast").getByRole("button", { name: "Desfazer" }).click();
  await item.waitFor();
  assert.equal((await callsOf(app, "quick_replies_delete")).length, 0);

  await item.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await item.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Contatos" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.quickReplies.map((q) => q.shortcut).join() === "horario", null, AT_ONCE);
  await app.close();
});

test("deleting a custom field can be undone; confirmed, it is sent after the window", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }] });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "Campos personalizados" });
  await panel.getByRole("button", { name: "+ Novo campo" }).click();
  const create = page.getByRole("dialog", { name: "Novo campo" });
  await create.getByLabel("Nome do campo").fill("Pontos");
  await create.getByRole("button", { name: "Criar" }).click();
  const item = panel.getByTestId("custom-field").filter({ hasText: "Pontos" });
  const dialog = page.getByRole("dialog", { name: "Excluir campo" });

  await item.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await item.waitFor({ state: "detached" });
  await page.getByTestId("undo-toast").getByRole("button", { name: "Desfazer" }).click();
  await item.waitFor();
  assert.equal((await callsOf(app, "fields_delete")).length, 0);

  await item.getByRole("button", { name: "Excluir" }).click();
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.fields.length === 0, null, AFTER_WINDOW);
  assert.equal(await item.count(), 0);
  await app.close();
});

test("archiving an account asks first; Desfazer restores it, even when it was the current account", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }, { name: "Clínica Sorriso" }] });
  const { page } = app;
  const archivedAt = (name) => page.evaluate((n) => window.__MOCK__.state.accounts.find((a) => a.name === n).archived_at, name);
  await page.getByRole("button", { name: "Configurações" }).click();
  const dialog = page.getByRole("dialog", { name: "Arquivar conta" });
  const archive = (name) => page.getByTestId("account-item").filter({ hasText: name }).getByRole("button", { name: "Arquivar" });

  await archive("Clínica Sorriso").click();
  await dialog.getByText("nada é apagado", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  assert.equal(await archivedAt("Clínica Sorriso"), null);

  await archive("Clínica Sorriso").click();
  await dialog.getByRole("button", { name: "Arquivar" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.accounts.find((a) => a.name === "Clínica Sorriso").archived_at !== null);
  // The switcher follows once the accounts are read again.
  await page.waitForFunction(() => [...document.querySelectorAll("#account-switcher option")].map((o) => o.textContent).join("|") === "Academia Forma");
  const toast = page.getByTestId("undo-toast");
  await toast.getByText("Conta “Clínica Sorriso” arquivada").waitFor();
  await toast.getByRole("button", { name: "Desfazer" }).click();
  await page.getByText("Conta “Clínica Sorriso” restaurada.").waitFor();
  assert.equal(await archivedAt("Clínica Sorriso"), null);
  assert.equal(await page.locator("#account-switcher option").count(), 2);

  // The current account: the screen changes account, the Desfazer stays.
  await archive("Academia Forma").click();
  await dialog.getByRole("button", { name: "Arquivar" }).click();
  await page.locator("#account-switcher option:checked").filter({ hasText: "Clínica Sorriso" }).waitFor({ state: "attached" });
  await toast.getByRole("button", { name: "Desfazer" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.accounts.every((a) => a.archived_at === null));
  await page.locator("#account-switcher option:checked").filter({ hasText: "Academia Forma" }).waitFor({ state: "attached" });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("removing a number says its conversations are deleted and needs its name typed; logging out asks too", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria" }], numbers: [{ name: "Balcão" }] });
  const { page } = app;
  await page.getByRole("button", { name: "Números" }).click();
  const card = page.getByTestId("number-card").filter({ hasText: "Balcão" });
  const acts = async () => (await callsOf(app, "numbers_act")).map((c) => c.args.action);

  await card.getByRole("button", { name: "Desconectar" }).click();
  const logout = page.getByRole("dialog", { name: "Desconectar número" });
  await logout.getByText("será preciso ler o QR de novo", { exact: false }).waitFor();
  await logout.getByRole("button", { name: "Cancelar" }).click();
  assert.deepEqual(await acts(), []);
  await card.getByRole("button", { name: "Desconectar" }).click();
  await logout.getByRole("button", { name: "Desconectar" }).click();
  await logout.waitFor({ state: "detached" });
  assert.deepEqual(await acts(), ["logout"]);

  await card.getByRole("button", { name: "Remover" }).click();
  const remove = page.getByRole("dialog", { name: "Remover número" });
  await remove.getByText("As conversas deste número serão apagadas", { exact: false }).waitFor();
  await remove.getByText("Isto não pode ser desfeito.").waitFor();
  const confirm = remove.getByRole("button", { name: "Remover e apagar conversas" });
  assert.equal(await confirm.isDisabled(), true);
  await page.keyboard.press("Escape");
  await remove.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__MOCK__.state.numbers.length), 1);

  await card.getByRole("button", { name: "Remover" }).click();
  await remove.getByLabel("Para confirmar, digite o nome do número: Balcão").fill("Balc");
  assert.equal(await confirm.isDisabled(), true);
  await remove.getByLabel("Para confirmar, digite o nome do número: Balcão").fill("balcão ");
  await confirm.click();
  await card.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__MOCK__.state.numbers.length), 0);
  assert.deepEqual(await acts(), ["logout", "remove"]);
  assert.equal(await page.getByTestId("undo-toast").count(), 0, "no Desfazer for what cannot be undone");
  await app.close();
});
