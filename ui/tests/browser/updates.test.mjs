// Settings → Sobre → Atualizações (issue 19, item 4) in real Chromium against
// the fake backend (mock-updates.mjs): a check that finds a version with its
// notes, "Baixar e instalar" with the download's progress arriving as
// `update` events, "Reiniciar agora"; a refused file said in Rust's words;
// and a development build that says updates are off and offers nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openAbout(seed) {
  const app = await openApp(browser, server.url, { accounts: [{ name: "Padaria Pão Quente" }], ...seed });
  await app.page.getByRole("button", { name: seed.language === "en" ? "Settings" : "Configurações" }).click();
  return { app, box: app.page.getByTestId("update-details") };
}

const count = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd).length;

test("a check finds a version, installs it with its progress and offers the restart", async () => {
  const { app, box } = await openAbout({
    updates: { holdDownload: true, offer: { version: "0.2.0", notes: "Correções e melhorias\nRelatórios mais rápidos", date: "2026-12-01T12:00:00Z" } },
  });
  await box.getByText("Ainda não procurou atualizações.").waitFor();
  await box.getByRole("button", { name: "Procurar atualizações" }).click();
  await box.getByText("A versão 0.2.0 está disponível.").waitFor();
  await box.getByText(/Relatórios mais rápidos/).waitFor();
  assert.equal(await count(app, "update_check"), 1);

  // The progress arrives as `update` events while the command runs.
  await box.getByRole("button", { name: "Baixar e instalar" }).click();
  await box.getByText("Baixando a versão 0.2.0: 50%").waitFor();
  assert.equal(await box.locator("progress").getAttribute("value"), "50");
  assert.equal(await box.getByRole("button").count(), 0);
  await app.page.evaluate(() => window.__MOCK__.state.updates.release());
  await box.getByText("A versão 0.2.0 foi instalada. Reinicie o ZapDesk para usá-la.").waitFor();
  assert.equal(await count(app, "update_install"), 1);

  await box.getByRole("button", { name: "Reiniciar agora" }).click();
  await app.page.waitForFunction(() => window.__MOCK__.state.backup.restarted === true);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a refused file is said in Rust's words, and another check is offered", async () => {
  const refused = "A atualização foi recusada: a assinatura do arquivo não é a do ZapDesk. Nada foi instalado.";
  const { app, box } = await openAbout({
    updates: { state: { state: "available", version: "0.2.0", notes: null, date: null }, installFails: refused },
  });
  await box.getByRole("button", { name: "Baixar e instalar" }).click();
  await box.getByRole("alert").filter({ hasText: refused }).waitFor();
  await box.getByRole("button", { name: "Tentar de novo" }).click();
  await box.getByText("Você tem a versão mais nova (0.1.0).").waitFor();
  assert.equal(await count(app, "update_check"), 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a development build says updates are off and offers no button", async () => {
  const { app, box } = await openAbout({
    language: "en",
    updates: { state: { state: "off", reason: "development_build" } },
  });
  await box.getByText("Automatic updates are off in development builds.").waitFor();
  assert.equal(await box.getByRole("button").count(), 0);
  assert.equal(await count(app, "update_check"), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});
