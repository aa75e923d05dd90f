// The first run in real Chromium: the Painel's checklist, each step ticked
// from the data and leading to its screen (Configurações scrolled to its
// panel), gone once the required steps are done (the team and sync are
// optional) or dismissed for good; the landing screen remembered; and the
// unread badge and window title on every screen, following `changed` as
// messages arrive and are read.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const done = async (page, step) => page.getByTestId(`step-${step}`).getAttribute("data-done");

test("the first account opens on the Painel's first steps, ticked from the data and leading to each screen", async () => {
  const app = await openApp(browser, server.url, { firstRun: true });
  const { page } = app;
  await page.getByLabel("Nome da empresa").fill("Padaria Pão Quente");
  await page.getByRole("button", { name: "Criar" }).click();
  const steps = page.getByTestId("first-steps");
  await steps.getByRole("heading", { name: "Primeiros passos" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Painel" }).getAttribute("aria-current"), "page");
  assert.deepEqual(
    [await done(page, "account"), await done(page, "number"), await done(page, "contacts"), await done(page, "team"), await done(page, "sync")],
    ["true", "false", "false", "false", "false"],
  );
  await steps.getByTestId("first-steps-progress").filter({ hasText: /^1 de 3 feitos$/ }).waitFor();
  await steps.getByTestId("step-sync").getByText("(opcional)").waitFor();
  await steps.getByTestId("step-team").getByText("(opcional)").waitFor();

  // Each step leads to the screen that does it.
  await steps.getByTestId("step-number").getByRole("button", { name: "Abrir Números" }).click();
  await page.getByRole("heading", { name: "Números", exact: true }).waitFor();
  await page.getByRole("button", { name: "Painel" }).click();
  await steps.getByTestId("step-team").getByRole("button", { name: "Abrir Equipe" }).click();
  await page.getByRole("heading", { name: "Configurações", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.location.hash), "#team");

  // A contact created elsewhere ticks its step when Rust says so.
  await page.getByRole("button", { name: "Painel" }).click();
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const account = state.accounts[0];
    state.contacts.push({ id: "0190f3b4-0000-7000-8000-999999999991", account_id: account.id, phone: "+5511911112222", name: "Ana", opted_out_at: null, created_at: 1, updated_at: 1 });
    changed(account.id, "contacts");
  });
  await page.locator("[data-testid=step-contacts][data-done=true]").waitFor();
  await steps.getByTestId("first-steps-progress").filter({ hasText: /^2 de 3 feitos$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the checklist goes once the required steps are done: a one-person agency finishes it", async () => {
  const app = await openApp(browser, server.url, {
    screen: "dashboard",
    accounts: [{ name: "Academia Forma" }],
    numbers: [{ name: "Vendas", status: { state: "connected", me: "5511900000000@c.us" } }],
  });
  const { page } = app;
  const steps = page.getByTestId("first-steps");
  // Shown from the data: the number done, contacts to do, nobody else in the team.
  await steps.getByTestId("first-steps-progress").filter({ hasText: /^2 de 3 feitos$/ }).waitFor();
  assert.equal(await done(page, "team"), "false");

  // The last required step, done elsewhere: the checklist goes, with one operator and no sync.
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const account = state.accounts[0];
    state.contacts.push({ id: "0190f3b4-0000-7000-8000-999999999992", account_id: account.id, phone: "+5511911112222", name: "Ana", opted_out_at: null, created_at: 1, updated_at: 1 });
    changed(account.id, "contacts");
  });
  await steps.waitFor({ state: "detached" });
  await page.getByTestId("dash-contacts").filter({ hasText: /^1$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the checklist is dismissed for good, and the app opens again where the operator left it", async () => {
  const app = await openApp(browser, server.url, { screen: "dashboard", rememberScreen: true, accounts: [{ name: "Padaria" }] });
  const { page } = app;
  const steps = page.getByTestId("first-steps");
  const painel = page.getByRole("button", { name: "Painel" });
  // Away and back: the reads are cached, so a checklist not dismissed shows at once.
  const againOnPainel = async () => {
    await page.getByRole("button", { name: "Contatos" }).click();
    await page.getByTestId("contacts-count").waitFor();
    await painel.click();
    await page.getByTestId("dash-contacts").filter({ hasText: /^0$/ }).waitFor();
  };
  await steps.getByTestId("first-steps-progress").filter({ hasText: /^1 de 3 feitos$/ }).waitFor();
  await steps.getByRole("button", { name: "Dispensar" }).click();
  await steps.waitFor({ state: "detached" });
  await againOnPainel();
  assert.equal(await steps.count(), 0);

  // Left on Números, the next start opens there; the checklist stays dismissed.
  await page.getByRole("button", { name: "Números" }).click();
  await page.getByRole("heading", { name: "Números", exact: true }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Números", exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Números" }).getAttribute("aria-current"), "page");
  await againOnPainel();
  assert.equal(await steps.count(), 0);

  // The same Painel with the choice forgotten: the checklist is back.
  await page.evaluate(() => localStorage.removeItem("zapdesk.firstSteps.dismissed"));
  await againOnPainel();
  await steps.getByTestId("first-steps-progress").filter({ hasText: /^1 de 3 feitos$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a step's link scrolls Configurações to its panel, and keeps it there as the panels above fill in", async () => {
  const app = await openApp(browser, server.url, { screen: "dashboard", accounts: [{ name: "Padaria" }] });
  const { page } = app;
  // As WebKit (the window's webview on Linux and macOS), which keeps no
  // scroll anchor: content growing above moves what is on screen.
  await page.addStyleTag({ content: "* { overflow-anchor: none !important; }" });
  await page.getByTestId("step-sync").getByRole("button", { name: "Configurar sincronização" }).click();
  await page.getByRole("heading", { name: "Configurações", exact: true }).waitFor();
  const syncTop = () => page.evaluate(() => document.getElementById("sync")?.getBoundingClientRect().top ?? null);
  await page.waitForFunction(() => { const top = document.getElementById("sync")?.getBoundingClientRect().top; return top !== undefined && top >= -1 && top < 100; });
  // The accounts' list, above, grows after the scroll (an answer arriving late).
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    for (let i = 0; i < 20; i++) state.accounts.push({ ...state.accounts[0], id: crypto.randomUUID(), name: `Cliente ${i}` });
    changed(null, "accounts");
  });
  await page.locator("#accounts").getByText("Cliente 19", { exact: true }).waitFor();
  await page.waitForFunction(() => { const top = document.getElementById("sync")?.getBoundingClientRect().top; return top !== undefined && top >= -1 && top < 100; });
  assert.ok((await syncTop()) < 100);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the unread badge and the window title count unread conversations on every screen, live", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria" }],
    numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
    conversations: [
      { phone: "+5511911110001", name: "Ana", messages: ["Oi"], unread: 2 },
      { phone: "+5511911110002", name: "Bruno", messages: ["Obrigado!"] },
    ],
  });
  const { page } = app;
  // On Contatos, not the inbox.
  await page.getByTestId("contacts-count").waitFor();
  const badge = page.getByRole("navigation").getByTestId("nav-unread");
  await badge.filter({ hasText: /^1$/ }).waitFor();
  await page.waitForFunction(() => document.title === "(1) ZapDesk");
  assert.equal(await badge.getAttribute("title"), "1 conversa com mensagens não lidas");

  // A message arrives in Bruno's conversation while the operator is elsewhere.
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const bruno = state.conversations.find((c) => c.contact_name === "Bruno");
    bruno.unread_count = 1;
    changed(bruno.account_id, "conversations");
  });
  await badge.filter({ hasText: /^2$/ }).waitFor();
  await page.waitForFunction(() => document.title === "(2) ZapDesk");
  assert.equal(await badge.getAttribute("title"), "2 conversas com mensagens não lidas");

  // Reading both empties the badge and the title's count.
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  await badge.filter({ hasText: /^1$/ }).waitFor();
  await page.getByTestId("chat").filter({ hasText: "Bruno" }).click();
  await badge.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.title === "ZapDesk");
  assert.deepEqual(app.errors, []);
  await app.close();
});
