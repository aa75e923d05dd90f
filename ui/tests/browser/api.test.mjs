// Settings → API in real Chromium against the fake backend (mock-api.mjs):
// where the API listens or why not, the port with its default (a bad one
// refused beside the field), the local network behind a warning, and tokens —
// made for an account or the whole agency, the secret shown once with a
// ready curl and gone once the dialog closes, revoked behind a confirmation.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = { accounts: [{ name: "Padaria Pão Quente" }, { name: "Oficina do Zé" }] };
// Rust lets only the owner make a token for the whole agency: who uses this desktop.
const OWNER = { users: [{ name: "Dona Rita", role: "owner" }], me: 0 };
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const tokenRow = (page, name) => page.getByTestId("token-row").filter({ has: page.getByText(name, { exact: true }) });

async function openApi(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "API local" });
  await panel.getByRole("heading", { name: "API local" }).waitFor();
  return panel;
}

test("where it listens, the port with its default; a reserved port refused beside the field, a busy one said in red, a good one saved", async () => {
  const app = await openApp(browser, server.url, { ...BASE, api: { busyPorts: [9000] } });
  const { page } = app;
  const panel = await openApi(page);
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8787.").waitFor();
  await panel.getByText("Padrão: 8787").waitFor();
  assert.equal(await panel.getByTestId("api-docs-url").textContent(), "http://127.0.0.1:8787/docs");
  const port = panel.getByLabel("Porta", { exact: true });
  assert.equal(await port.inputValue(), "8787");
  const save = panel.getByRole("button", { name: "Salvar porta" });
  assert.equal(await save.isDisabled(), true, "nothing to save while it is the saved port");

  // Not a number: said here, nothing sent.
  await port.fill("87a7");
  await save.click();
  await panel.locator("#api-port-note[role=alert]").getByText("A porta é um número de 1 a 65535.").waitFor();
  assert.equal((await callsOf(app, "api_set_config")).length, 0);

  // Rust's refusal of a reserved port, beside the field; nothing changes.
  await port.fill("80");
  await save.click();
  await panel.locator("#api-port-note[role=alert]").getByText("A porta 80 não pode ser usada. Escolha um número entre 1024 e 65535 (padrão: 8787).").waitFor();
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8787.").waitFor();

  // A port another program holds is refused beside the field; the API stays where it was.
  await port.fill("9000");
  await save.click();
  await panel.locator("#api-port-note[role=alert]").getByText("A porta 9000 já está em uso por outro programa. Escolha outra porta em Configurações → API.").waitFor();
  assert.equal(await page.getByText("A API agora usa a porta 9000.").count(), 0);
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8787.").waitFor();
  assert.equal(await panel.getByTestId("api-error").count(), 0);

  await port.fill("9100");
  await save.click();
  await page.getByText("A API agora usa a porta 9100.").waitFor();
  await panel.getByText("Recebendo pedidos em 127.0.0.1:9100.").waitFor();
  assert.equal(await panel.getByTestId("api-docs-url").textContent(), "http://127.0.0.1:9100/docs");
  assert.equal(await panel.locator("#api-port-note[role=alert]").count(), 0);
  assert.deepEqual((await callsOf(app, "api_set_config")).map((c) => c.args), [
    { port: 80, lan: false }, { port: 9000, lan: false }, { port: 9100, lan: false },
  ]);
  // Off the default, one click puts it back in the field.
  await panel.getByRole("button", { name: "Usar a padrão" }).click();
  assert.equal(await port.inputValue(), "8787");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the documentation opens in the browser from its button; a computer without a browser says to copy the address", async () => {
  const app = await openApp(browser, server.url, BASE);
  let panel = await openApi(app.page);
  await panel.getByRole("button", { name: "Abrir no navegador" }).click();
  await app.page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "api_open_docs"));
  assert.equal((await callsOf(app, "api_open_docs")).length, 1);
  await app.close();

  const bare = await openApp(browser, server.url, { ...BASE, api: { noBrowser: true } });
  panel = await openApi(bare.page);
  await panel.getByRole("button", { name: "Abrir no navegador" }).click();
  await bare.page.getByText("Não foi possível abrir o navegador. Copie o endereço e cole no navegador.").waitFor();
  await bare.close();
});

test("an API that could not start says why in red, and a new port brings it up", async () => {
  const startError = { code: "api_port_invalid", message: "A porta 8787 já está em uso por outro programa, e a API não está ligada. Escolha outra porta abaixo." };
  const app = await openApp(browser, server.url, { ...BASE, api: { startError } });
  const { page } = app;
  const panel = await openApi(page);
  const error = panel.getByTestId("api-error");
  await error.getByText("A API não está ligada.", { exact: true }).waitFor();
  await error.getByText(startError.message).waitFor();
  assert.equal(await error.getAttribute("role"), "alert");
  assert.equal(await panel.getByTestId("api-docs-url").count(), 0, "no documentation address while it is off");

  await panel.getByLabel("Porta", { exact: true }).fill("8790");
  await panel.getByRole("button", { name: "Salvar porta" }).click();
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8790.").waitFor();
  await app.close();
});

