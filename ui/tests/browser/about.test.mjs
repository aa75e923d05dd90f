// Settings → Sobre (issue 19, item 6) in real Chromium against the fake
// backend (mock-backup.mjs): the versions support asks for, and "Copiar
// diagnóstico" copying Rust's text, asked again at the click.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("Sobre shows the versions and copies the diagnostics", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Padaria Pão Quente" }],
    backup: { problems: ["2026-12-07T10:00:01Z  WARN zapdesk_whatsapp::fleet: number 0190 failed to connect"] },
  });
  const { page } = app;
  await page.evaluate(() => {
    window.__copied = [];
    Object.defineProperty(navigator.clipboard, "writeText", { value: async (text) => { window.__copied.push(text); } });
  });
  await page.getByRole("button", { name: "Configurações" }).click();
  const about = page.getByTestId("about-details");
  await about.getByText("Chromium: Chromium 131.0.6778.85 (/usr/bin/chromium)").waitFor();
  await about.getByText("Ponte do WhatsApp Web (wa-js): 3.17.5").waitFor();
  await about.getByText("Banco de dados local: versão 31").waitFor();
  await about.getByText("Logs: /home/agencia/.local/share/app.zapdesk.desktop/logs").waitFor();
  const asked = (await app.calls()).filter((c) => c.cmd === "app_diagnostics").length;

  await about.getByRole("button", { name: "Copiar diagnóstico" }).click();
  await page.getByText("Diagnóstico copiado. Cole-o na mensagem para o suporte.").waitFor();
  const copied = await page.evaluate(() => window.__copied);
  assert.equal(copied.length, 1);
  assert.match(copied[0], /wa-js: 3\.17\.5/);
  assert.match(copied[0], /number 0190 failed to connect/);
  assert.equal((await app.calls()).filter((c) => c.cmd === "app_diagnostics").length, asked + 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});
