// Plans per account (issue 18, item 4) in real Chromium against the fake
// backend (mock-backend.mjs + mock-plans.mjs): the account's usage bars,
// a plan's limit edited in Settings → Planos and an account's own limit,
// and a number or contact past the plan refused with Rust's words where the
// person created it.
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
