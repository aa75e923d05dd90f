// The data layer in real Chromium: rows written outside this window (another
// desktop, the fleet) appear on the open screen when Rust emits `changed`
// for their table and account, a change of another account asks nothing,
// and a write here updates every view that shows what it changed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const accountId = (page, i = 0) => page.evaluate((n) => window.__MOCK__.state.accounts[n].id, i);
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd).length;

test("a contact written by another desktop appears on the open list when `changed` says so", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Loja" }], contacts: [{ phone: "+5511911112222", name: "Ana Lima" }] });
  const { page } = app;
  await page.getByTestId("contacts-count").filter({ hasText: /^1 contato$/ }).waitFor();
  const account = await accountId(page);
  await page.evaluate((acc) => {
    const { state, changed } = window.__MOCK__;
    state.contacts.push({ ...state.contacts[0], id: "0190f3b4-0000-7000-8000-999999999991", phone: "+5521933334444", name: "Bruno do outro computador" });
    changed(acc, "contacts");
  }, account);
  await page.getByTestId("contact-row").filter({ hasText: "Bruno do outro computador" }).waitFor();
  await page.getByTestId("contacts-count").filter({ hasText: /^2 contatos$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a conversation and a number written elsewhere appear on the open inbox and numbers screens", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
    conversations: [{ phone: "+5511911112222", name: "Ana Lima", messages: ["Oi"] }],
  });
  const { page } = app;
  const account = await accountId(page);
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana Lima" }).waitFor();
  await page.evaluate((acc) => {
    const { state, changed } = window.__MOCK__;
    state.conversations.push({ ...state.conversations[0], id: "0190f3b4-0000-7000-8000-999999999992", contact_id: "0190f3b4-0000-7000-8000-999999999993",
      contact_name: "Bruno Reis", contact_phone: "+5521933334444", last_body: "Bom dia", last_message_at: Date.now() + 1 });
    changed(acc, "conversations");
  }, account);
  await page.getByTestId("chat").filter({ hasText: "Bruno Reis" }).getByText("Bom dia").waitFor();

  await page.getByRole("button", { name: "Números" }).click();
  await page.getByTestId("number-card").filter({ hasText: "Balcão" }).waitFor();
  await page.evaluate((acc) => {
    const { state, changed } = window.__MOCK__;
    const [first] = state.numbers;
    state.numbers.push({ ...first, number: { ...first.number, id: "0190f3b4-0000-7000-8000-999999999994", name: "Vendas" }, status: { state: "stopped" } });
    changed(acc, "instances");
  }, account);
  await page.getByTestId("number-card").filter({ hasText: "Vendas" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a change of another account asks nothing of the current screen", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Academia" }, { name: "Padaria" }],
    contacts: [{ account: 0, phone: "+5511911112222", name: "Ana Lima" }, { account: 1, phone: "+5521933334444", name: "Bruno Reis" }],
  });
  const { page } = app;
  await page.getByTestId("contact-row").filter({ hasText: "Ana Lima" }).waitFor();
  const shown = await page.locator("#account-switcher").evaluate((el) => el.value);
  const other = await page.evaluate((id) => window.__MOCK__.state.accounts.find((a) => a.id !== id).id, shown);
  const before = { list: await callsOf(app, "contacts_list"), count: await callsOf(app, "contacts_count"), tags: await callsOf(app, "tags_list") };
  // The other account's contacts change; then this account's tags do, whose
  // refetch is the sign that both changes have been handled.
  await page.evaluate(([acc, mine]) => {
    window.__MOCK__.changed(acc, "contacts");
    window.__MOCK__.changed(mine, "tags");
  }, [other, shown]);
  await page.waitForFunction((n) => window.__MOCK__.calls.filter((c) => c.cmd === "tags_list").length > n, before.tags);
  // And once more, so a refetch the first round started has surely been asked.
  const segments = await callsOf(app, "segments_list");
  await page.evaluate((mine) => window.__MOCK__.changed(mine, "segments"), shown);
  await page.waitForFunction((n) => window.__MOCK__.calls.filter((c) => c.cmd === "segments_list").length > n, segments);
  assert.equal(await callsOf(app, "contacts_list"), before.list, "the list was not asked again");
  assert.equal(await callsOf(app, "contacts_count"), before.count, "the count was not asked again");
  // The same change for this account is asked again at once.
  await page.evaluate((mine) => window.__MOCK__.changed(mine, "contacts"), shown);
  await page.waitForFunction((n) => window.__MOCK__.calls.filter((c) => c.cmd === "contacts_list").length > n, before.list);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a write updates every view that shows it: a tag put on a contact shows on the row, the count and the segment", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Academia" }],
    tags: [{ name: "VIP", color: "#b91c1c" }],
    contacts: [{ phone: "+5511911112222", name: "Ana Lima" }, { phone: "+5521933334444", name: "Bruno Reis" }],
  });
  const { page } = app;
  const vip = await page.evaluate(() => window.__MOCK__.state.tags[0].id);
  await page.evaluate((tag) => window.__MOCK__.state.segments.push({ id: "0190f3b4-0000-7000-8000-999999999995", account_id: window.__MOCK__.state.accounts[0].id, name: "Clientes VIP",
    filter: { search: null, tags_all: [], tags_any: [tag], tags_none: [], fields: [], created_after: null, created_before: null, last_message_after: null, last_message_before: null, opted_out: null }, created_at: 0, updated_at: 0 }), vip);
  // The segment was written behind the screen's back (no `changed`): a new visit reads it.
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByRole("button", { name: "Contatos" }).click();
  const segment = page.getByLabel("Segmento").locator("option", { hasText: "Clientes VIP" });
  await page.waitForFunction(() => [...document.querySelectorAll("option")].some((o) => o.textContent === "Clientes VIP (0)"));
  const row = page.getByTestId("contact-row").filter({ hasText: "Ana Lima" });
  await row.getByRole("button", { name: "Editar" }).click();
  const dialog = page.getByRole("dialog", { name: "Editar contato" });
  await dialog.getByLabel("Adicionar etiqueta").selectOption({ label: "VIP" });
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.waitFor({ state: "detached" });
  await row.getByTestId("tag").filter({ hasText: "VIP" }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("option")].some((o) => o.textContent === "Clientes VIP (1)"));
  assert.equal(await segment.count(), 1);

  // A tag created in Settings is offered by the contacts' filter.
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByLabel("Nome da etiqueta").fill("Atacado");
  await page.getByRole("button", { name: "Criar etiqueta" }).click();
  await page.getByTestId("tag").filter({ hasText: "Atacado" }).waitFor();
  await page.getByRole("button", { name: "Contatos" }).click();
  await page.getByRole("button", { name: /^Filtros/ }).click();
  await page.locator("#contact-filters").getByText("Atacado").first().waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("campaign progress the runner reports moves the list without a timer", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    numbers: [{ name: "Vendas", status: { state: "connected", me: "5511900000000@c.us" } }],
    campaigns: [{ name: "Reativação", status: "running", numbers: [0], report: { pending: 10 } }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  const counters = page.getByTestId("campaign-row").filter({ hasText: "Reativação" }).getByTestId("campaign-counters");
  await counters.waitFor();
  const first = await counters.textContent();
  await page.evaluate(() => window.__MOCK__.campaignProgress(0, (r) => { r.pending -= 4; r.sent += 4; }));
  await page.waitForFunction((old) => document.querySelector("[data-testid=campaign-counters]")?.textContent !== old, first);
  assert.match(await counters.textContent(), /4/);
  assert.deepEqual(app.errors, []);
  await app.close();
});
