// Settings → Sincronização and the top bar's sync indicator in real Chromium,
// with the fake backend answering the sync commands and pushing `sync` events
// as the Rust runner does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const ONE_ACCOUNT = { accounts: [{ name: "Padaria" }] };
const CONNECTION = { host: "db.abcdefgh.supabase.co", port: 5432, database: "postgres", operator: "zd_ana", tls: "verify_full", ca_certificate: null };

async function openSync(page) {
  const indicator = page.getByTestId("sync-indicator");
  await indicator.getByText("Só neste computador").waitFor();
  await indicator.click();
  const panel = page.locator("#sync");
  await panel.getByRole("heading", { name: "Sincronização" }).waitFor();
  return panel;
}

async function fill(panel, { host, port, operator, password }) {
  await panel.getByLabel("Servidor", { exact: true }).fill(host);
  if (port) await panel.getByLabel("Porta", { exact: true }).fill(port);
  await panel.getByLabel("Operador", { exact: true }).fill(operator);
  await panel.getByLabel("Senha", { exact: true }).fill(password);
}

test("test connection: the pooler is refused under the port, then success shows the schema version", async () => {
  const app = await openApp(browser, server.url, ONE_ACCOUNT);
  const panel = await openSync(app.page);
  assert.equal(await panel.getByLabel("Porta", { exact: true }).inputValue(), "5432", "port defaults to 5432");
  assert.equal(await panel.getByLabel("Banco de dados", { exact: true }).inputValue(), "postgres");
  assert.equal(await panel.getByLabel("Criptografia", { exact: true }).inputValue(), "verify_full");
  await fill(panel, { host: "aws-0-sa-east-1.pooler.supabase.com", port: "6543", operator: "zd_ana.abcdefgh", password: "s3nha" });
  await panel.getByRole("button", { name: "Testar conexão" }).click();
  const note = panel.locator("#sync-port-note[role=alert]");
  await note.waitFor();
  assert.match(await note.textContent(), /6543 é o pooler em modo transação.*5432/);

  await panel.getByLabel("Porta", { exact: true }).fill("5432");
  assert.equal(await note.count(), 0, "editing clears the refusal");
  await panel.getByRole("button", { name: "Testar conexão" }).click();
  const ok = panel.getByTestId("sync-tested");
  await ok.waitFor();
  assert.equal(await ok.textContent(), "Conexão OK: esquema versão 3, operador Ana Operadora, 1 conta(s).");
  const test = (await app.calls()).filter((c) => c.cmd === "sync_test").at(-1);
  assert.deepEqual(test.args.settings, {
    host: "aws-0-sa-east-1.pooler.supabase.com", port: 5432, database: "postgres", operator: "zd_ana.abcdefgh",
    tls: "verify_full", ca_certificate: null,
  });
  assert.equal((await app.calls()).some((c) => c.cmd === "sync_save"), false, "a test saves nothing");
  assert.equal(await app.page.getByTestId("sync-text").textContent(), "Só neste computador");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("no encryption to another computer is refused under the TLS field", async () => {
  const app = await openApp(browser, server.url, ONE_ACCOUNT);
  const panel = await openSync(app.page);
  await fill(panel, { host: "db.abcdefgh.supabase.co", operator: "zd_ana", password: "s3nha" });
  await panel.getByLabel("Criptografia", { exact: true }).selectOption("disable");
  await panel.getByRole("button", { name: "Testar conexão" }).click();
  const note = panel.locator("#sync-tls-note[role=alert]");
  await note.waitFor();
  assert.match(await note.textContent(), /verify-full/);
  await app.close();
});

test("save shows Sincronizado, an offline event changes the indicator, disconnect returns to local only", async () => {
  const app = await openApp(browser, server.url, ONE_ACCOUNT);
  const { page } = app;
  const panel = await openSync(page);
  await fill(panel, { host: "db.abcdefgh.supabase.co", operator: "zd_ana", password: "s3nha" });
  await panel.getByRole("button", { name: "Salvar e conectar" }).click();
  const text = page.getByTestId("sync-text");
  await page.getByTestId("sync-indicator").and(page.locator("[data-state=synced]")).waitFor();
  assert.match(await text.textContent(), /^Sincronizado (agora|há \d+ min)$/);
  assert.equal(await panel.getByLabel("Senha", { exact: true }).inputValue(), "", "the password is not kept in the form");
  await panel.getByText("Conectado a db.abcdefgh.supabase.co como zd_ana.").waitFor();

  // The engine loses the server while changes wait.
  const since = await page.evaluate(() => {
    const since = new Date(2026, 10, 29, 14, 2).getTime();
    window.__MOCK__.syncStatus({ state: { state: "offline", since }, last_sync: since - 60_000, waiting: 3, pulled: 0 });
    return since;
  });
  const expected = await page.evaluate((at) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), since);
  await text.getByText(`Offline desde ${expected} — tentando de novo`).waitFor();
  assert.equal(expected, "14:02");
  assert.equal(await page.getByTestId("sync-waiting").textContent(), "3 alteração(ões) aguardando");

  await page.evaluate(() => window.__MOCK__.syncStatus({
    state: { state: "error", code: "remote_auth_failed", message: "O banco de dados recusou o login de \"zd_ana\"." },
    last_sync: null, waiting: 0, pulled: 0,
  }));
  await text.getByText("Erro: O banco de dados recusou o login de \"zd_ana\".").waitFor();
  assert.equal(await page.getByTestId("sync-waiting").count(), 0);

  await panel.getByRole("button", { name: "Desconectar" }).click();
  const confirm = page.getByRole("dialog", { name: "Desconectar do servidor" });
  await confirm.getByText("a senha salva é apagada", { exact: false }).waitFor();
  assert.equal((await app.calls()).filter((c) => c.cmd === "sync_disconnect").length, 0, "the first click only asks");
  await confirm.getByRole("button", { name: "Desconectar" }).click();
  await text.getByText("Só neste computador").waitFor();
  assert.equal(await panel.getByLabel("Servidor", { exact: true }).inputValue(), "");
  const cmds = (await app.calls()).map((c) => c.cmd).filter((c) => c.startsWith("sync_"));
  assert.deepEqual(cmds.filter((c) => c !== "sync_status"), ["sync_save", "sync_disconnect"]);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a saved connection shows its state at start and the form is filled without the password", async () => {
  const app = await openApp(browser, server.url, {
    ...ONE_ACCOUNT,
    sync: {
      connection: { host: "db.abcdefgh.supabase.co", port: 5432, database: "postgres", operator: "zd_ana", tls: "verify_full", ca_certificate: null },
      status: { state: { state: "syncing", done: 1, total: 4 }, last_sync: null, waiting: 0, pulled: 0 },
    },
  });
  const { page } = app;
  const indicator = page.getByTestId("sync-indicator");
  await indicator.getByText("Sincronizando…").waitFor();
  const bar = indicator.locator("progress");
  assert.equal(await bar.getAttribute("value"), "1");
  assert.equal(await bar.getAttribute("max"), "4");
  await indicator.click();
  const panel = page.locator("#sync");
  await panel.getByLabel("Servidor", { exact: true }).and(page.locator("[value='db.abcdefgh.supabase.co']")).waitFor();
  assert.equal(await panel.getByLabel("Operador", { exact: true }).inputValue(), "zd_ana");
  assert.equal(await panel.getByLabel("Senha", { exact: true }).inputValue(), "");
  await app.close();
});

test("contacts another desktop wrote appear when the engine pulls them", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    contacts: [{ phone: "+5511911112222", name: "Ana Lima" }],
    sync: { connection: CONNECTION, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, pulled: 0 } },
  });
  const { page } = app;
  await page.getByTestId("contacts-count").filter({ hasText: /^1 contato$/ }).waitFor();
  // What a pull does: the row is in the store, then the engine says which table.
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.contacts.push({ ...state.contacts[0], id: "0190f3b4-0000-7000-8000-999999999999", phone: "+5521933334444", name: "Bruno (do outro computador)" });
  });
  await page.evaluate(() => window.__MOCK__.pulled(["contacts"]));
  await page.getByTestId("contact-row").filter({ hasText: "Bruno (do outro computador)" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("conversations and replies another desktop wrote appear when the engine pulls them", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
    conversations: [{ phone: "+5511911112222", name: "Ana Lima", messages: ["Oi, vocês abrem domingo?"] }],
    sync: { connection: CONNECTION, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, pulled: 0 } },
  });
  const { page } = app;
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana Lima" }).click();
  await page.getByTestId("bubble").filter({ hasText: "Oi, vocês abrem domingo?" }).waitFor();
  // Pulled: a reply typed on the other desktop, sent by the one that runs
  // the number, and a new conversation that desktop received.
  await page.evaluate(() => {
    const { state, message } = window.__MOCK__;
    message(state.conversations[0], { direction: "outbound", body: "Abrimos sim, das 8h às 12h.", status: "sent" });
    state.conversations.push({ ...state.conversations[0], id: "0190f3b4-0000-7000-8000-888888888888", contact_id: "0190f3b4-0000-7000-8000-777777777777", contact_name: "Bruno Reis", contact_phone: "+5521933334444", last_body: "Bom dia", last_message_at: Date.now() + 1 });
  });
  await page.evaluate(() => window.__MOCK__.pulled(["messages", "conversations", "contacts"]));
  await page.getByTestId("bubble").filter({ hasText: "Abrimos sim, das 8h às 12h." }).waitFor();
  await page.getByTestId("chat").filter({ hasText: "Bruno Reis" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("campaigns made or changed on another desktop appear when the engine pulls them", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    contacts: [{ phone: "+5511911112222", name: "Ana Lima" }],
    numbers: [{ name: "Vendas", runsElsewhere: "Ana Operadora" }],
    // Nothing running: the list's own timer does not reload it, only a pull.
    campaigns: [{ name: "Black Friday", status: "paused", numbers: [0], report: { pending: 6, sent: 3 } }],
    sync: { connection: CONNECTION, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, pulled: 0 } },
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  const row = (name) => page.getByTestId("campaign-row").filter({ hasText: name });
  await row("Black Friday").getByTestId("campaign-status").filter({ hasText: /^Pausada$/ }).waitFor();
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    const [first] = state.campaigns;
    state.campaigns.push({ ...first, id: "0190f3b4-0000-7000-8000-666666666666", name: "Natal (do outro computador)", status: "done", created_at: first.created_at + 1 });
    first.status = "cancelled";
  });
  await page.evaluate(() => window.__MOCK__.pulled(["campaigns"]));
  await row("Natal (do outro computador)").getByTestId("campaign-status").filter({ hasText: /^Concluída$/ }).waitFor();
  await row("Black Friday").getByTestId("campaign-status").filter({ hasText: /^Cancelada$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a number another desktop runs says who runs it and cannot be started here", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    numbers: [{ name: "Vendas", runsElsewhere: "Ana Operadora" }, { name: "Suporte" }],
    sync: { connection: CONNECTION, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, pulled: 0 } },
  });
  const { page } = app;
  await page.getByRole("button", { name: "Números" }).click();
  const shared = page.getByTestId("number-card").filter({ hasText: "Vendas" });
  assert.equal(await shared.getByTestId("number-status").textContent(), "Em outro computador");
  await shared.getByTestId("runs-elsewhere").getByText("Em execução no computador de Ana Operadora.", { exact: false }).waitFor();
  assert.equal(await shared.getByRole("button", { name: "Iniciar" }).isDisabled(), true);
  const mine = page.getByTestId("number-card").filter({ hasText: "Suporte" });
  assert.equal(await mine.getByRole("button", { name: "Iniciar" }).isDisabled(), false);
  assert.equal(await mine.getByTestId("runs-elsewhere").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("changes the server refused are listed with the reason and can be sent again", async () => {
  const app = await openApp(browser, server.url, {
    ...ONE_ACCOUNT,
    sync: {
      connection: CONNECTION,
      status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, parked: 1, pulled: 0 },
    },
    parked: [{
      account_id: "00000000-0000-7000-8000-000000000001",
      account_name: "Padaria",
      what: "Contato",
      label: "Maria do Futuro · +5511987650001",
      reason: "O relógio deste computador estava adiantado quando a alteração foi feita; acerte a data e a hora e tente de novo.",
      detail: "clock 2027… is more than ten minutes ahead of the server's",
      parked_at: Date.now(),
    }],
  });
  const { page } = app;
  const indicator = page.getByTestId("sync-indicator");
  await indicator.getByTestId("sync-parked-count").filter({ hasText: "1 recusada(s)" }).waitFor();
  await indicator.click();
  const parked = page.getByTestId("sync-parked");
  await parked.getByRole("heading", { name: "1 alteração(ões) não puderam ser enviadas" }).waitFor();
  const row = parked.getByTestId("sync-parked-row");
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Contato · Maria do Futuro · \+5511987650001/);
  assert.match(await row.innerText(), /acerte a data e a hora/);
  await parked.getByRole("button", { name: "Tentar de novo" }).click();
  await parked.waitFor({ state: "detached" });
  assert.equal((await app.calls()).filter((c) => c.cmd === "sync_retry_parked").length, 1);
  await indicator.getByTestId("sync-waiting").filter({ hasText: "1 alteração(ões) aguardando" }).waitFor();
  assert.equal(await indicator.getByTestId("sync-parked-count").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});
