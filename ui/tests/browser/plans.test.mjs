// Plans per account (issue 18, item 4) in real Chromium against the fake
// backend (mock-backend.mjs + mock-plans.mjs): the account's usage bars,
// a plan's limit edited in Settings → Planos and an account's own limit,
// a number or contact past the plan refused with Rust's words where the
// person created it, Settings → Planos read-only but for owners and
// refreshed when sync pulls limits, and limits the server refused listed
// with the refused rows.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SEED = {
  accounts: [{ name: "Padaria Pão Quente" }],
  numbers: [{ name: "Balcão" }],
  contacts: [{ phone: "+5511911112222", name: "Ana" }, { phone: "+5511933334444", name: "Bia" }],
  plans: {
    defaults: { starter: { numbers: 2, contacts: 2, messages: 1000 } },
    messagesSent: [{ count: 950 }],
  },
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);

async function accountPlan(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("form", { name: "Plano desta conta" });
  await panel.getByTestId("plan-usage").waitFor();
  return panel;
}

test("usage bars show each limit; a plan's limit and the account's own are edited and shown", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const panel = await accountPlan(page);
  const bar = (limit) => panel.getByTestId(`plan-usage-${limit}`);
  await panel.getByTestId("plan-usage-plan").getByText("Plano Inicial").waitFor();
  assert.match(await bar("numbers").textContent(), /Números.*1 de 2/);
  assert.match(await bar("contacts").textContent(), /Contatos.*2 de 2/);
  assert.equal(await bar("contacts").getAttribute("data-state"), "full");
  assert.match(await bar("messages").textContent(), /950 de 1000/);
  assert.equal(await bar("messages").getAttribute("data-state"), "near");
  assert.match(await bar("flows").textContent(), /sem limite/);
  assert.equal(await bar("numbers").locator("meter").count(), 1);
  assert.equal(await bar("flows").locator("meter").count(), 0);

  // Settings → Planos: the Inicial plan gets 1 number.
  const plans = page.locator("#plans");
  const numbers = plans.getByLabel("Números do plano Inicial");
  assert.equal(await numbers.inputValue(), "2");
  await numbers.fill("um");
  await plans.getByText("Use um número inteiro, ou deixe vazio para sem limite.").waitFor();
  await numbers.fill("1");
  await plans.getByTestId("plan-row-starter").getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Limites do plano Inicial salvos.").waitFor();
  const saved = (await callsOf(app, "plans_set_defaults")).at(-1).args;
  assert.deepEqual(saved, { plan: "starter", limits: { numbers: 1, contacts: 2, messages: 1000, operators: null, flows: null } });
  await bar("numbers").getByText("1 de 1").waitFor();

  // The account's own limit: no limit on contacts.
  await panel.getByLabel("Contatos", { exact: true }).selectOption("unlimited");
  await panel.getByLabel("Números", { exact: true }).selectOption("max");
  await panel.getByLabel("Números: valor desta conta").fill("5");
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Limites da conta salvos.").waitFor();
  const own = (await callsOf(app, "plans_set_overrides")).at(-1).args.overrides;
  assert.deepEqual(own.contacts, { kind: "unlimited" });
  assert.deepEqual(own.numbers, { kind: "max", value: 5 });
  assert.equal(own.messages, null);
  await bar("contacts").getByText("2 · sem limite").waitFor();
  assert.match(await bar("contacts").textContent(), /limite da conta/);
  await bar("numbers").getByText("1 de 5").waitFor();
  await app.close();
});

test("a number and a contact past the plan are refused with the limit, the plan and the usage", async () => {
  const app = await openApp(browser, server.url, {
    ...SEED,
    plans: { defaults: { starter: { numbers: 1, contacts: 2 } } },
  });
  const { page } = app;
  await page.getByRole("button", { name: "Números" }).click();
  await page.getByRole("button", { name: "+ Adicionar número" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Adicionar número" });
  await dialog.getByLabel("Nome do número").fill("Delivery");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.getByRole("alert").getByText(
    "O plano Inicial permite 1 números; esta conta já tem 1. Para ir além, mude o plano ou o limite da conta em Configurações → Contas.",
  ).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.numbers.length), 1);
  await dialog.getByRole("button", { name: "Cancelar" }).click();

  await page.getByRole("button", { name: "Contatos" }).click();
  await page.getByRole("button", { name: "+ Novo contato" }).first().click();
  const contact = page.getByRole("dialog", { name: "Novo contato" });
  await contact.getByLabel("Telefone (WhatsApp)").fill("(11) 98765-4321");
  await contact.getByRole("button", { name: "Criar" }).click();
  await contact.getByRole("alert").getByText(/O plano Inicial permite 2 contatos; esta conta já tem 2\./).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.contacts.length), 2);
  await app.close();
});