test("the local network: turning it on asks with the warning (Cancelar leaves it off), turning it off does not ask", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const panel = await openApi(page);
  const lan = panel.getByLabel("Aceitar conexões da rede local");
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8787.").waitFor();

  await lan.click();
  let dialog = page.getByRole("dialog", { name: "Aceitar conexões da rede local?" });
  await dialog.getByText("Qualquer pessoa na mesma rede que tenha um token poderá ler os dados e enviar mensagens pelos seus números.").waitFor();
  await dialog.getByText(/^Use só numa rede confiável/).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await lan.isChecked(), false);
  assert.equal((await callsOf(app, "api_set_config")).length, 0);

  await lan.click();
  dialog = page.getByRole("dialog", { name: "Aceitar conexões da rede local?" });
  await dialog.getByRole("button", { name: "Aceitar da rede local" }).click();
  await dialog.waitFor({ state: "detached" });
  await panel.getByText("Recebendo pedidos em 0.0.0.0:8787.").waitFor();
  assert.equal(await lan.isChecked(), true);
  await panel.getByTestId("api-lan-warning").waitFor();

  await lan.click();
  await panel.getByText("Recebendo pedidos em 127.0.0.1:8787.").waitFor();
  assert.equal(await lan.isChecked(), false);
  assert.equal(await page.getByRole("dialog").count(), 0, "closing the API to the network does not ask");
  assert.equal(await panel.getByTestId("api-lan-warning").count(), 0);
  assert.deepEqual((await callsOf(app, "api_set_config")).map((c) => c.args), [{ port: 8787, lan: true }, { port: 8787, lan: false }]);
  await app.close();
});

