// Settings → Webhooks in real Chromium against the fake backend
// (mock-api.mjs): a webhook made with grouped events and a format (the
// address and the events refused where they belong), its secret shown and
// renewed, the warnings of one turned off automatically and of one failing,
// and the delivery log — codes, times and errors in words, "Enviar de novo",
// a test event, paging by `before`, rows moving as the sender reports.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = { accounts: [{ name: "Padaria Pão Quente" }] };
const ZAPIER = "https://hooks.zapier.com/hooks/catch/123/abc";
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const hookRow = (page, url) => page.getByTestId("webhook-row").filter({ has: page.getByText(url, { exact: true }) });
const cells = async (row) => (await row.locator("td").allTextContents()).slice(1, 7);

async function openWebhooks(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "Webhooks" });
  await panel.getByRole("heading", { name: "Webhooks" }).waitFor();
  return panel;
}

test("a new webhook: no events and a bad address refused where they belong; grouped events, Evolution's; the secret shown, again, and renewed", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const panel = await openWebhooks(page);
  await panel.getByTestId("webhooks-empty").waitFor();
  await panel.getByRole("button", { name: "+ Novo webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo webhook" });
  const url = dialog.getByLabel("Endereço (URL)");
  const events = dialog.getByRole("group", { name: "Eventos" });
  const checked = () => events.locator(".event-option:has(input:checked)").allTextContents();

  await url.fill(ZAPIER);
  await dialog.getByRole("button", { name: "Criar" }).click();
  await events.getByRole("alert").getByText("Escolha pelo menos um evento para o webhook receber.").waitFor();
  assert.equal(await dialog.locator("#webhook-url-note[role=alert]").count(), 0);

  // "Selecionar todos" takes every event but the number's QR code, which is chosen alone.
  const all = events.getByLabel("Selecionar todos");
  await all.check();
  assert.equal((await checked()).length, 13);
  assert.equal(await events.getByLabel("QR code do número (para conectá-lo)").isChecked(), false);
  await events.getByText(/^Quem recebe o QR code pode conectar o número/).waitFor();
  await all.uncheck();
  assert.deepEqual(await checked(), []);
  // A group's box takes its own.
  await events.getByRole("group", { name: "Mensagens" }).getByLabel("Mensagens", { exact: true }).check();
  await events.getByLabel("Campanha concluída").check();
  assert.equal(await all.evaluate((x) => x.indeterminate), true, "some chosen: the box says so");
  assert.deepEqual(await checked(), ["Mensagem recebida", "Mensagem enviada", "Status da mensagem (entregue, lida…)", "Campanha concluída"]);

  await url.fill("hooks.zapier.com/hooks/catch/123/abc");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.locator("#webhook-url-note[role=alert]").getByText(/^O endereço do webhook precisa começar com https:\/\/ \(ou http:\/\/\) e ter um servidor/).waitFor();
  assert.equal(await events.getByRole("alert").count(), 0);
  await url.fill(ZAPIER);

  // Evolution's envelope has no campaign event: taken out, said so, and not offered.
  await dialog.getByLabel("Formato").selectOption({ label: "Evolution API" });
  await dialog.getByText(/messages\.upsert, messages\.update, connection\.update, qrcode\.updated/).waitFor();
  await dialog.getByTestId("webhook-dropped").getByText("Tirados por não existirem no formato da Evolution API: Campanha concluída.").waitFor();
  assert.equal(await events.getByLabel("Campanha concluída").isDisabled(), true);
  assert.equal(await events.getByLabel("Contato criado").isDisabled(), true);
  await events.getByLabel("QR code do número (para conectá-lo)").check();
  await dialog.getByRole("button", { name: "Criar" }).click();

  const created = page.getByRole("dialog", { name: "Webhook criado" });
  const secret = await created.getByTestId("webhook-secret").textContent();
  assert.match(secret, /^whsec_[0-9a-f]{32}$/);
  const sent = (await callsOf(app, "webhooks_create")).at(-1);
  assert.deepEqual(sent.args.input, { url: ZAPIER, events: ["message.received", "message.sent", "message.status", "number.qr"], format: "evolution" });
  await created.getByRole("button", { name: "Concluído" }).click();
  await created.waitFor({ state: "detached" });

  const row = hookRow(page, ZAPIER);
  await row.getByText("4 eventos · Evolution API").waitFor();
  assert.equal(await row.getByRole("switch", { name: `Ligar o webhook ${ZAPIER}` }).isChecked(), true);
  assert.equal((await page.content()).includes(secret), false, "the secret leaves the page with its dialog");

  await row.getByRole("button", { name: "Mostrar segredo" }).click();
  const again = page.getByRole("dialog", { name: "Segredo do webhook" });
  assert.equal(await again.getByTestId("webhook-secret").textContent(), secret);
  await again.getByRole("button", { name: "Concluído" }).click();

  await row.getByRole("button", { name: "Gerar novo segredo" }).click();
  const confirm = page.getByRole("dialog", { name: "Gerar novo segredo" });
  await confirm.getByText(/O segredo atual deixa de valer na hora: atualize o sistema que recebe com o novo/).waitFor();
  await confirm.getByRole("button", { name: "Gerar novo segredo" }).click();
  const renewed = page.getByRole("dialog", { name: "Novo segredo do webhook" });
  const next = await renewed.getByTestId("webhook-secret").textContent();
  assert.match(next, /^whsec_/);
  assert.notEqual(next, secret);
  assert.equal((await callsOf(app, "webhooks_rotate_secret")).length, 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a webhook turned off automatically says when and why, one failing says since when, one turned off by hand says nothing; turning it on clears the warning", async () => {
  const off = "https://n8n.padaria.com.br/webhook/pedidos";
  const failing = "https://hook.make.com/abc123";
  const byHand = "https://erp.padaria.com.br/hooks";
  const app = await openApp(browser, server.url, {
    ...BASE,
    api: {
      webhooks: [
        // Rust's words for why: "failing" (ZapDesk gave up), "manual" (a person).
        { url: off, enabled: false, disabledAt: Date.UTC(2026, 10, 2, 12), disabledReason: "failing" },
        { url: failing, failingSince: Date.UTC(2026, 10, 3, 9) },
        { url: byHand, enabled: false, disabledAt: Date.UTC(2026, 10, 1, 8), disabledReason: "manual" },
      ],
    },
  });
  const { page } = app;
  await openWebhooks(page);
  const offRow = hookRow(page, off);
  const warning = offRow.getByTestId("webhook-disabled");
  await warning.getByText(/^Desligado automaticamente em 0?2\/11\/2026, .*, depois de um dia de falhas\.$/).waitFor();
  assert.equal(await warning.getByText("failing").count(), 0, "Rust's word is not shown as a reason");
  const toggle = offRow.getByRole("switch", { name: `Ligar o webhook ${off}` });
  assert.equal(await toggle.isChecked(), false);
  await hookRow(page, failing).getByTestId("webhook-failing").getByText(/^Os envios estão falhando desde .*Se continuarem falhando por um dia, o webhook será desligado\.$/).waitFor();
  assert.equal(await hookRow(page, failing).getByTestId("webhook-disabled").count(), 0);
  const manual = hookRow(page, byHand);
  assert.equal(await manual.getByRole("switch").isChecked(), false);
  assert.equal(await manual.getByRole("alert").count(), 0, "off by hand: no warning");

  await toggle.check();
  await warning.waitFor({ state: "detached" });
  assert.equal(await toggle.isChecked(), true);
  const [on] = await callsOf(app, "webhooks_set_enabled");
  assert.equal(on.args.enabled, true);
  await app.close();
});

