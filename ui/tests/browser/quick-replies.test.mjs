// Quick replies in Settings, edited in place in real Chromium: the new
// shortcut and text go to Rust, a refusal stays beside the line with the
// typing kept, and Cancelar leaves the reply as it was.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SEED = {
  accounts: [{ name: "Academia Forma" }],
  quickReplies: [{ shortcut: "pix", body: "Nossa chave Pix é o CNPJ." }, { shortcut: "horario", body: "Das 7h às 19h." }],
};

test("a quick reply is edited in place; a taken shortcut is refused beside it, the typing kept", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const item = page.getByTestId("quick-reply").filter({ hasText: "/horario" });
  await item.getByRole("button", { name: "Editar a resposta rápida /horario" }).click();
  const editing = page.locator("li.editing[data-testid=quick-reply]");
  assert.equal(await editing.getByLabel("Atalho").inputValue(), "horario");
  assert.equal(await editing.getByLabel("Texto").inputValue(), "Das 7h às 19h.");

  // Cancelar changes nothing.
  await editing.getByLabel("Texto").fill("Outro texto");
  await editing.getByRole("button", { name: "Cancelar" }).click();
  await page.getByTestId("quick-reply").filter({ hasText: "Das 7h às 19h." }).waitFor();
  assert.equal((await app.calls()).filter((c) => c.cmd === "quick_replies_update").length, 0);

  // A shortcut another reply has is refused where it was typed.
  await page.getByRole("button", { name: "Editar a resposta rápida /horario" }).click();
  await editing.getByLabel("Atalho").fill("pix");
  await editing.getByRole("button", { name: "Salvar" }).click();
  await editing.getByRole("alert").filter({ hasText: "Já existe uma resposta rápida /pix nesta conta." }).waitFor();
  assert.equal(await editing.getByLabel("Atalho").inputValue(), "pix");

  await editing.getByLabel("Atalho").fill("/Horas");
  await editing.getByLabel("Texto").fill("Abrimos das 6h às 22h.");
  await editing.getByRole("button", { name: "Salvar" }).click();
  await page.getByTestId("quick-reply").filter({ hasText: "/horas" }).filter({ hasText: "Abrimos das 6h às 22h." }).waitFor();
  const call = (await app.calls()).filter((c) => c.cmd === "quick_replies_update").at(-1);
  assert.deepEqual(call.args.input, { shortcut: "/Horas", body: "Abrimos das 6h às 22h." });
  const stored = await page.evaluate(() => window.__MOCK__.state.quickReplies.map((q) => `${q.shortcut}: ${q.body}`));
  assert.deepEqual(stored, ["pix: Nossa chave Pix é o CNPJ.", "horas: Abrimos das 6h às 22h."]);
  assert.equal(await editing.count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});