test("a token for the current account: refused without a name or scopes, then shown once with a curl, gone after closing", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const panel = await openApi(page);
  await panel.getByTestId("tokens-empty").waitFor();
  // The dialog follows the account being worked on.
  await page.locator("#account-switcher").selectOption({ label: "Padaria Pão Quente" });
  await panel.getByRole("button", { name: "+ Novo token" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo token" });
  const account = dialog.getByLabel("Conta", { exact: true });
  assert.equal(await account.locator("option:checked").textContent(), "Padaria Pão Quente", "the current account by default");
  assert.equal(await dialog.getByLabel(/^Ler — /).isChecked(), true, "read is checked by default");
  assert.equal(await dialog.getByLabel(/^Enviar — /).isChecked(), false);
  await dialog.getByText("enviar mensagens pelos números.").waitFor();

  // No name: Rust's refusal under the name.
  await dialog.getByRole("button", { name: "Criar token" }).click();
  await dialog.locator("#token-name-note[role=alert]").getByText("Dê um nome ao token, por exemplo \"n8n\" ou \"Loja virtual\".").waitFor();
  // No scope: under the scopes.
  await dialog.getByLabel("Nome", { exact: true }).fill("Zapier");
  await dialog.getByLabel(/^Ler — /).uncheck();
  await dialog.getByRole("button", { name: "Criar token" }).click();
  await dialog.locator("fieldset").getByRole("alert").getByText("Escolha ao menos uma permissão: leitura, envio ou gestão.").waitFor();
  assert.equal(await dialog.locator("#token-name-note[role=alert]").count(), 0);

  await dialog.getByLabel(/^Ler — /).check();
  await dialog.getByLabel(/^Enviar — /).check();
  await dialog.getByRole("button", { name: "Criar token" }).click();
  const shown = page.getByRole("dialog", { name: "Token “Zapier” criado" });
  const secret = await shown.getByTestId("token-secret").textContent();
  assert.match(secret, /^zdk_[0-9a-f]{32}_[0-9a-f]{64}$/);
  await shown.getByText(/^Copie o token agora: por segurança, ele não será mostrado de novo/).waitFor();
  assert.equal(await shown.getByTestId("token-curl").textContent(), `curl -H "Authorization: Bearer ${secret}" http://127.0.0.1:8787/api/accounts`);
  // The two refused tries, then the one made.
  const [, , created] = await callsOf(app, "api_tokens_create");
  const padaria = (await page.evaluate(() => window.__MOCK__.state.accounts))[0].id;
  assert.deepEqual(created.args.input, { name: "Zapier", account_id: padaria, scopes: ["read", "send"] });

  // Escape before copying asks: the token would be lost.
  await page.keyboard.press("Escape");
  const ask = page.getByRole("dialog", { name: "Fechar sem copiar?" });
  await ask.getByRole("button", { name: "Cancelar" }).click();
  await ask.waitFor({ state: "detached" });
  await shown.getByRole("button", { name: "Copiar: Token" }).click();
  await shown.getByRole("button", { name: "Copiar: Token" }).getByText("Copiado ✓").waitFor();
  await shown.getByRole("button", { name: "Concluído" }).click();
  await shown.waitFor({ state: "detached" });

  const row = tokenRow(page, "Zapier");
  assert.deepEqual(await row.getByTestId("scope-chip").allTextContents(), ["Ler", "Enviar"]);
  await row.getByRole("cell", { name: "Padaria Pão Quente" }).waitFor();
  await row.getByRole("cell", { name: "nunca" }).waitFor();
  await row.getByText("Ativo").waitFor();
  // Recognised by its first and last characters.
  await row.getByText(`${secret.slice(0, 12)}…${secret.slice(-4)}`, { exact: true }).waitFor();
  // The whole secret is nowhere on the page any more.
  assert.equal((await page.content()).includes(secret), false);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a token for the whole agency, and revoking another behind a confirmation", async () => {
  const lastUsed = Date.UTC(2026, 9, 20, 15, 30);
  const app = await openApp(browser, server.url, { ...BASE, ...OWNER, api: { tokens: [{ name: "n8n do escritório", account: 1, scopes: ["read", "manage"], lastUsedAt: lastUsed }] } });
  const { page } = app;
  const panel = await openApi(page);
  const n8n = tokenRow(page, "n8n do escritório");
  await n8n.getByRole("cell", { name: "Oficina do Zé" }).waitFor();
  assert.equal(await n8n.getByRole("cell", { name: "nunca" }).count(), 0, "a used token shows when");

  await panel.getByRole("button", { name: "+ Novo token" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo token" });
  await dialog.getByLabel("Nome", { exact: true }).fill("Relatórios");
  await dialog.getByLabel("Conta", { exact: true }).selectOption({ label: "Toda a agência" });
  await dialog.getByRole("button", { name: "Criar token" }).click();
  const shown = page.getByRole("dialog", { name: "Token “Relatórios” criado" });
  await shown.getByRole("button", { name: "Concluído" }).click();
  const [created] = await callsOf(app, "api_tokens_create");
  assert.deepEqual(created.args.input, { name: "Relatórios", account_id: null, scopes: ["read"] });
  await tokenRow(page, "Relatórios").getByRole("cell", { name: "Toda a agência" }).waitFor();

  await n8n.getByRole("button", { name: "Revogar o token n8n do escritório" }).click();
  const confirm = page.getByRole("dialog", { name: "Revogar token" });
  await confirm.getByText(/^Revogar o token “n8n do escritório”\? Os sistemas que o usam perdem o acesso na hora/).waitFor();
  await confirm.getByRole("button", { name: "Revogar" }).click();
  await page.getByText("Token “n8n do escritório” revogado.").waitFor();
  await n8n.getByText(/^Revogado em /).waitFor();
  assert.equal(await n8n.getByRole("button", { name: /Revogar/ }).count(), 0);
  const revoked = await callsOf(app, "api_tokens_revoke");
  const id = (await page.evaluate(() => window.__MOCK__.state.apiTokens)).find((x) => x.name === "n8n do escritório").id;
  assert.deepEqual(revoked.map((c) => c.args), [{ id }]);
  // The other token is untouched.
  await tokenRow(page, "Relatórios").getByText("Ativo").waitFor();
  await app.close();
});

test("only the owner may pick the whole agency: not an agent, not a desktop where nobody is chosen", async () => {
  // An agent does not see the API at all (the agency's settings: team).
  {
    const app = await openApp(browser, server.url, { ...BASE, users: [{ name: "Bia", role: "agent" }], me: 0 });
    await app.page.getByRole("button", { name: "Configurações" }).click();
    await app.page.getByRole("heading", { name: "Equipe" }).waitFor();
    assert.equal(await app.page.getByRole("region", { name: "API local" }).count(), 0);
    await app.close();
  }
  for (const who of [{}]) {
    const app = await openApp(browser, server.url, { ...BASE, ...who });
    const { page } = app;
    const panel = await openApi(page);
    await panel.getByRole("button", { name: "+ Novo token" }).click();
    const dialog = page.getByRole("dialog", { name: "Novo token" });
    await dialog.getByText(/^Só o dono da agência pode criar um token para toda a agência/).waitFor();
    assert.equal(await dialog.locator("option", { hasText: "Toda a agência" }).isDisabled(), true);
    await app.close();
  }
  // The owner may.
  const app = await openApp(browser, server.url, { ...BASE, ...OWNER });
  await (await openApi(app.page)).getByRole("button", { name: "+ Novo token" }).click();
  const dialog = app.page.getByRole("dialog", { name: "Novo token" });
  await dialog.getByText("O token só enxerga os dados desta conta, ou de todas com “Toda a agência”.").waitFor();
  assert.equal(await dialog.locator("option", { hasText: "Toda a agência" }).isDisabled(), false);
  await app.close();
});

test("in English: the API and webhook sections' labels", async () => {
  const app = await openApp(browser, server.url, { ...BASE, language: "en" });
  const { page } = app;
  await page.getByRole("button", { name: "Settings" }).click();
  const panel = page.getByRole("region", { name: "Local API" });
  await panel.getByText("Accepting requests at 127.0.0.1:8787.").waitFor();
  await panel.getByText("Default: 8787").waitFor();
  await panel.getByLabel("Accept connections from the local network").waitFor();
  await panel.getByRole("button", { name: "+ New token" }).waitFor();
  const hooks = page.getByRole("region", { name: "Webhooks" });
  await hooks.getByText("No webhooks in this account.").waitFor();
  await hooks.getByRole("button", { name: "+ New webhook" }).waitFor();
  await app.close();
});