test("the delivery log: codes, times and errors; Carregar mais by `before`; a test event and Enviar de novo, rows moving as the sender reports", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    api: {
      webhooks: [{
        url: ZAPIER,
        filler: 52,
        deliveries: [
          { event: "message.received", status: "failed", attempts: 5, code: 500, ms: 1234, error: "O servidor respondeu HTTP 500." },
          { event: "contact.created", status: "retrying", attempts: 2, error: "Sem resposta em 10 segundos.", nextAttemptAt: Date.UTC(2030, 0, 1) },
          { event: "message.sent", status: "delivered", code: 200, ms: 87 },
        ],
      }],
    },
  });
  const { page } = app;
  const panel = await openWebhooks(page);
  const log = panel.getByRole("region", { name: `Entregas de ${ZAPIER}` });
  const rows = log.getByTestId("delivery-row");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 50, "the first page");
  assert.deepEqual(await cells(rows.nth(0)), ["Mensagem enviada", "Entregue", "200", "87 ms", "", "—"]);
  assert.deepEqual((await cells(rows.nth(1))).slice(0, 5), ["Contato criado", "Tentando de novo (2)", "—", "—", "Sem resposta em 10 segundos."]);
  assert.notEqual((await cells(rows.nth(1)))[5], "—", "the next attempt's time");
  assert.deepEqual(await cells(rows.nth(2)), ["Mensagem recebida", "Falhou", "500", "1.234 ms", "O servidor respondeu HTTP 500.", "—"]);

  await log.getByRole("button", { name: "Carregar mais" }).click();
  await log.getByRole("button", { name: "Carregar mais" }).waitFor({ state: "detached" });
  assert.equal(await rows.count(), 55);
  const pages = (await callsOf(app, "webhooks_deliveries")).map((c) => c.args.before);
  const order = (await page.evaluate(() => window.__MOCK__.state.deliveries)).map((d) => d.seq).sort((a, b) => b - a);
  assert.deepEqual(pages.slice(0, 2), [null, order[49]], "the second page starts before the first's last row (by the log's order)");

  // A test event: a new newest row, pending until the sender reports (one attempt).
  await hookRow(page, ZAPIER).getByRole("button", { name: "Enviar evento de teste" }).click();
  await page.getByText("Evento de teste enviado. Acompanhe o resultado nas entregas.").waitFor();
  await rows.first().getByText("Evento de teste").waitFor();
  assert.equal(await rows.count(), 56);
  assert.equal(await rows.first().getByTestId("delivery-status").textContent(), "Pendente");
  await page.evaluate(() => window.__MOCK__.attemptDeliveries({ code: 503, ms: 31 }));
  await rows.first().getByTestId("delivery-status").getByText("Falhou").waitFor();
  assert.deepEqual((await cells(rows.first())).slice(0, 5), ["Evento de teste", "Falhou", "503", "31 ms", "O servidor respondeu HTTP 503."]);

  // Enviar de novo on the failed one: the command, then its new line follows the sender.
  const failed = rows.filter({ hasText: "Mensagem recebida" }).filter({ hasText: "Falhou" });
  await failed.getByRole("button", { name: "Enviar de novo" }).click();
  await page.getByText("Entrega enviada de novo. Acompanhe o resultado no registro.").waitFor();
  const id = (await page.evaluate(() => window.__MOCK__.state.deliveries)).find((d) => d.last_status_code === 500).id;
  assert.deepEqual((await callsOf(app, "webhooks_redeliver")).map((c) => c.args.delivery), [id]);
  await rows.first().getByText("Mensagem recebida").waitFor();
  assert.deepEqual((await cells(rows.first())).slice(0, 2), ["Mensagem recebida", "Pendente"]);
  assert.equal(await rows.first().getByRole("button", { name: "Enviar de novo" }).isDisabled(), true, "a pending one is on its way");
  await page.evaluate(() => window.__MOCK__.attemptDeliveries({ code: 204, ms: 45 }));
  await rows.first().getByTestId("delivery-status").getByText("Entregue").waitFor();
  assert.deepEqual(await cells(rows.first()), ["Mensagem recebida", "Entregue", "204", "45 ms", "", "—"]);
  // The failed attempt stays in the log.
  assert.equal(await failed.count(), 1);
  assert.equal(await rows.count(), 57, "every loaded page stays on screen");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("edit the events, then delete behind a confirmation; a typed change is not dropped without asking", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    api: { webhooks: [{ url: ZAPIER, events: ["message.received"], deliveries: [{ event: "message.received", code: 200, ms: 50 }] }] },
  });
  const { page } = app;
  const panel = await openWebhooks(page);
  const row = hookRow(page, ZAPIER);
  await row.getByText("1 evento · ZapDesk").waitFor();

  await row.getByRole("button", { name: `Editar o webhook ${ZAPIER}` }).click();
  const dialog = page.getByRole("dialog", { name: "Editar webhook" });
  await dialog.getByRole("group", { name: "Contatos" }).getByLabel("Contatos", { exact: true }).check();
  // Escape with a change asks; staying keeps it.
  await page.keyboard.press("Escape");
  const ask = page.getByRole("dialog", { name: "Sair sem salvar?" });
  await ask.getByRole("button", { name: "Cancelar" }).click();
  await ask.waitFor({ state: "detached" });
  assert.equal(await dialog.getByLabel("Etiqueta adicionada").isChecked(), true);
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Webhook salvo.").waitFor();
  await row.getByText("5 eventos · ZapDesk").waitFor();
  const [saved] = await callsOf(app, "webhooks_update");
  assert.deepEqual(saved.args.input.events, ["message.received", "contact.created", "contact.updated", "tag.added", "tag.removed"]);

  await row.getByRole("button", { name: `Excluir o webhook ${ZAPIER}` }).click();
  const confirm = page.getByRole("dialog", { name: "Excluir webhook" });
  await confirm.getByText(/e o registro de entregas é apagado\.$/).waitFor();
  await confirm.getByRole("button", { name: "Excluir" }).click();
  await page.getByText(`Webhook ${ZAPIER} excluído.`).waitFor();
  await panel.getByTestId("webhooks-empty").waitFor();
  // Its log went with it, unasked: no "webhook unknown" from a refetch of it.
  assert.equal(await page.locator(".toast.error").count(), 0);
  assert.equal(await panel.getByTestId("delivery-row").count(), 0);
  assert.equal((await callsOf(app, "webhooks_delete")).length, 1);
  await app.close();
});

