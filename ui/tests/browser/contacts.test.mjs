// The Contacts screen in real Chromium: create, refuse with the reason under
// the field, search, edit, delete, and a virtualized list of many contacts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const ONE_ACCOUNT = { accounts: [{ name: "Academia Forma" }] };

test("create a contact; a duplicate phone is refused under the phone field", async () => {
  const app = await openApp(browser, server.url, ONE_ACCOUNT);
  const { page } = app;
  await page.getByText("Nenhum contato ainda").waitFor();
  await page.getByRole("button", { name: "+ Novo contato" }).first().click();
  let dialog = page.getByRole("dialog", { name: "Novo contato" });
  await dialog.getByLabel("Telefone (WhatsApp)").fill("(11) 98765-4321");
  await dialog.getByLabel("Nome").fill("Maria Souza");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.waitFor({ state: "detached" });
  const row = page.getByTestId("contact-row").filter({ hasText: "Maria Souza" });
  await row.getByText("+55 (11) 98765-4321").waitFor();
  assert.equal(await page.getByTestId("contacts-count").textContent(), "1 contato");

  await page.getByRole("button", { name: "+ Novo contato" }).first().click();
  dialog = page.getByRole("dialog", { name: "Novo contato" });
  await dialog.getByLabel("Telefone (WhatsApp)").fill("11987654321");
  await dialog.getByRole("button", { name: "Criar" }).click();
  const note = dialog.locator("#contact-phone-note[role=alert]");
  await note.waitFor();
  assert.match(await note.textContent(), /Já existe um contato com o telefone \+5511987654321/);
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  assert.equal(await page.getByTestId("contact-row").count(), 1);
  await app.close();
});

test("search filters by name without accents and by phone digits", async () => {
  const app = await openApp(browser, server.url, {
    ...ONE_ACCOUNT,
    contacts: [
      { phone: "+5511911112222", name: "João Conceição" },
      { phone: "+5521933334444", name: "Ana Lima" },
      { phone: "+5531955556666", name: "Bruno" },
    ],
  });
  const { page } = app;
  await page.getByTestId("contact-row").nth(2).waitFor();
  const search = page.getByLabel("Buscar por nome ou telefone");
  await search.fill("joao");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=contact-row]").length === 1);
  assert.match(await page.getByTestId("contact-row").textContent(), /João Conceição/);
  await search.fill("3333");
  await page.getByTestId("contact-row").filter({ hasText: "Ana Lima" }).waitFor();
  assert.equal(await page.getByTestId("contact-row").count(), 1);
  await search.fill("ninguém");
  await page.getByText("Nenhum contato encontrado para “ninguém”.").waitFor();
  await app.close();
});

test("edit and delete a contact", async () => {
  const app = await openApp(browser, server.url, { ...ONE_ACCOUNT, contacts: [{ phone: "+5511911112222", name: "Carlos" }] });
  const { page } = app;
  const row = page.getByTestId("contact-row").filter({ hasText: "Carlos" });
  await row.getByRole("button", { name: "Editar" }).click();
  const dialog = page.getByRole("dialog", { name: "Editar contato" });
  assert.equal(await dialog.getByLabel("Nome").inputValue(), "Carlos");
  await dialog.getByLabel("Nome").fill("Carlos Alberto");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByTestId("contact-row").filter({ hasText: "Carlos Alberto" }).waitFor();

  await page.getByTestId("contact-row").filter({ hasText: "Carlos Alberto" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByRole("dialog", { name: "Excluir contato" }).getByRole("button", { name: "Excluir" }).click();
  await page.getByText("Nenhum contato ainda").waitFor();
  // Sent to Rust once the Desfazer window ends.
  await page.waitForFunction(() => window.__MOCK__.state.contacts.length === 0, null, { timeout: 15_000 });
  const deletes = (await app.calls()).filter((c) => c.cmd === "contacts_delete");
  assert.equal(deletes.length, 1);
  await app.close();
});

test("ten thousand contacts: only the rows on screen are in the page, and scrolling loads the rest", async () => {
  const contacts = Array.from({ length: 10000 }, (_, i) => ({ phone: `+55119${String(10000000 + i)}`, name: `Pessoa ${String(i).padStart(5, "0")}` }));
  const app = await openApp(browser, server.url, { ...ONE_ACCOUNT, contacts });
  const { page } = app;
  await page.getByText("Pessoa 00000").waitFor();
  assert.equal(await page.getByTestId("contacts-count").textContent(), "10.000 contatos");
  const rendered = await page.locator("[role=listitem]").count();
  assert.ok(rendered > 5 && rendered < 60, `rendered ${rendered} rows`);
  await page.locator(".vlist").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.getByText("Pessoa 09999").waitFor();
  assert.ok(await page.locator("[role=listitem]").count() < 60);
  const lists = (await app.calls()).filter((c) => c.cmd === "contacts_list");
  assert.ok(lists.every((c) => c.args.query.limit <= 100), "pages, not the whole list");
  await app.close();
});

test("archived accounts are not offered in the switcher", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Antiga", archived_at: 1 }, { name: "Ativa" }], contacts: [{ account: 0, phone: "+5511911112222", name: "Velho" }] });
  const { page } = app;
  // Only active accounts are offered; an archived one is restored from Settings.
  // (The list arrives with the accounts query: wait for it, then read it all.)
  await page.locator("#account-switcher option", { hasText: "Ativa" }).waitFor({ state: "attached" });
  assert.deepEqual(await page.locator("#account-switcher option").allTextContents(), ["Ativa"]);
  await app.close();
});

test("an operator opts a contact out and back in; the list shows it", async () => {
  const app = await openApp(browser, server.url, { ...ONE_ACCOUNT, contacts: [{ phone: "+5511911112222", name: "Carlos" }] });
  const { page } = app;
  const row = page.getByTestId("contact-row").filter({ hasText: "Carlos" });
  await row.getByRole("button", { name: "Descadastrar" }).click();
  await row.getByTestId("opted-out").getByText("Descadastrado").waitFor();
  await row.getByRole("button", { name: "Reativar" }).click();
  await row.getByRole("button", { name: "Descadastrar" }).waitFor();
  assert.equal(await row.getByTestId("opted-out").count(), 0);
  await app.close();
});
