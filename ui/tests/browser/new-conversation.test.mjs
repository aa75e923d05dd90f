// "Nova conversa" (issue 18, item 8) in real Chromium: from a contact's row
// in Contatos and from Conversas (a contact searched or a new phone), on the
// number chosen; the thread opens with nothing sent; a refusal from Rust
// (here the fake backend's copy of it) shows in the dialog.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const seed = (extra = {}) => ({
  accounts: [{ name: "Padaria" }],
  numbers: [
    { name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } },
    { name: "Vendas", status: { state: "stopped" } },
  ],
  contacts: [
    { phone: "+5511987654321", name: "Maria Souza" },
    { phone: "+5511911112222", name: "Zé Saiu", optedOut: true },
  ],
  conversations: [{ phone: "+5511911110001", name: "Ana", messages: ["Bom dia"] }],
  ...extra,
});

const starts = async (app) => (await app.calls()).filter((c) => c.cmd === "inbox_start");

test("from Contatos: Conversar on a contact, a number picked, the thread opens in Conversas with nothing sent", async () => {
  const app = await openApp(browser, server.url, seed());
  const { page } = app;
  const row = page.getByTestId("contact-row").filter({ hasText: "Maria Souza" });
  await row.getByRole("button", { name: "Conversar" }).click();
  // An opted-out contact is not offered a conversation.
  assert.equal(await page.getByTestId("contact-row").filter({ hasText: "Zé Saiu" }).getByRole("button", { name: "Conversar" }).count(), 0);
  const dialog = page.getByRole("dialog", { name: "Nova conversa" });
  await dialog.getByTestId("new-conversation-contact").getByText("Maria Souza").waitFor();
  await dialog.getByLabel("Número").selectOption({ label: "Vendas · Parado" });
  await dialog.getByRole("button", { name: "Abrir conversa" }).click();

  await page.locator(".thread-head").getByText("Maria Souza").waitFor();
  await page.locator(".thread-head").getByText("via Vendas", { exact: false }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Conversas" }).getAttribute("aria-current"), "page");
  const [call] = await starts(app);
  assert.deepEqual([call.args.from !== null, Object.keys(call.args.to)], [true, ["contact"]]);
  assert.equal((await app.calls()).filter((c) => c.cmd === "inbox_reply").length, 0, "nothing is sent");
  // Opened once: back in Conversas later, another chat opens when clicked.
  await page.getByRole("button", { name: "Contatos" }).click();
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByText("Escolha uma conversa").waitFor();
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await page.locator(".thread-head").getByText("Ana").waitFor();
  assert.equal(await page.locator(".thread-head").getByText("Maria Souza").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("from Conversas: a contact found by name, or a new phone that becomes a contact; the usual number by default", async () => {
  const app = await openApp(browser, server.url, seed({ screen: "inbox" }));
  const { page } = app;
  await page.getByRole("button", { name: "+ Nova conversa" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova conversa" });
  await dialog.getByLabel("Contato ou telefone").fill("mari");
  await dialog.getByTestId("new-conversation-match").filter({ hasText: "Maria Souza" }).click();
  await dialog.getByRole("button", { name: "Abrir conversa" }).click();
  await page.locator(".thread-head").getByText("Maria Souza").waitFor();
  assert.equal((await starts(app))[0].args.from, null, "the contact's usual number unless one is picked");

  await page.getByRole("button", { name: "+ Nova conversa" }).click();
  await dialog.getByLabel("Contato ou telefone").fill("(21) 99876-5432");
  await dialog.getByTestId("new-conversation-none").getByText("vira um contato novo", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Abrir conversa" }).click();
  await page.locator(".thread-head").getByText("+55 (21) 99876-5432").first().waitFor();
  assert.deepEqual((await starts(app))[1].args.to, { phone: "(21) 99876-5432" });
  // The new conversation is in the list.
  await page.getByTestId("chat").filter({ hasText: "99876-5432" }).waitFor();
  await app.close();
});

test("a refusal is said in the dialog, which stays open; Escape closes it", async () => {
  const app = await openApp(browser, server.url, seed({ screen: "inbox" }));
  const { page } = app;
  await page.getByRole("button", { name: "+ Nova conversa" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova conversa" });
  // Typed as a phone: the opted-out contact is refused by the backend.
  await dialog.getByLabel("Contato ou telefone").fill("11 91111-2222");
  await dialog.getByTestId("new-conversation-match").filter({ hasText: "Zé Saiu" }).waitFor();
  await dialog.getByTestId("new-conversation-match").filter({ hasText: "Zé Saiu" }).click();
  await dialog.getByRole("button", { name: "Abrir conversa" }).click();
  await dialog.getByRole("alert").getByText("pediu para não receber", { exact: false }).waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.locator(".thread-head").count(), 0);
  await app.close();
});

test("a contact found by the inbox search with no conversation yet starts one from the result", async () => {
  const app = await openApp(browser, server.url, seed({ screen: "inbox" }));
  const { page } = app;
  await page.getByLabel("Buscar", { exact: false }).first().fill("Maria");
  await page.getByTestId("search-contact").filter({ hasText: "Maria Souza" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova conversa" });
  await dialog.getByTestId("new-conversation-contact").getByText("Maria Souza").waitFor();
  await dialog.getByRole("button", { name: "Abrir conversa" }).click();
  await page.locator(".thread-head").getByText("Maria Souza").waitFor();
  await app.close();
});