test("the log is this computer's, and a delivery waiting for the secret from the agency's server says so in words", async () => {
  const waiting = "secret not yet received from the agency's server: waiting for it (never sent unsigned)";
  const app = await openApp(browser, server.url, {
    ...BASE,
    api: {
      webhooks: [{
        url: ZAPIER,
        events: ["message.received"],
        deliveries: [
          { event: "message.received", status: "retrying", attempts: 1, error: waiting, nextAttemptAt: Date.UTC(2030, 0, 1) },
          { event: "message.received", status: "retrying", attempts: 2, error: "Sem resposta em 10 segundos.", nextAttemptAt: Date.UTC(2030, 0, 1) },
        ],
      }],
    },
  });
  const { page } = app;
  const panel = await openWebhooks(page);
  const log = panel.getByRole("region", { name: `Entregas de ${ZAPIER}` });
  const rows = log.getByTestId("delivery-row");
  await rows.first().waitFor();
  assert.match(await log.getByTestId("deliveries-here").textContent(), /^As entregas feitas por este computador\./);
  const errors = await Promise.all([0, 1].map(async (i) => (await cells(rows.nth(i)))[4]));
  assert.deepEqual(errors.sort(), [
    "Esperando o segredo do webhook chegar do servidor da agência (nunca vai sem assinatura).",
    "Sem resposta em 10 segundos.",
  ]);
  await app.close();
});

test("two webhooks of the account with the same address each say so; a lone one says nothing", async () => {
  const lone = "https://erp.padaria.com.br/hooks";
  const app = await openApp(browser, server.url, {
    ...BASE,
    api: { webhooks: [{ url: ZAPIER }, { url: lone }, { url: ZAPIER }] },
  });
  const { page } = app;
  await openWebhooks(page);
  const copies = hookRow(page, ZAPIER);
  await copies.nth(1).getByTestId("webhook-duplicate").waitFor();
  assert.equal(await copies.count(), 2);
  for (const i of [0, 1]) {
    assert.equal(
      await copies.nth(i).getByTestId("webhook-duplicate").textContent(),
      "2 webhooks desta conta enviam para este mesmo endereço, que recebe cada evento 2 vezes. Deixe um e apague os outros (podem ter sido criados separadamente em cada computador, antes de os webhooks sincronizarem).",
    );
  }
  assert.equal(await hookRow(page, lone).getByTestId("webhook-duplicate").count(), 0);
  await app.close();
});
