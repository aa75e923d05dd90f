// Issue 19, items 2 and 3, in real Chromium against the fake backend
// (mock-desktop.mjs): without a Chrome, Chromium or Edge the first-run screen
// says so with what to install and looks again on "Tentar de novo"; a number's
// card names the browser and its version; Settings → Este computador keeps the
// tray and autostart choices.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("no browser: the first-run screen says what to install and finds one on Tentar de novo", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria Pão Quente" }],
    numbers: [{ name: "Balcão" }],
    browser: null,
  });
  const { page } = app;
  const screen = page.getByTestId("browser-missing");
  await screen.getByRole("heading", { name: "Falta um navegador para o WhatsApp Web" }).waitFor();
  await screen.getByText("No Linux: instale o Chromium pelo gerenciador de pacotes", { exact: false }).waitFor();
  // The app behind it is not shown yet.
  assert.equal(await page.getByRole("navigation", { name: "ZapDesk" }).count(), 0);

  // Still none: said, and the screen stays.
  await screen.getByRole("button", { name: "Tentar de novo" }).click();
  await screen.getByText("Ainda nenhum navegador encontrado.").waitFor();

  // Installed meanwhile: the next try lets the app through.
  await page.evaluate(() => {
    window.__MOCK__.state.desktop.browser = { name: "Google Chrome", path: "/usr/bin/google-chrome", version: "141.0.7390.54" };
  });
  await screen.getByRole("button", { name: "Tentar de novo" }).click();
  await page.getByRole("navigation", { name: "ZapDesk" }).waitFor();
  assert.equal(await page.getByTestId("browser-missing").count(), 0);
  const checks = (await app.calls()).filter((c) => c.cmd === "browser_check").length;
  assert.ok(checks >= 3, `browser_check asked ${checks} times`);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a wrong CHROMIUM_PATH is named, in English too, and the app stays reachable", async () => {
  const app = await openApp(browser, server.url, {
    language: "en",
    accounts: [{ name: "Bakery" }],
    browser: null,
    platform: "windows",
    browserMissing: { reason: "chromium_path_missing", path: "C:\\Chrome\\chrome.exe" },
  });
  const { page } = app;
  const screen = page.getByTestId("browser-missing");
  await screen.getByRole("heading", { name: "A browser for WhatsApp Web is missing" }).waitFor();
  await screen.getByText("CHROMIUM_PATH points to C:\\Chrome\\chrome.exe, which does not exist.", { exact: false }).waitFor();
  await screen.getByRole("button", { name: "Continue without a browser" }).click();
  await page.getByRole("navigation", { name: "ZapDesk" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("each number's card names the browser and version it runs on", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria Pão Quente" }],
    numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Números" }).click();
  const card = page.getByTestId("number-card").filter({ hasText: "Balcão" });
  assert.equal(await card.getByTestId("number-browser").innerText(), "Navegador: Chromium 140.0.7339.185");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("Settings keeps closing to the tray (on by default) and starting with the system (off)", async () => {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria Pão Quente" }] });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByTestId("desktop-panel");
  const tray = panel.getByRole("checkbox", { name: "Ao fechar a janela, manter os números rodando na bandeja" });
  const autostart = panel.getByRole("checkbox", { name: "Abrir o ZapDesk ao entrar no computador" });
  assert.equal(await tray.isChecked(), true);
  assert.equal(await autostart.isChecked(), false);
  await autostart.check();
  await page.getByText("Configuração salva.").first().waitFor();
  await tray.uncheck();
  await page.waitForFunction(() => window.__MOCK__.state.desktop.settings.close_to_tray === false);
  assert.deepEqual(await page.evaluate(() => window.__MOCK__.state.desktop.settings), { close_to_tray: false, autostart: true });
  assert.equal(await tray.isChecked(), false);
  assert.equal(await autostart.isChecked(), true);
  assert.deepEqual(app.errors, []);
  await app.close();
});
