// Settings → Comandos da nuvem in real Chromium against the fake backend
// (mock-cloud-commands.mjs): without the agency's database the panel says
// they need it; with it, the account's commands newest first — the action,
// the phone, the state in words (the failure's text), the computer that ran
// it, when written and finished — filtered by state; "Executar de novo" on a
// failed one makes one new row (asked once, then offered no more), and a
// row a desktop finishes on the server shows as done when the panel asks again;
// the retry of a row given up as `database_failed` says it waits for the
// computer that ran it (this one, or another operator's); "Desistir" only on a
// pinned row that waits (pending, or running on a computer silent for ten
// minutes) asks first, saying what it means, and deletes that row.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const CONNECTION = { host: "db.abcdefgh.supabase.co", port: 5432, database: "postgres", operator: "zd_ana", tls: "verify_full", ca_certificate: null };
const SYNCED = { connection: CONNECTION, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, parked: 0, pulled: 0 } };
const NO_FLOW = "Esta conta não tem o fluxo \"Pesquisa\". Confira o nome ou o id em Automação → Fluxos.";
const COMMANDS = [
  { kind: "send_text", phone: "+5511987650001", detail: "Seu pedido está pronto", status: "done", ranBy: "Ana Operadora", ranHere: true },
  { kind: "start_flow", phone: "+5511987650002", detail: "Pesquisa", status: "failed", errorCode: "flow_unknown", errorMessage: NO_FLOW, ranBy: "Bruno Lima" },
  { kind: "add_tag", phone: "+5511987650003", detail: "VIP", status: "pending" },
];
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);

async function openPanel(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "Comandos da nuvem" });
  await panel.getByRole("heading", { name: "Comandos da nuvem" }).waitFor();
  return panel;
}

const rowTexts = async (panel) =>
  (await panel.getByTestId("cloud-command-row").all()).map((r) => r.locator("td").allTextContents());

