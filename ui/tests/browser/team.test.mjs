// The team in real Chromium (issue 18): invite an operator as an agent of one
// account, make them an admin, remove them after a confirmation; the last
// owner stays; an agent's view hides the agency's settings, exports, the
// LGPD section and the accounts they were not given.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  accounts: [{ name: "Loja Centro" }, { name: "Padaria Pão Quente" }],
  numbers: [{ name: "Vendas" }],
  contacts: [{ phone: "+5511987654321", name: "Maria Souza" }],
  campaigns: [{ name: "Reativação", numbers: [0], report: { sent: 3 } }],
};

const teamPanel = async (page) => {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.locator("#team");
  await panel.getByRole("heading", { name: "Equipe" }).waitFor();
  return panel;
};

test("an operator is invited as an agent of one account, made an admin, then removed after a confirmation", async () => {
  const app = await openApp(browser, server.url, { ...BASE, users: [{ name: "Rita", role: "owner" }], me: 0 });
  const { page } = app;
  const panel = await teamPanel(page);

  await panel.getByRole("button", { name: "Convidar" }).click();
  const invite = page.getByRole("dialog", { name: "Convidar para a equipe" });
  await invite.getByLabel("Nome", { exact: true }).fill("Beatriz Lima");
  await invite.getByLabel("E-mail").fill("beatriz@agencia.com");
  await invite.getByLabel("Papel").selectOption("agent");
  await invite.getByLabel("Padaria Pão Quente").check();
  await invite.getByRole("button", { name: "Convidar" }).click();
  await page.getByText("Beatriz Lima foi convidado(a).").waitFor();
  const row = panel.getByTestId("operator").filter({ hasText: "Beatriz Lima" });
  await row.getByText("beatriz@agencia.com · Atendente · Padaria Pão Quente").waitFor();
  const padaria = await page.evaluate(() => window.__MOCK__.state.accounts[1].id);
  const invited = (await app.calls()).find((c) => c.cmd === "team_invite").args.input;
  assert.deepEqual(invited, { name: "Beatriz Lima", email: "beatriz@agencia.com", role: "agent", accounts: [padaria] });

  // Edited in place: now an admin, who sees every account.
  await row.getByRole("button", { name: "Editar" }).click();
  const edit = page.getByRole("dialog", { name: "Editar Beatriz Lima" });
  assert.equal(await edit.getByLabel("Padaria Pão Quente").isChecked(), true);
  await edit.getByLabel("Papel").selectOption("admin");
  await edit.getByRole("button", { name: "Salvar" }).click();
  await row.getByText("beatriz@agencia.com · Administrador · todas as contas").waitFor();

  // Removed only after saying yes; what happens to their chats is said first.
  await row.getByRole("button", { name: "Remover" }).click();
  const confirm = page.getByRole("dialog", { name: "Remover Beatriz Lima da equipe?" });
  await confirm.getByText("as abertas ou pendentes voltam para a fila", { exact: false }).waitFor();
  await confirm.getByRole("button", { name: "Cancelar" }).click();
  assert.equal((await app.calls()).filter((c) => c.cmd === "team_remove").length, 0);
  await row.getByRole("button", { name: "Remover" }).click();
  await page.getByRole("dialog", { name: "Remover Beatriz Lima da equipe?" }).getByRole("button", { name: "Remover" }).click();
  await page.getByText("Beatriz Lima saiu da equipe.").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#team [data-testid=operator]").length === 1);
  assert.equal(await page.getByLabel("Eu sou").locator("option", { hasText: "Beatriz Lima" }).count(), 0);

  // The last owner cannot go: the reason stays in the dialog.
  await panel.getByTestId("operator").filter({ hasText: "Rita" }).getByRole("button", { name: "Remover" }).click();
  const last = page.getByRole("dialog", { name: "Remover Rita da equipe?" });
  await last.getByRole("button", { name: "Remover" }).click();
  await last.getByRole("alert").getByText("A agência precisa de pelo menos um dono.", { exact: false }).waitFor();
  assert.equal(await panel.getByTestId("operator").count(), 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an agent sees only their account, no agency settings, no exports and no LGPD erasure", async () => {
  const app = await openApp(browser, server.url, { ...BASE, users: [{ name: "Ana", role: "agent", accounts: [0] }, { name: "Rita", role: "owner" }], me: 0 });
  const { page } = app;
  await page.getByTestId("contact-row").filter({ hasText: "Maria Souza" }).waitFor();
  // The account they were not given is not offered.
  const offered = await page.locator("#account-switcher option").allTextContents();
  assert.ok(offered.includes("Loja Centro"), offered.join());
  assert.ok(!offered.includes("Padaria Pão Quente"), offered.join());

  // Contacts: no CSV export, no LGPD section.
  const row = page.getByTestId("contact-row").filter({ hasText: "Maria Souza" });
  await row.getByRole("checkbox").check();
  const bar = page.getByRole("toolbar", { name: "Ações com os selecionados" });
  await bar.getByTestId("selected-count").waitFor();
  assert.equal(await bar.getByRole("button", { name: "Exportar CSV" }).count(), 0);
  await row.getByRole("button", { name: "Editar" }).click();
  const contact = page.getByRole("dialog", { name: "Editar contato" });
  await contact.getByLabel("Nome").waitFor();
  assert.equal(await contact.getByRole("button", { name: "Apagar definitivamente" }).count(), 0);
  assert.equal(await contact.getByRole("button", { name: "Exportar dados (JSON)" }).count(), 0);
  await contact.getByRole("button", { name: "Cancelar" }).click();

  // A campaign's recipients: no export.
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Reativação" }).click();
  await page.getByRole("heading", { name: "Reativação" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Exportar destinatários (CSV)" }).count(), 0);

  // Settings: the team without managing it, no accounts, no API, no webhooks.
  const panel = await teamPanel(page);
  await panel.getByLabel("Eu sou").waitFor();
  assert.equal(await panel.getByRole("button", { name: "Convidar" }).count(), 0);
  assert.equal(await panel.getByTestId("operator").count(), 0);
  assert.equal(await page.locator("#accounts").count(), 0);
  assert.equal(await page.getByRole("region", { name: "API local" }).count(), 0);
  assert.equal(await page.getByRole("heading", { name: "Webhooks" }).count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("with sync on, the operator is whoever logged in, not a name from the list", async () => {
  const app = await openApp(browser, server.url, { ...BASE, users: [{ name: "Rita", role: "owner" }], me: 0 });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const sync = page.locator("#sync");
  await sync.getByLabel("Servidor", { exact: true }).fill("127.0.0.1");
  await sync.getByLabel("Operador", { exact: true }).fill("zd_ana_1");
  await sync.getByLabel("Senha", { exact: true }).fill("segredo");
  await sync.getByRole("button", { name: "Salvar e conectar" }).click();
  const panel = page.locator("#team");
  await panel.getByTestId("me-from-login").getByText("Você entrou no banco da agência como Ana Operadora", { exact: false }).waitFor();
  assert.equal(await panel.getByLabel("Eu sou").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});
