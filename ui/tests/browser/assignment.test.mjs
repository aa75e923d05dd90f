// Fair assignment in real Chromium (issue 18, item 6), on the fake backend:
// the operator at this desktop turns "Disponível / Ausente", the queue shows
// how many wait and who (oldest first), and "Transferir" hands a chat to
// another operator with a note that then shows in the thread with its author.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SEED = {
  screen: "inbox",
  accounts: [{ name: "Loja Centro" }],
  numbers: [{ name: "Vendas" }, { name: "Suporte" }],
  users: [{ name: "Rita", role: "owner" }, { name: "Bruno", role: "agent" }, { name: "Zé", role: "agent", accounts: [] }],
  me: 0,
  assignment: { auto: true, cap: 1 },
  conversations: [
    { name: "Maria Souza", phone: "+5511987654321", messages: ["Oi"], waiting: 5 },
    { name: "João Lima", phone: "+5511912345678", messages: ["Bom dia"], waiting: 30 },
    { name: "Ana Paula", phone: "+5511955554444", messages: ["Preço?"] },
  ],
};

test("the operator turns available and away, and the queue shows who waits, oldest first", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const toggle = page.getByTestId("availability");
  await toggle.waitFor();
  assert.equal(await toggle.textContent(), "Ausente");
  await toggle.click();
  await page.getByTestId("availability").filter({ hasText: "Disponível" }).waitFor();
  const call = (await app.calls()).find((c) => c.cmd === "assignment_set_available");
  assert.deepEqual(call.args, { available: true });
  assert.equal(await page.evaluate(() => Object.values(window.__MOCK__.state.assignment)[0].team["rita@agencia.com"].available), true);
  await toggle.click();
  await page.getByTestId("availability").filter({ hasText: "Ausente" }).waitFor();

  await page.getByTestId("queue-count").filter({ hasText: "Fila: 2" }).click();
  const queue = page.getByTestId("queue");
  const names = await queue.getByRole("button").allTextContents();
  assert.deepEqual(names, ["João Lima", "Maria Souza"]);
  // A waiting chat opens from the queue.
  await queue.getByRole("button", { name: "Maria Souza" }).click();
  await page.locator(".thread-head").getByText("Maria Souza").waitFor();
});

test("a chat is transferred to another operator with a note kept in the thread", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await page.getByText("Ana Paula").first().click();
  const head = page.locator(".thread-head");
  await head.getByRole("button", { name: "Transferir" }).click();
  const dialog = page.getByRole("dialog", { name: "Transferir conversa" });
  // Neither an operator nor a number: said, nothing sent.
  await dialog.getByRole("button", { name: "Transferir" }).click();
  await dialog.getByText("Escolha um atendente ou um número.").waitFor();
  assert.equal((await app.calls()).filter((c) => c.cmd === "inbox_transfer").length, 0);
  // Zé was never given this account: not offered.
  const offered = await dialog.getByLabel("Para o atendente").locator("option").allTextContents();
  assert.ok(offered.includes("Bruno") && !offered.includes("Zé"), offered.join(", "));
  await dialog.getByLabel("Para o atendente").selectOption({ label: "Bruno" });
  await dialog.getByLabel("Nota interna (fica na conversa)").fill("Cliente quer parcelar em 3x");
  await dialog.getByRole("button", { name: "Transferir" }).click();
  await page.getByText("Conversa transferida.").waitFor();
  await dialog.waitFor({ state: "detached" });
  const note = page.getByTestId("note").filter({ hasText: "Cliente quer parcelar em 3x" });
  await note.getByText("Nota interna · Rita", { exact: false }).waitFor();
  assert.equal(await head.getByLabel("Atendente responsável").locator("option:checked").textContent(), "Bruno");
  const bruno = await page.evaluate(() => window.__MOCK__.state.users[1].id);
  const call = (await app.calls()).find((c) => c.cmd === "inbox_transfer");
  assert.deepEqual(call.args.to, { operator: bruno, instance: null, note: "Cliente quer parcelar em 3x" });
});

test("owners set the account's switch and caps in the Team screen; agents do not see them", async () => {
  const app = await openApp(browser, server.url, { ...SEED, screen: "settings" });
  const { page } = app;
  const panel = page.getByTestId("assignment-settings");
  await panel.getByText("Distribuir conversas automaticamente").waitFor();
  // Not a whole number: said, nothing sent.
  await panel.getByLabel("Limite de conversas abertas por atendente").fill("2.5");
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("O limite é um número inteiro de 1 a 999.").first().waitFor();
  assert.equal((await app.calls()).filter((c) => c.cmd === "assignment_set_account").length, 0);
  await panel.getByLabel("Limite de conversas abertas por atendente").fill("4");
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Distribuição salva.").first().waitFor();
  const set = (await app.calls()).find((c) => c.cmd === "assignment_set_account");
  assert.deepEqual({ auto: set.args.auto, defaultCap: set.args.defaultCap }, { auto: true, defaultCap: 4 });
  const cap = panel.getByLabel("Limite de Bruno");
  await cap.fill("1.5");
  await cap.blur();
  await page.getByText("O limite é um número inteiro de 1 a 999.").last().waitFor();
  await cap.fill("2");
  await cap.blur();
  await page.waitForFunction(() => window.__MOCK__.state.assignment && Object.values(window.__MOCK__.state.assignment)[0].team["bruno@agencia.com"]?.cap === 2);
  // Only the whole cap was sent.
  assert.deepEqual((await app.calls()).filter((c) => c.cmd === "assignment_set_cap").map((c) => c.args.cap), [2]);

  const agent = await openApp(browser, server.url, { ...SEED, screen: "settings", me: 1 });
  await agent.page.locator("#team").waitFor();
  assert.equal(await agent.page.getByTestId("assignment-settings").count(), 0);
});

test("the thread's assignee select lists only who may see the account, and a current assignee who may not stays shown, disabled", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  // Zé (an agent never given this account) has Ana Paula's chat: assigned
  // before he lost the account, or on another desktop.
  await page.evaluate(() => {
    const s = window.__MOCK__.state;
    s.conversations.find((c) => c.contact_name === "Ana Paula").assignee_id = s.users[2].id;
  });
  await page.getByText("Ana Paula").first().click();
  const select = page.locator(".thread-head").getByLabel("Atendente responsável");
  await select.locator("option:checked").filter({ hasText: "Zé" }).waitFor({ state: "attached" });
  const options = await select.locator("option").evaluateAll((els) => els.map((o) => [o.textContent, o.disabled]));
  assert.deepEqual(options, [["Sem atendente", false], ["Bruno", false], ["Rita", false], ["Zé", true]]);

  // Given to Bruno, Zé is no longer offered at all.
  await select.selectOption({ label: "Bruno" });
  await select.locator("option:checked").filter({ hasText: "Bruno" }).waitFor({ state: "attached" });
  const after = await select.locator("option").allTextContents();
  assert.deepEqual(after, ["Sem atendente", "Bruno", "Rita"]);
});