test("an agent sees the usage but neither the plans nor the account's limits", async () => {
  const app = await openApp(browser, server.url, {
    ...SEED,
    users: [{ name: "Carla", role: "agent", accounts: [0] }],
    me: 0,
  });
  const { page } = app;
  const panel = await accountPlan(page);
  await panel.getByTestId("plan-usage-numbers").waitFor();
  assert.equal(await page.locator("#plans").count(), 0);
  assert.equal(await panel.getByRole("button", { name: "Salvar" }).count(), 0);
  await app.close();
});

test("limits pulled from the agency's server show on the open Planos and usage bars", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const panel = await accountPlan(page);
  const numbers = page.locator("#plans").getByLabel("Números do plano Inicial");
  assert.equal(await numbers.inputValue(), "2");
  await panel.getByTestId("plan-usage-numbers").getByText("1 de 2").waitFor();
  // The owner is typing in the Pro row, not saved yet.
  const pro = page.locator("#plans").getByLabel("Contatos do plano Pro");
  await pro.fill("40");
  const before = (await callsOf(app, "plans_defaults")).length;
  // Another desktop's owner set 5 numbers on Inicial and 30 contacts on Pro;
  // the sync pull wrote them here and Rust names the table, for no account
  // (crates/sync/src/plan_limits.rs).
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    state.planDefaults.starter = { ...state.planDefaults.starter, numbers: 5 };
    state.planDefaults.pro = { ...state.planDefaults.pro, contacts: 30 };
    changed(null, "plan_limits");
  });
  await panel.getByTestId("plan-usage-numbers").getByText("1 de 5").waitFor();
  await page.waitForFunction(() => document.querySelector('#plans [aria-label="Números do plano Inicial"]')?.value === "5");
  assert.ok((await callsOf(app, "plans_defaults")).length > before);
  // What the owner typed stays, to be saved over the pulled value.
  assert.equal(await pro.inputValue(), "40");
  const proRow = page.getByTestId("plan-row-pro");
  await proRow.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Limites do plano Pro salvos.").waitFor();
  assert.equal((await callsOf(app, "plans_set_defaults")).at(-1).args.limits.contacts, 40);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an admin sees each plan's limits but only an owner changes them", async () => {
  const app = await openApp(browser, server.url, {
    ...SEED,
    users: [{ name: "Bia", role: "admin", accounts: [0] }],
    me: 0,
  });
  const { page } = app;
  const panel = await accountPlan(page);
  const plans = page.locator("#plans");
  await plans.getByText("Só donos mudam os limites dos planos.", { exact: false }).waitFor();
  const numbers = plans.getByLabel("Números do plano Inicial");
  assert.equal(await numbers.inputValue(), "2");
  assert.equal(await numbers.isDisabled(), true);
  assert.equal(await plans.getByRole("button", { name: "Salvar" }).count(), 0);
  // The account's own limits stay the admin's.
  assert.equal(await panel.getByRole("button", { name: "Salvar" }).count(), 1);
  await app.close();
});

test("a plan's limits the server refused are listed with the refused rows, for every account", async () => {
  const app = await openApp(browser, server.url, {
    ...SEED,
    sync: {
      connection: { host: "db.agencia.com", port: 5432, database: "postgres", operator: "zd_bia", tls: "verify_full", ca_certificate: null },
      status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, parked: 1, pulled: 0 },
    },
    // As crates/sync/src/parked.rs lists a plan refused by postgres 0022.
    parked: [{
      account_id: null,
      account_name: "Todas as contas",
      what: "Limites do plano",
      label: "Inicial",
      reason: "Só donos podem mudar os limites dos planos no servidor da agência, e este login não é dono de nenhuma conta lá. Peça a um dono para mudá-los, ou para dar a este login o papel de dono.",
      detail: "new row violates row-level security policy for table \"plan_limits\"",
      parked_at: Date.now(),
    }],
  });
  const { page } = app;
  await page.getByTestId("sync-indicator").click();
  const row = page.getByTestId("sync-parked").getByTestId("sync-parked-row");
  await row.waitFor();
  assert.match(await row.innerText(), /Limites do plano · Inicial · Todas as contas/);
  assert.match(await row.innerText(), /Só donos podem mudar os limites dos planos no servidor/);
  assert.deepEqual(app.errors, []);
  await app.close();
});
