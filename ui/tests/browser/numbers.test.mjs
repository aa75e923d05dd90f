// The Numbers screen and the first slice of the inbox in real Chromium, with
// the fake backend pushing `fleet` events as Rust does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const ONE_ACCOUNT = { accounts: [{ name: "Padaria" }] };

test("add a Sandbox number, see its QR, simulate the scan, see it connected", async () => {
  const app = await openApp(browser, server.url, ONE_ACCOUNT);
  const { page } = app;
  await page.getByRole("button", { name: "Números" }).click();
  await page.getByText("Nenhum número ainda").waitFor();
  await page.getByRole("button", { name: "+ Adicionar número" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Adicionar número" });
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.locator("#number-name-note[role=alert]").waitFor();
  await dialog.getByLabel("Nome do número").fill("Balcão");
  assert.equal(await dialog.getByLabel("Sandbox (teste, sem celular)").isChecked(), true, "Sandbox is the default");
  await dialog.getByRole("button", { name: "Criar" }).click();
  const card = page.getByTestId("number-card").filter({ hasText: "Balcão" });
  await card.getByTestId("qr").waitFor();
  assert.equal(await card.getByTestId("number-status").textContent(), "Aguardando leitura do QR");
  await card.getByRole("button", { name: "Simular leitura do QR" }).click();
  await card.getByTestId("number-status").getByText("Conectado").waitFor();
  await card.getByText("Conectado como +55 (11) 90000-0000").waitFor();
  const acts = (await app.calls()).filter((c) => c.cmd === "numbers_act").map((c) => c.args.action);
  assert.deepEqual(acts, ["start"], "a new number starts at once");
  await app.close();
});

test("a simulated contact writes; the message appears live in the inbox and the reply is sent", async () => {
  const app = await openApp(browser, server.url, {
    ...ONE_ACCOUNT,
    numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByText("Nenhuma conversa ainda").waitFor();
  // The contact writes while the operator looks at the inbox.
  const numberId = await page.evaluate(() => window.__MOCK__.state.numbers[0].number.id);
  const accountId = await page.evaluate(() => window.__MOCK__.state.accounts[0].id);
  await page.evaluate(([account, id]) => window.__TAURI_INTERNALS__.invoke("numbers_simulate", {
    account, id, simulation: { kind: "message", from: "(11) 98765-4321", name: "Maria", text: "Tem pão de queijo?" },
  }), [accountId, numberId]);
  const chat = page.getByTestId("chat").filter({ hasText: "Maria" });
  await chat.getByText("Tem pão de queijo?").waitFor();
  assert.equal(await chat.getByTestId("unread").textContent(), "1");
  await chat.click();
  await page.getByTestId("bubble").filter({ hasText: "Tem pão de queijo?" }).waitFor();
  const box = page.getByLabel("Escreva uma mensagem — Enter envia, Shift+Enter quebra a linha");
  await box.fill("Temos sim!");
  await box.press("Shift+Enter");
  await box.type("Saindo do forno.");
  await box.press("Enter");
  const mine = page.getByTestId("bubble").filter({ hasText: "Temos sim!" });
  await mine.waitFor();
  assert.equal(await mine.getByTestId("tick").getAttribute("data-status"), "sent");
  const reply = (await app.calls()).find((c) => c.cmd === "inbox_reply");
  assert.equal(reply.args.text, "Temos sim!\nSaindo do forno.");
  assert.equal(await chat.getByTestId("unread").count(), 0, "opening the chat marks it read");
  await app.close();
});

test("a reply on a disconnected number is queued and the operator is told", async () => {
  const app = await openApp(browser, server.url, {
    ...ONE_ACCOUNT,
    numbers: [{ name: "Balcão" }],
    conversations: [{ phone: "+5511987654321", name: "João" }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Conversas" }).click();
  await page.getByTestId("chat").filter({ hasText: "João" }).click();
  const box = page.getByLabel("Escreva uma mensagem — Enter envia, Shift+Enter quebra a linha");
  await box.fill("Bom dia");
  await box.press("Enter");
  await page.getByText("O número está desconectado: a mensagem fica na fila e sai quando ele conectar.").waitFor();
  const tick = page.getByTestId("bubble").filter({ hasText: "Bom dia" }).getByTestId("tick");
  assert.equal(await tick.getAttribute("data-status"), "pending");
  await app.close();
});