test("without the agency's database the panel says cloud commands need it", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria Pão Quente" }], cloudCommands: COMMANDS });
  const panel = await openPanel(app.page);
  await panel.getByTestId("cloud-commands-no-server").getByText(/^Comandos da nuvem precisam do banco de dados da agência/).waitFor();
  assert.equal(await panel.getByTestId("cloud-command-row").count(), 0);
  assert.equal(await panel.getByLabel("Estado").count(), 0, "nothing to filter");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the account's commands newest first, filtered by state; a failed one runs again once; a row finished elsewhere shows as done", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria Pão Quente" }], sync: SYNCED, cloudCommands: COMMANDS });
  const { page } = app;
  const panel = await openPanel(page);
  const rows = panel.getByTestId("cloud-command-row");
  await rows.nth(2).waitFor();
  const cells = await Promise.all(await rowTexts(panel));
  assert.equal(cells.length, 3);
  // Newest first: the tag (waiting), the flow (failed, with why), the text (done here).
  assert.equal(cells[0][1], "Adicionar etiqueta · VIP");
  assert.equal(cells[0][2], "+5511987650003");
  assert.equal(cells[0][3], "Aguardando");
  assert.equal(cells[0][4], "—");
  assert.equal(cells[0][5], "—");
  assert.equal(cells[1][1], "Iniciar fluxo · Pesquisa");
  assert.equal(cells[1][3], `Falhou${NO_FLOW}`);
  assert.equal(cells[1][4], "Bruno Lima");
  assert.equal(cells[2][1], "Enviar texto · Seu pedido está pronto");
  assert.equal(cells[2][3], "Feito");
  assert.equal(cells[2][4], "Este computador (Ana Operadora)");
  assert.notEqual(cells[2][5], "—");
  // Only the failed one offers to run again.
  assert.equal(await panel.getByRole("button", { name: "Executar de novo" }).count(), 1);

  // Filtered by state, in Rust (the filter is the command's argument).
  const filter = panel.getByLabel("Estado");
  await filter.selectOption({ label: "Falhou" });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=cloud-command-row]").length === 1);
  assert.deepEqual(await panel.getByTestId("cloud-command-kind").allTextContents(), ["Iniciar fluxo"]);
  assert.equal((await callsOf(app, "cloud_commands_list")).at(-1).args.filter, "failed");
  await filter.selectOption({ label: "Feito" });
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=cloud-command-kind]")].map((e) => e.textContent).join() === "Enviar texto");

  // Run again from the failed list: one new row, the button gone for good.
  await filter.selectOption({ label: "Todos" });
  await rows.nth(2).waitFor();
  const again = panel.getByRole("button", { name: "Executar de novo" });
  await again.click();
  await page.getByText("O comando foi enfileirado de novo: o computador que roda o número vai executá-lo.").waitFor();
  await rows.nth(3).waitFor();
  const retried = await rows.nth(0).locator("td").allTextContents();
  assert.equal(retried[1], "Iniciar fluxo · Pesquisa · nova tentativa");
  assert.equal(retried[3], "Aguardando");
  await panel.getByText("Executado de novo", { exact: true }).waitFor();
  assert.equal(await again.count(), 0);
  const calls = await callsOf(app, "cloud_commands_retry");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].args.account, (await page.evaluate(() => window.__MOCK__.state.accounts[0].id)));

  // A desktop runs it and writes the outcome on the server (nobody is told):
  // the panel, asking again while shown, says so.
  await page.evaluate(() => window.__MOCK__.finishCommand(3));
  await rows.nth(0).getByTestId("cloud-command-state").getByText("Feito", { exact: true }).waitFor();
  assert.equal(await rows.nth(0).getByTestId("cloud-command-desktop").textContent(), "Este computador (Ana Operadora)");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a refusal of the server is shown as a toast, in words, and the row still offers to run again", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria Pão Quente" }], sync: SYNCED, cloudCommands: COMMANDS });
  const { page } = app;
  const panel = await openPanel(page);
  await panel.getByTestId("cloud-command-row").nth(2).waitFor();
  const UNREACHABLE = "Não foi possível conectar ao banco de dados da agência em db.abcdefgh.supabase.co:5432. Confira o endereço e a porta e se este computador está na internet.";
  await page.evaluate((message) => { window.__MOCK__.refuseRetry = { code: "remote_unreachable", message }; }, UNREACHABLE);
  await panel.getByRole("button", { name: "Executar de novo" }).click();
  await page.getByText(UNREACHABLE).waitFor();
  assert.equal(await panel.getByTestId("cloud-command-row").count(), 3);
  assert.equal(await panel.getByRole("button", { name: "Executar de novo" }).isEnabled(), true);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a send given up as database_failed, run again, says it waits for the computer that ran it", async () => {
  const DISK = "Não foi possível gravar no banco de dados local (disco cheio).";
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria Pão Quente" }], sync: SYNCED,
    cloudCommands: [
      { kind: "send_text", phone: "+5511987650001", detail: "Pedido 101", status: "failed", errorCode: "database_failed", errorMessage: DISK, ranBy: "Bruno Lima" },
      { kind: "send_text", phone: "+5511987650002", detail: "Pedido 102", status: "failed", errorCode: "database_failed", errorMessage: DISK, ranBy: "Ana Operadora", ranHere: true },
      { kind: "start_flow", phone: "+5511987650003", detail: "Pesquisa", status: "failed", errorCode: "flow_unknown", errorMessage: NO_FLOW, ranBy: "Bruno Lima" },
    ],
  });
  const { page } = app;
  const panel = await openPanel(page);
  const rows = panel.getByTestId("cloud-command-row");
  await rows.nth(2).waitFor();
  assert.equal(await panel.getByTestId("cloud-command-pinned").count(), 0, "nothing pinned yet");
  // Oldest at the bottom: run each again, bottom up (a new row goes on top).
  for (let made = 0; made < 3; made++) {
    await rows.nth(2).getByRole("button", { name: "Executar de novo" }).click();
    await rows.nth(3 + made).waitFor();
  }
  const pinned = panel.getByTestId("cloud-command-pinned");
  await pinned.nth(1).waitFor();
  assert.equal(await pinned.count(), 2, "the flow's retry runs anywhere");
  // Newest first: the flow's retry, the send run here, the send run by Bruno.
  const kinds = await Promise.all((await rows.all()).slice(0, 3).map((r) => r.locator("td").nth(1).textContent()));
  assert.deepEqual(kinds, ["Iniciar fluxo · Pesquisa · nova tentativa", "Enviar texto · Pedido 102 · nova tentativa", "Enviar texto · Pedido 101 · nova tentativa"]);
  assert.equal(await rows.nth(0).getByTestId("cloud-command-pinned").count(), 0);
  assert.match(await rows.nth(1).getByTestId("cloud-command-pinned").textContent(), /^Só este computador pode executá-lo: o comando falhou aqui com um erro no banco de dados local/);
  assert.match(await rows.nth(2).getByTestId("cloud-command-pinned").textContent(), /^Aguarda o computador de Bruno Lima: o comando falhou lá com um erro no banco de dados local/);
  // Done: the pin is no longer said.
  await page.evaluate(() => window.__MOCK__.finishCommand(3));
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=cloud-command-pinned]").length === 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a pinned row that waits can be given up, after a confirmation that says what it means; no other row offers it", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria Pão Quente" }], sync: SYNCED,
    cloudCommands: [
      { kind: "add_tag", phone: "+5511987650003", detail: "VIP", status: "pending" },
      { kind: "send_text", phone: "+5511987650001", detail: "Pedido 101", status: "pending", pinnedBy: "Bruno Lima" },
      { kind: "send_text", phone: "+5511987650002", detail: "Pedido 102", status: "running", pinnedHere: true, pinnedBy: "Ana Operadora", silent: true, ranBy: "Ana Operadora", ranHere: true },
      { kind: "send_text", phone: "+5511987650004", detail: "Pedido 103", status: "running", pinnedBy: "Bruno Lima", ranBy: "Bruno Lima" },
      { kind: "send_text", phone: "+5511987650005", detail: "Pedido 104", status: "done", pinnedBy: "Bruno Lima", ranBy: "Bruno Lima" },
    ],
  });
  const { page } = app;
  const panel = await openPanel(page);
  const rows = panel.getByTestId("cloud-command-row");
  await rows.nth(4).waitFor();
  // Newest first: done (104), running on a desktop heard from (103), running
  // here on a silent desktop (102), pending for Bruno (101), the tag.
  const giveUp = (i) => rows.nth(i).getByRole("button", { name: "Desistir" });
  assert.equal(await panel.getByRole("button", { name: "Desistir" }).count(), 2);
  for (const [i, offered] of [[0, 0], [1, 0], [2, 1], [3, 1], [4, 0]]) {
    assert.equal(await giveUp(i).count(), offered, `row ${i}`);
  }

  // Cancelled: nothing asked of Rust, the row stays.
  await giveUp(3).click();
  let dialog = page.getByRole("dialog", { name: "Desistir deste comando?" });
  assert.equal(
    await dialog.getByTestId("cloud-command-give-up-text").textContent(),
    "O comando será apagado da tabela commands do banco da agência e nenhum computador vai executá-lo: a mensagem não será enviada por esta linha. "
      + "Mas ele falhou no computador de Bruno Lima com um erro no banco de dados local, talvez depois de pôr a mensagem na fila dele: esse computador ainda pode enviá-la quando voltar.",
  );
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal((await callsOf(app, "cloud_commands_give_up")).length, 0);
  assert.equal(await rows.count(), 5);

  // Confirmed: that row is gone, the others stay.
  await giveUp(3).click();
  dialog = page.getByRole("dialog", { name: "Desistir deste comando?" });
  await dialog.getByRole("button", { name: "Desistir do comando" }).click();
  await page.getByText("Comando apagado do banco da agência: nenhum computador vai executá-lo.").waitFor();
  await dialog.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=cloud-command-row]").length === 4);
  const details = await Promise.all((await rows.all()).map((r) => r.locator("td").nth(1).textContent()));
  assert.deepEqual(details, ["Enviar texto · Pedido 104", "Enviar texto · Pedido 103", "Enviar texto · Pedido 102", "Adicionar etiqueta · VIP"]);
  const calls = await callsOf(app, "cloud_commands_give_up");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].args.account, await page.evaluate(() => window.__MOCK__.state.accounts[0].id));

  // The one stuck here: the confirmation says this computer may still send it.
  await giveUp(2).click();
  dialog = page.getByRole("dialog", { name: "Desistir deste comando?" });
  await dialog.getByText(/Mas ele falhou aqui com um erro no banco de dados local, talvez depois de pôr a mensagem na fila: este computador ainda pode enviá-la\.$/).waitFor();
  // Meanwhile the row was claimed (the server refuses): the refusal stays in the dialog, in words.
  await page.evaluate(() => { window.__MOCK__.state.cloudCommands.find((c) => c.detail === "Pedido 102").silent = false; });
  await dialog.getByRole("button", { name: "Desistir do comando" }).click();
  await dialog.getByRole("alert").getByText(/^Só é possível desistir de um comando que aguarda um computador específico/).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=cloud-command-row]").length === 4);
  assert.deepEqual(app.errors, []);
  await app.close();
});
