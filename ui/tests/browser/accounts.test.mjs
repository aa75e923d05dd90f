// First run, the account switcher, settings (language, edit, archive) and the
// startup failure screen, in real Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("first run: the welcome form refuses an empty name, then creates the account", async () => {
  const app = await openApp(browser, server.url);
  const { page } = app;
  await page.getByRole("heading", { name: "Bem-vindo ao ZapDesk" }).waitFor();
  await page.getByRole("button", { name: "Criar" }).click();
  const error = page.locator("#account-name-note");
  await error.waitFor();
  assert.equal(await error.textContent(), "Dê um nome à conta.");
  assert.equal((await app.calls()).filter((c) => c.cmd === "accounts_create").length, 1);

  await page.getByLabel("Nome da empresa").fill("Padaria Pão Quente");
  await page.getByLabel("Telefone da empresa").fill("11 3456-7890");
  await page.getByRole("button", { name: "Criar" }).click();
  await page.getByRole("heading", { name: "Contatos" }).waitFor();
  assert.equal(await page.locator("#account-switcher option:checked").textContent(), "Padaria Pão Quente");
  await page.getByText("Nenhum contato ainda").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the switcher changes whose contacts are shown and remembers the choice", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Academia Forma" }, { name: "Clínica Sorriso" }],
    contacts: [{ account: 0, phone: "+5511911110000", name: "Aluno Um" }, { account: 1, phone: "+5511922220000", name: "Paciente Um" }],
  });
  const { page } = app;
  await page.getByText("Aluno Um").waitFor();
  assert.equal(await page.getByText("Paciente Um").count(), 0);
  await page.locator("#account-switcher").selectOption({ label: "Clínica Sorriso" });
  await page.getByText("Paciente Um").waitFor();
  assert.equal(await page.getByText("Aluno Um").count(), 0);
  const state = await page.evaluate(() => window.__MOCK__.state);
  const clinica = state.accounts.find((a) => a.name === "Clínica Sorriso");
  const lastList = (await app.calls()).filter((c) => c.cmd === "contacts_list").at(-1);
  assert.equal(lastList.args.account, clinica.id, "contacts are asked for with the selected account");
  assert.equal(await page.evaluate(() => localStorage.getItem("zapdesk.currentAccount")), clinica.id);
  await app.close();
});

test("a new account from the switcher becomes the current one", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }] });
  const { page } = app;
  await page.getByRole("button", { name: "+ Nova conta" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova conta" });
  await dialog.getByLabel("Nome da empresa").fill("Loja Nova");
  await dialog.getByLabel("Telefone da empresa").fill("12ab");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.locator("#account-phone-note[role=alert]").waitFor();
  await dialog.getByLabel("Telefone da empresa").fill("");
  await dialog.getByLabel("Plano").selectOption("pro");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.locator("#account-switcher option:checked").textContent(), "Loja Nova");
  await page.getByText("Conta “Loja Nova” criada.").waitFor();
  await app.close();
});

test("settings: English switches every label and is saved; accounts are edited and archived", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }, { name: "Clínica Sorriso" }] });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByLabel("Idioma").selectOption("en");
  await page.getByRole("button", { name: "Settings" }).waitFor();
  for (const label of ["Dashboard", "Inbox", "Contacts", "Campaigns", "Automation", "Numbers"]) {
    await page.getByRole("button", { name: label }).waitFor();
  }
  assert.equal(await page.evaluate(() => window.__MOCK__.state.language), "en");

  const item = page.getByTestId("account-item").filter({ hasText: "Academia Forma" });
  await item.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit account" });
  await dialog.getByLabel("Business name").fill("Academia Forma Centro");
  await dialog.getByLabel("Status").selectOption("trial");
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("account-item").filter({ hasText: "Academia Forma Centro" }).getByText("Trial", { exact: false }).waitFor();

  await page.getByTestId("account-item").filter({ hasText: "Clínica Sorriso" }).getByRole("button", { name: "Archive" }).click();
  await page.getByRole("dialog", { name: "Archive account" }).getByRole("button", { name: "Archive" }).click();
  await page.getByTestId("undo-toast").getByText("Account “Clínica Sorriso” archived").waitFor();
  const options = await page.locator("#account-switcher option").allTextContents();
  assert.deepEqual(options, ["Academia Forma Centro"]);
  await page.getByLabel("Show archived").check();
  const archived = page.getByTestId("account-item").filter({ hasText: "Clínica Sorriso" });
  await archived.getByRole("button", { name: "Restore" }).click();
  await page.getByText("Account “Clínica Sorriso” restored.").waitFor();
  assert.equal(await page.locator("#account-switcher option").count(), 2);
  await app.close();
});

test("what is not built yet says so", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Academia Forma" }] });
  const { page } = app;
  // Automação is built, its visual flow editor too: no "em breve" on the Fluxos tab.
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("heading", { name: "Automação" }).waitFor();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  await page.getByRole("button", { name: "+ Novo fluxo" }).waitFor();
  assert.equal(await page.getByText("em breve", { exact: false }).count(), 0);
  // Campaigns are built: their screen, not a placeholder.
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("heading", { name: "Campanhas" }).waitFor();
  await page.getByText("Nenhuma campanha ainda").waitFor();
  assert.equal(await page.getByText("Em breve").count(), 0);
  await page.getByRole("button", { name: "Painel" }).click();
  await page.getByRole("heading", { name: "Academia Forma" }).waitFor();
  await app.close();
});

test("a store that cannot be opened shows why instead of the app", async () => {
  const message = "Este banco de dados foi criado por uma versão mais nova do ZapDesk.";
  const app = await openApp(browser, server.url, { startError: { code: "database_too_new", message } });
  const alert = app.page.getByRole("alert");
  await alert.getByText(message).waitFor();
  await app.page.getByRole("heading", { name: "O ZapDesk não conseguiu abrir seus dados" }).waitFor();
  await app.close();
});
