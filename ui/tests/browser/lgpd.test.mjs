// LGPD in real Chromium: a contact's data exported, a contact erased only
// after the operator types who it is, and both in the audit panel.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SEED = {
  accounts: [{ name: "Clínica Sorriso" }],
  // Exports and erasure are an admin's or an owner's (an agent does not see them).
  users: [{ name: "Marina Alves", role: "admin" }],
  me: 0,
  contacts: [{ phone: "+5511987654321", name: "Conceição Araújo" }, { phone: "+5521933334444", name: "Bruno Souza" }],
};

test("erasing a contact needs the name or phone typed; the audit panel then shows who did it", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const id = await page.evaluate(() => window.__MOCK__.state.contacts[0].id);
  await page.getByTestId("contact-row").filter({ hasText: "Conceição Araújo" }).getByRole("button", { name: "Editar" }).click();
  const contact = page.getByRole("dialog", { name: "Editar contato" });

  await contact.getByRole("button", { name: "Exportar dados (JSON)" }).click();
  await page.getByText(`Dados do contato salvos em /home/ana/Documentos/lgpd-${id}.json`).waitFor();

  await contact.getByRole("button", { name: "Apagar definitivamente" }).click();
  const confirm = page.getByRole("dialog", { name: "Apagar contato definitivamente" });
  await confirm.getByText("todas as conversas e mensagens, e os arquivos de mídia", { exact: false }).waitFor();
  await confirm.getByText("registrada na auditoria LGPD", { exact: false }).waitFor();
  const erase = confirm.getByRole("button", { name: "Apagar definitivamente" });
  assert.ok(await erase.isDisabled());
  const typed = confirm.getByLabel("Para confirmar, digite o nome ou o telefone do contato");
  await typed.fill("Conceição");
  assert.ok(await erase.isDisabled(), "part of the name is not enough");
  await typed.fill("98765-4321");
  assert.ok(await erase.isDisabled(), "part of the phone is not enough");
  assert.equal((await app.calls()).filter((c) => c.cmd === "contacts_erase").length, 0);
  await typed.fill("(11) 98765-4321");
  assert.ok(await erase.isEnabled());
  await erase.click();

  await confirm.waitFor({ state: "detached" });
  await contact.waitFor({ state: "detached" });
  await page.getByText("Conceição Araújo foi apagado definitivamente.").waitFor();
  await page.getByTestId("contacts-count").filter({ hasText: /^1 contato$/ }).waitFor();
  assert.equal(await page.getByTestId("contact-row").filter({ hasText: "Conceição" }).count(), 0);
  assert.deepEqual((await app.calls()).filter((c) => c.cmd === "contacts_erase").map((c) => c.args.contact), [id]);

  await page.getByRole("button", { name: "Configurações" }).click();
  const audit = page.getByRole("region", { name: "Auditoria LGPD" });
  const rows = audit.getByTestId("audit-entry");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  const [erased, exported] = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(1).map((td) => td.textContent)));
  assert.deepEqual(erased, ["Marina Alves", "Apagou o contato definitivamente", id]);
  assert.deepEqual(exported, ["Marina Alves", "Exportou os dados do contato", id]);
  await app.close();
});

test("Escape closes only the erase confirmation, not the contact under it", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await page.getByTestId("contact-row").filter({ hasText: "Bruno Souza" }).getByRole("button", { name: "Editar" }).click();
  const contact = page.getByRole("dialog", { name: "Editar contato" });
  await contact.getByRole("button", { name: "Apagar definitivamente" }).click();
  const confirm = page.getByRole("dialog", { name: "Apagar contato definitivamente" });
  await confirm.getByLabel("Para confirmar, digite o nome ou o telefone do contato").fill("bruno souza");
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "detached" });
  assert.ok(await contact.isVisible());
  assert.equal((await app.calls()).filter((c) => c.cmd === "contacts_erase").length, 0);
  await app.close();
});
