// Campaigns in real Chromium: the editor (audience with a live count,
// variables checked and previewed, refusals beside their part), the list with
// pause / resume / cancel, and a campaign's report.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  timezone: "America/Sao_Paulo",
  accounts: [{ name: "Academia Forma" }],
  tags: [{ name: "VIP", color: "#b91c1c" }, { name: "Lead", color: "#1d4ed8" }],
  fields: [{ label: "Plano", kind: "text" }],
  contacts: [
    { phone: "+5511911112222", name: "Ana Lima", tags: ["VIP", "Lead"], fields: { Plano: "Ouro" } },
    { phone: "+5521933334444", name: "Bruno Souza", tags: ["VIP"], optedOut: true },
    { phone: "+5531955556666", name: "Carla Dias", tags: ["VIP"] },
    { phone: "+5541977778888", name: "Davi Rocha", tags: ["Lead"] },
  ],
  numbers: [
    { name: "Vendas", status: { state: "connected", me: "5511900000000@c.us" } },
    { name: "Suporte", status: { state: "disconnected", reason: "Celular sem internet" } },
  ],
};

const lastCall = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd).at(-1);
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const tagId = (app, name) => app.page.evaluate((n) => window.__MOCK__.state.tags.find((x) => x.name === n).id, name);
const mockCampaign = (app, name) => app.page.evaluate((n) => window.__MOCK__.state.campaigns.find((c) => c.name === n), name);

async function openEditor(page) {
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("heading", { name: "Campanhas", exact: true }).waitFor();
  await page.getByRole("button", { name: "+ Nova campanha" }).first().click();
  return page.getByRole("dialog", { name: "Nova campanha" });
}

test("a campaign for a tag: live count without opted-out contacts, preview, created and listed", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Promoção VIP");
  // VIP has three contacts; Bruno opted out, so two receive it.
  await dialog.getByRole("group", { name: "Tem qualquer uma destas" }).getByRole("button", { name: "VIP", exact: true }).click();
  await dialog.getByTestId("recipient-count").filter({ hasText: /^2 destinatários$/ }).waitFor();
  await dialog.getByText("Contatos descadastrados nunca recebem.").waitFor();
  const vip = await tagId(app, "VIP");
  assert.deepEqual((await lastCall(app, "contacts_count")).args.filter, { tags_any: [vip], opted_out: false });

  // A variable from its button, then the rest typed; the preview is for the first recipient.
  const message = dialog.getByLabel("Mensagem");
  await message.fill("{Olá|Oi} ");
  await dialog.getByRole("group", { name: "Inserir variável" }).getByRole("button", { name: "{{primeiro_nome}}" }).click();
  await message.press("End");
  await message.pressSequentially(", seu plano {{plano}} tem desconto.");
  assert.equal(await message.inputValue(), "{Olá|Oi} {{primeiro_nome}}, seu plano {{plano}} tem desconto.");
  const preview = dialog.getByTestId("campaign-preview");
  await preview.filter({ hasText: /^Olá Ana, seu plano Ouro tem desconto\.$/ }).waitFor();
  await dialog.getByText("Usa: {{primeiro_nome}}, {{plano}}").waitFor();
  // Another recipient: the preview follows.
  await dialog.getByLabel("Prévia para").selectOption({ label: "Carla Dias" });
  await preview.filter({ hasText: /^Olá Carla, seu plano  tem desconto\.$/ }).waitFor();
  assert.equal((await lastCall(app, "campaigns_preview")).args.message, "{Olá|Oi} {{primeiro_nome}}, seu plano {{plano}} tem desconto.");

  // The connected number is chosen already; the offline one is marked.
  assert.equal(await dialog.getByRole("checkbox", { name: /Vendas/ }).isChecked(), true);
  assert.equal(await dialog.getByRole("checkbox", { name: /Suporte/ }).isChecked(), false);
  await dialog.locator(".number-option.offline").getByText("(não conectado)").waitFor();
  // No file picked: the campaign is text only.
  assert.equal(await dialog.getByTestId("campaign-media").count(), 0);

  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Promoção VIP\" criada.").waitFor();
  assert.equal(await page.getByRole("dialog").count(), 0);
  const input = (await lastCall(app, "campaigns_create")).args.input;
  assert.equal(input.name, "Promoção VIP");
  assert.deepEqual(input.audience, { tags_any: [vip] });
  assert.equal(input.starts_at, null);
  assert.equal(input.attachment, null);
  assert.equal(input.pacing.delay_min_s, 30);
  assert.equal(input.pacing.delay_max_s, 60);
  assert.deepEqual(input.pacing.weekdays, [true, true, true, true, true, true, false]);
  // The offset comes from the computer's clock (São Paulo here).
  assert.equal(input.pacing.utc_offset_minutes, -180);
  const numbers = await page.evaluate(() => window.__MOCK__.state.numbers.map((n) => n.number.id));
  assert.deepEqual(input.numbers, [numbers[0]]);

  const row = page.getByTestId("campaign-row").filter({ hasText: "Promoção VIP" });
  await row.getByTestId("campaign-status").filter({ hasText: /^Enviando$/ }).waitFor();
  await row.getByTestId("campaign-progress").filter({ hasText: /^0 de 2 processados$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an unknown variable is refused under the message, and so is creating with it", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Aviso");
  await dialog.getByLabel("Todos os contatos").check();
  await dialog.getByTestId("recipient-count").filter({ hasText: /^3 destinatários$/ }).waitFor();
  await dialog.getByLabel("Mensagem").fill("Oi {{cidade}}!");
  const expected = "A variável {{cidade}} não existe. Use {{nome}}, {{primeiro_nome}}, {{telefone}}, ou um campo personalizado desta conta.";
  const note = dialog.locator("#campaign-message-note");
  await note.filter({ hasText: expected }).waitFor();
  assert.equal(await note.getAttribute("role"), "alert");
  assert.equal(await dialog.getByTestId("campaign-preview").count(), 0);
  // Create anyway: Rust refuses it too, nothing is created, the reason stays under the field.
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "campaigns_create"));
  await note.filter({ hasText: expected }).waitFor();
  assert.equal((await page.evaluate(() => window.__MOCK__.state.campaigns.length)), 0);
  // Fixing the message clears the error.
  await dialog.getByLabel("Mensagem").fill("Oi {{nome}}!");
  await dialog.getByTestId("campaign-preview").filter({ hasText: /^Oi Ana Lima!$/ }).waitFor();
  assert.equal(await note.getAttribute("role"), null);
  await app.close();
});

test("an offline number is refused beside the numbers; scheduling for later accepts it", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Leads");
  await dialog.getByRole("group", { name: "Tem todas estas" }).getByRole("button", { name: "Lead", exact: true }).click();
  await dialog.getByTestId("recipient-count").filter({ hasText: /^2 destinatários$/ }).waitFor();
  await dialog.getByLabel("Mensagem").fill("Oi {{primeiro_nome}}");
  await dialog.getByRole("checkbox", { name: /Vendas/ }).uncheck();
  await dialog.getByRole("checkbox", { name: /Suporte/ }).check();
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  const offline = "O número Suporte não está conectado. Conecte-o em Números ou agende a campanha para depois.";
  const numbers = dialog.locator("fieldset", { has: page.getByText("Números", { exact: true }) });
  await numbers.getByRole("alert").filter({ hasText: offline }).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.campaigns.length), 0);

  // Scheduled for tomorrow 10:00 local time, the offline number may connect by then.
  await dialog.getByLabel("Agendar").check();
  const tomorrow = await page.evaluate(() => {
    const d = new Date(Date.now() + 86_400_000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  await dialog.getByLabel("Data", { exact: true }).fill(tomorrow);
  await dialog.getByLabel("Hora", { exact: true }).fill("10:00");
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Leads\" criada.").waitFor();
  const input = (await lastCall(app, "campaigns_create")).args.input;
  const expected = await page.evaluate((day) => { const [y, m, d] = day.split("-").map(Number); return new Date(y, m - 1, d, 10, 0).getTime(); }, tomorrow);
  assert.equal(input.starts_at, expected);
  await page.getByTestId("campaign-row").filter({ hasText: "Leads" }).getByTestId("campaign-status").filter({ hasText: /^Agendada$/ }).waitFor();
  await app.close();
});

test("a number another desktop runs is offered, picked and says so; the campaign is created with it", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    numbers: [
      { name: "Vendas", runsElsewhere: "Ana Operadora" },
      { name: "Suporte", status: { state: "disconnected", reason: "Celular sem internet" } },
    ],
  });
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Leads");
  await dialog.getByRole("group", { name: "Tem todas estas" }).getByRole("button", { name: "Lead", exact: true }).click();
  await dialog.getByTestId("recipient-count").filter({ hasText: /^2 destinatários$/ }).waitFor();
  await dialog.getByLabel("Mensagem").fill("Oi {{primeiro_nome}}");
  const shared = dialog.locator("label.number-option", { hasText: "Vendas" });
  assert.equal(await shared.locator(".pill").textContent(), "Em outro computador");
  assert.equal(await shared.getByText("(não conectado)").count(), 0);
  assert.equal(await dialog.getByRole("checkbox", { name: /Vendas/ }).isChecked(), true);
  assert.equal(await dialog.getByRole("checkbox", { name: /Suporte/ }).isChecked(), false);
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Leads\" criada.").waitFor();
  const vendas = await page.evaluate(() => window.__MOCK__.state.numbers.find((n) => n.number.name === "Vendas").number.id);
  assert.deepEqual((await lastCall(app, "campaigns_create")).args.input.numbers, [vendas]);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an empty name is refused under the name; a segment's audience is sent as saved", async () => {
  const app = await openApp(browser, server.url, { ...BASE, segments: [{ name: "Só VIP", filter: { tags_all: [] } }] });
  const { page } = app;
  // The segment asks for VIP (its id is known only once the page is up).
  await page.evaluate(() => {
    const s = window.__MOCK__.state;
    s.segments[0].filter.tags_all = [s.tags.find((x) => x.name === "VIP").id];
  });
  const dialog = await openEditor(page);
  await dialog.getByLabel("Um segmento salvo").check();
  await dialog.getByLabel("Segmento", { exact: true }).selectOption({ label: "Só VIP" });
  await dialog.getByTestId("recipient-count").filter({ hasText: /^2 destinatários$/ }).waitFor();
  await dialog.getByLabel("Mensagem").fill("Oi");
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await dialog.locator("#campaign-name-note").filter({ hasText: "Dê à campanha um nome de até 80 caracteres." }).waitFor();
  await dialog.getByLabel("Nome da campanha").fill("Segmento VIP");
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Segmento VIP\" criada.").waitFor();
  const vip = await tagId(app, "VIP");
  assert.deepEqual((await lastCall(app, "campaigns_create")).args.input.audience, { tags_all: [vip] });
  await app.close();
});

test("pause, resume and cancel call Rust and the badge follows; cancel asks first", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    campaigns: [{ name: "Black Friday", status: "running", numbers: [0], report: { pending: 6, sent: 3, delivered: 1 } }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  const row = page.getByTestId("campaign-row").filter({ hasText: "Black Friday" });
  const badge = row.getByTestId("campaign-status");
  await badge.filter({ hasText: /^Enviando$/ }).waitFor();
  await row.getByTestId("campaign-progress").filter({ hasText: /^4 de 10 processados$/ }).waitFor();
  assert.equal(await row.getByRole("progressbar").getAttribute("value"), "40");
  assert.equal(await row.getByRole("button", { name: "Retomar" }).count(), 0);

  await row.getByRole("button", { name: "Pausar" }).click();
  await badge.filter({ hasText: /^Pausada$/ }).waitFor();
  assert.equal((await lastCall(app, "campaigns_set_status")).args.status, "paused");
  assert.equal(await row.getByRole("button", { name: "Pausar" }).count(), 0);

  await row.getByRole("button", { name: "Retomar" }).click();
  await badge.filter({ hasText: /^Enviando$/ }).waitFor();
  assert.equal((await lastCall(app, "campaigns_set_status")).args.status, "running");

  // Cancel asks; keeping it changes nothing.
  await row.getByRole("button", { name: "Cancelar campanha" }).click();
  const confirm = page.getByRole("dialog", { name: "Cancelar a campanha?" });
  await confirm.getByText(/Uma campanha cancelada não pode ser retomada/).waitFor();
  await confirm.getByRole("button", { name: "Cancelar", exact: true }).click();
  assert.equal(await page.getByRole("dialog").count(), 0);
  assert.equal((await callsOf(app, "campaigns_set_status")).length, 2);
  await row.getByRole("button", { name: "Cancelar campanha" }).click();
  await page.getByRole("dialog", { name: "Cancelar a campanha?" }).getByRole("button", { name: "Cancelar campanha" }).click();
  await badge.filter({ hasText: /^Cancelada$/ }).waitFor();
  assert.equal((await lastCall(app, "campaigns_set_status")).args.status, "cancelled");
  assert.equal((await mockCampaign(app, "Black Friday")).status, "cancelled");
  assert.equal(await row.getByRole("button").filter({ hasText: /Pausar|Retomar|Cancelar/ }).count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a campaign's report shows every counter and follows changes", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    campaigns: [{
      name: "Reativação", status: "running", numbers: [0], message: "Oi {{primeiro_nome}}, sentimos sua falta!",
      report: { pending: 5, queued: 2, sent: 10, delivered: 6, read: 4, failed: 3, skipped: 1, replied: 7, opted_out: 2 },
    }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Reativação" }).click();
  await page.getByRole("heading", { name: /Reativação/ }).waitFor();
  const value = (key) => page.getByTestId(`report-${key}`).locator("strong").textContent();
  const expected = { sent: "20", delivered: "10", read: "4", replied: "7", failed: "3", skipped: "1", optedOut: "2", pending: "7" };
  await page.getByTestId("report-sent").waitFor();
  for (const [key, n] of Object.entries(expected)) assert.equal(await value(key), n, key);
  const labels = await page.locator(".report-cards .card-label").allTextContents();
  assert.deepEqual(labels, ["Enviadas", "Entregues", "Lidas", "Responderam", "Falharam", "Puladas", "Descadastraram", "Pendentes"]);
  await page.getByTestId("campaign-progress").filter({ hasText: /^26 de 31 processados$/ }).waitFor();
  await page.getByText("Oi {{primeiro_nome}}, sentimos sua falta!").waitFor();
  await page.getByTestId("campaign-pacing").filter({ hasText: "08:00–20:00, Seg, Ter, Qua, Qui, Sex, Sáb; 30–60 s entre mensagens; até 200 por número por dia" }).waitFor();

  // Messages go out meanwhile (the runner writes and says so): the report on screen follows.
  await page.evaluate(() => window.__MOCK__.campaignProgress(0, (r) => {
    r.pending -= 5;
    r.read += 5;
  }));
  await page.getByTestId("report-read").locator("strong").filter({ hasText: /^9$/ }).waitFor();
  assert.equal(await value("pending"), "2");

  // Pausing from the report page.
  await page.getByRole("button", { name: "Pausar" }).click();
  await page.getByTestId("campaign-status").filter({ hasText: /^Pausada$/ }).waitFor();
  await page.getByRole("button", { name: "← Campanhas" }).click();
  await page.getByTestId("campaign-row").filter({ hasText: "Reativação" }).getByTestId("campaign-status").filter({ hasText: /^Pausada$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a pacing number can be emptied and typed again, as a person edits it", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Ritmo", status: "running", numbers: [0], report: { pending: 3 } }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Ritmo" }).click();
  await page.getByRole("button", { name: "Alterar ritmo" }).click();
  const dialog = page.getByRole("dialog", { name: "Alterar ritmo" });
  const max = dialog.getByLabel("Intervalo máximo (s)");
  // Key by key: select nothing, delete everything, type. Bound straight to
  // the number, the emptied field turned into "0" and "45" read "045".
  await max.click();
  await max.press("End");
  for (const _ of (await max.inputValue()).split("")) await max.press("Backspace");
  assert.equal(await max.inputValue(), "");
  await max.pressSequentially("45");
  assert.equal(await max.inputValue(), "45");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Ritmo de envio atualizado.").waitFor();
  assert.equal((await lastCall(app, "campaigns_set_pacing")).args.pacing.delay_max_s, 45);
  await app.close();
});

test("changing the pace of a running campaign is sent to Rust; an impossible one is refused", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Ritmo", status: "running", numbers: [0], report: { pending: 3 } }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Ritmo" }).click();
  await page.getByRole("button", { name: "Alterar ritmo" }).click();
  const dialog = page.getByRole("dialog", { name: "Alterar ritmo" });
  await dialog.getByLabel("Intervalo mínimo (s)").fill("90");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.getByRole("alert").filter({ hasText: "O intervalo entre mensagens precisa ter mínimo menor ou igual ao máximo, e o máximo até 1 hora." }).waitFor();
  await dialog.getByLabel("Intervalo máximo (s)").fill("120");
  await dialog.getByLabel("Dom").check();
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Ritmo de envio atualizado.").waitFor();
  await page.getByTestId("campaign-pacing").filter({ hasText: "Dom; 90–120 s entre mensagens" }).waitFor();
  const pacing = (await lastCall(app, "campaigns_set_pacing")).args.pacing;
  assert.equal(pacing.delay_min_s, 90);
  assert.equal(pacing.delay_max_s, 120);
  assert.deepEqual(pacing.weekdays, [true, true, true, true, true, true, true]);
  await app.close();
});

const HOUR = 3_600_000;
/** Monday 2026-11-30 10:00 in Brasília (13:00 UTC). */
const MONDAY_10 = Date.UTC(2026, 10, 30, 13);

test("a campaign's recipients export to CSV from its page and the path is shown", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Reativação", numbers: [0], report: { sent: 3 } }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Reativação" }).click();
  await page.getByRole("button", { name: "Exportar destinatários (CSV)" }).click();
  await page.getByText("Destinatários exportados para /home/ana/Documentos/destinatarios.csv").waitFor();
  const c = await mockCampaign(app, "Reativação");
  const calls = await callsOf(app, "campaigns_export");
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].args, { account: c.account_id, id: c.id });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a cancelled save dialog shows nothing", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaignExportPath: null, campaigns: [{ name: "Reativação", numbers: [0], report: { sent: 3 } }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Reativação" }).click();
  const button = page.getByRole("button", { name: "Exportar destinatários (CSV)" });
  await button.click();
  // The button is busy while the dialog is open and enabled again once Rust answered.
  await page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "campaigns_export"));
  await page.waitForFunction(() => [...document.querySelectorAll("button")].some((b) => b.textContent === "Exportar destinatários (CSV)" && !b.disabled));
  assert.equal(await page.getByText(/Destinatários exportados/).count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the chart over time draws a bar per hour and figure, with the same figures in a table", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    campaigns: [
      {
        name: "Reativação", numbers: [0], report: { sent: 5, read: 1 },
        timeline: [
          { hour: MONDAY_10, queued: 4, sent: 3, replied: 0 },
          { hour: MONDAY_10 + HOUR, queued: 2, sent: 2, replied: 1 },
        ],
      },
      { name: "Nova", numbers: [0], report: { pending: 3 } },
    ],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Reativação" }).click();
  const chart = page.getByRole("img", { name: "Mensagens por hora: na fila, enviadas e respostas" });
  await chart.waitFor();
  const bars = await chart.getByTestId("timeline-bar").evaluateAll((els) => els.map((e) => [e.dataset.series, Number(e.dataset.value), Number(e.getAttribute("height"))]));
  assert.deepEqual(bars.map(([s, v]) => [s, v]), [["queued", 4], ["sent", 3], ["replied", 0], ["queued", 2], ["sent", 2], ["replied", 1]]);
  // Heights follow the counts: the largest is tallest, zero draws nothing.
  const heights = bars.map(([, , h]) => h);
  assert.ok(heights[0] > heights[1] && heights[1] > heights[3] && heights[3] > heights[5] && heights[5] > 0, String(heights));
  assert.equal(heights[2], 0);
  // Hours on Brasília's clock, in Portuguese.
  const hours = await chart.getByTestId("timeline-hour").allTextContents();
  assert.equal(hours.length, 2);
  assert.match(hours[0], /30\/11.*10:00/);
  assert.match(hours[1], /30\/11.*11:00/);

  // The table says the same for those who do not see the chart.
  await page.getByText("Ver os números como tabela").click();
  const table = page.getByRole("table");
  await table.waitFor();
  assert.deepEqual(await table.locator("thead th").allTextContents(), ["Hora", "Na fila", "Enviadas", "Respostas"]);
  const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => r.slice(1)), [["4", "3", "0"], ["2", "2", "1"]]);
  assert.match(rows[1][0], /11:00/);

  // A campaign that sent nothing yet says so instead of an empty chart.
  await page.getByRole("button", { name: "← Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Nova" }).click();
  await page.getByTestId("timeline-empty").filter({ hasText: "Nada foi enviado ainda" }).waitFor();
  assert.equal(await page.getByTestId("timeline-bar").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a test send from the editor says where it went, or why it was refused", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  const row = dialog.getByRole("group", { name: "Enviar teste" });
  const send = row.getByRole("button", { name: "Enviar teste" });
  const result = row.getByTestId("test-send-result");
  await dialog.getByLabel("Mensagem").fill("Oi {{primeiro_nome|cliente}}, plano {{plano|básico}}!");
  await row.getByLabel("Telefone do teste").fill("(11) 91111-2222");
  // The connected number is chosen already.
  const vendas = await page.evaluate(() => window.__MOCK__.state.numbers.find((n) => n.number.name === "Vendas").number.id);
  assert.equal(await row.getByLabel("Número que envia o teste").inputValue(), vendas);
  await send.click();
  await result.filter({ hasText: /^Teste enviado para \(11\) 91111-2222\.$/ }).waitFor();
  assert.equal(await result.getAttribute("role"), "status");
  const sends = await page.evaluate(() => window.__MOCK__.state.testSends);
  assert.deepEqual(sends.map(({ number, phone, body }) => ({ number, phone, body })), [{ number: vendas, phone: "+5511911112222", body: "Oi Ana, plano Ouro!" }]);
  const args = (await lastCall(app, "campaigns_test_send")).args;
  const previewed = await dialog.getByLabel("Prévia para").inputValue();
  assert.ok(previewed, "a preview contact is chosen");
  assert.match(args.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "one id per press");
  assert.deepEqual({ ...args, account: undefined, id: undefined }, { account: undefined, id: undefined, message: "Oi {{primeiro_nome|cliente}}, plano {{plano|básico}}!", number: vendas, phone: "(11) 91111-2222", preview: previewed });

  // A number that is not connected: refused, shown under the row.
  await row.getByLabel("Número que envia o teste").selectOption({ label: "Suporte (não conectado)" });
  await send.click();
  await result.filter({ hasText: "O número Suporte não está conectado." }).waitFor();
  assert.equal(await result.getAttribute("role"), "alert");

  // A phone that is not one, and a variable that does not exist.
  await row.getByLabel("Número que envia o teste").selectOption(vendas);
  await row.getByLabel("Telefone do teste").fill("12ab");
  await send.click();
  await result.filter({ hasText: "\"12ab\" não é um telefone válido." }).waitFor();
  await row.getByLabel("Telefone do teste").fill("(11) 91111-2222");
  await dialog.getByLabel("Mensagem").fill("Oi {{apelido}}");
  await send.click();
  await result.filter({ hasText: "A variável {{apelido}} não existe." }).waitFor();
  assert.equal((await page.evaluate(() => window.__MOCK__.state.testSends)).length, 1, "refusals send nothing");
  assert.equal((await callsOf(app, "campaigns_create")).length, 0, "a test creates no campaign");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a test send says what the preview shows: the preview contact's values, to the operator's own phone; a phone that is no contact is refused", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  const row = dialog.getByRole("group", { name: "Enviar teste" });
  const result = row.getByTestId("test-send-result");
  await dialog.getByLabel("Mensagem").fill("Olá {{primeiro_nome}}!");
  await dialog.getByLabel("Prévia para").selectOption({ label: "Carla Dias" });
  await dialog.getByTestId("campaign-preview").filter({ hasText: /^Olá Carla!$/ }).waitFor();
  // Davi's phone stands for the operator's own (a contact of the account).
  await row.getByLabel("Telefone do teste").fill("(41) 97777-8888");
  await row.getByRole("button", { name: "Enviar teste" }).click();
  await result.filter({ hasText: /^Teste enviado/ }).waitFor();
  const sends = await page.evaluate(() => window.__MOCK__.state.testSends);
  assert.deepEqual(sends.map(({ phone, body }) => ({ phone, body })), [{ phone: "+5541977778888", body: "Olá Carla!" }]);
  // A phone that is no contact: refused with what to do, and no contact invented.
  const before = await page.evaluate(() => window.__MOCK__.state.contacts.length);
  await row.getByLabel("Telefone do teste").fill("(21) 98888-7777");
  await row.getByRole("button", { name: "Enviar teste" }).click();
  await result.filter({ hasText: "não é um contato desta conta" }).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.contacts.length), before);
  assert.equal((await page.evaluate(() => window.__MOCK__.state.testSends)).length, 1);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an image attached in the editor goes to Rust with the campaign; a file too large is refused under it", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Cardápio");
  await dialog.getByLabel("Todos os contatos").check();
  await dialog.getByTestId("recipient-count").filter({ hasText: /^3 destinatários$/ }).waitFor();
  await dialog.getByLabel("Mensagem").fill("Oi {{primeiro_nome}}, o cardápio novo!");
  const media = dialog.getByRole("group", { name: "Anexo" });

  // Too large (16 MB + 1 byte): Rust refuses it, the reason shows under the attachment, nothing created.
  await media.getByRole("button", { name: "Anexar imagem, áudio ou documento" }).click();
  await dialog.getByTestId("campaign-file").setInputFiles({ name: "video.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(16 * 1024 * 1024 + 1) });
  await dialog.getByTestId("campaign-media").filter({ hasText: "video.pdf" }).filter({ hasText: "16 MB" }).waitFor();
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await media.getByRole("alert").filter({ hasText: "O arquivo passa de 16 MB, o limite do WhatsApp." }).waitFor();
  assert.equal(await page.evaluate(() => window.__MOCK__.state.campaigns.length), 0);

  // Removed, then an image picked instead: created with it.
  await media.getByRole("button", { name: "Remover" }).click();
  assert.equal(await dialog.getByTestId("campaign-media").count(), 0);
  const png = Buffer.from("\x89PNG cardapio");
  await dialog.getByTestId("campaign-file").setInputFiles({ name: "cardapio.png", mimeType: "image/png", buffer: png });
  await dialog.getByTestId("campaign-media").filter({ hasText: "cardapio.png" }).filter({ hasText: "1 KB" }).waitFor();
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Cardápio\" criada.").waitFor();
  const input = (await lastCall(app, "campaigns_create")).args.input;
  assert.deepEqual(input.attachment, { name: "cardapio.png", mime: "image/png", data: png.toString("base64") });

  // Its page names the attachment.
  await page.getByRole("button", { name: "Abrir Cardápio" }).click();
  await page.getByTestId("campaign-media").filter({ hasText: "Anexo: cardapio.png" }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("when a recipient replies, start a flow: published flows offered, none by default, a deleted one refused under it, then shown with the campaign", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { flows: [{ name: "Pós-venda", published: true }, { name: "Pesquisa", published: true, enabled: false }, { name: "Rascunho" }, { name: "Sumiu", published: true }] },
    campaigns: [{ name: "Antiga", numbers: [0], report: { sent: 1 }, replyFlow: "Pesquisa" }],
  });
  const { page } = app;
  const dialog = await openEditor(page);
  await dialog.getByLabel("Nome da campanha").fill("Revisão");
  await dialog.getByLabel("Todos os contatos").check();
  await dialog.getByLabel("Mensagem").fill("Oi {{primeiro_nome}}, como foi?");
  const reply = dialog.getByLabel("Quando um destinatário responder, iniciar o fluxo");
  assert.equal(await reply.inputValue(), "");
  // Published flows only, by name as Rust lists them; one that is off says so.
  assert.deepEqual(await reply.locator("option").allTextContents(), ["Nenhum", "Pesquisa (desligado)", "Pós-venda", "Sumiu"]);
  await dialog.getByText("Na primeira resposta de cada destinatário, o bot inicia este fluxo, se antes nenhuma palavra-chave responder", { exact: false }).waitFor();

  // Deleted on another desktop after the list was read: Rust refuses, under the field.
  await reply.selectOption({ label: "Sumiu" });
  await page.evaluate(() => {
    const { state } = window.__MOCK__;
    state.flows = state.flows.filter((f) => f.name !== "Sumiu");
  });
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await dialog.locator("#campaign-reply-flow-note").getByText("O fluxo escolhido para as respostas não existe mais nesta conta.", { exact: false }).waitFor();
  assert.equal(await dialog.locator("#campaign-reply-flow-note").getAttribute("role"), "alert");
  assert.equal((await page.evaluate(() => window.__MOCK__.state.campaigns.length)), 1);

  await reply.selectOption({ label: "Pós-venda" });
  await dialog.getByRole("button", { name: "Criar campanha" }).click();
  await page.getByText("Campanha \"Revisão\" criada.").waitFor();
  const flowId = await page.evaluate(() => window.__MOCK__.state.flows.find((f) => f.name === "Pós-venda").id);
  assert.equal((await lastCall(app, "campaigns_create")).args.input.reply_flow, flowId);
  assert.equal((await mockCampaign(app, "Revisão")).reply_flow_id, flowId);

  await page.getByRole("button", { name: "Abrir Revisão" }).click();
  await page.getByTestId("campaign-reply-flow").getByText("A primeira resposta de cada destinatário inicia o fluxo “Pós-venda”.").waitFor();
  await page.getByRole("button", { name: "← Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Antiga" }).click();
  await page.getByTestId("campaign-reply-flow").getByText("inicia o fluxo “Pesquisa”, que está desligado", { exact: false }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a reply flow behind a first-message flow on the chosen numbers is warned about", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: {
      flows: [
        { name: "Boas-vindas", published: true, triggers: [{ on: "first_message", numbers: [] }] },
        { name: "Pós-venda", published: true },
      ],
    },
  });
  const { page } = app;
  const dialog = await openEditor(page);
  const reply = dialog.getByLabel("Quando um destinatário responder, iniciar o fluxo");
  assert.equal(await dialog.getByTestId("reply-flow-rival").count(), 0);
  await reply.selectOption({ label: "Pós-venda" });
  await dialog.getByTestId("reply-flow-rival")
    .getByText("O fluxo “Boas-vindas” começa na primeira mensagem de um contato nestes números: quem nunca escreveu vai cair nele, não neste.").waitFor();
  // The first-message flow itself as the reply flow: nothing to warn about.
  await reply.selectOption({ label: "Boas-vindas" });
  await dialog.getByTestId("reply-flow-rival").waitFor({ state: "detached" });
  // No number chosen: no number it could clash on.
  await reply.selectOption({ label: "Pós-venda" });
  await dialog.getByTestId("reply-flow-rival").waitFor();
  await dialog.getByRole("checkbox", { name: /Vendas/ }).uncheck();
  await dialog.getByTestId("reply-flow-rival").waitFor({ state: "detached" });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a campaign's page says when the flows or numbers could not be read, instead of guessing", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    automation: { flows: [{ name: "Pós-venda", published: true }] },
    campaigns: [{ name: "Antiga", numbers: [0], report: { sent: 1 }, replyFlow: "Pós-venda" }],
  });
  const { page } = app;
  await page.evaluate(() => {
    const { handlers } = window.__MOCK__.lib;
    const broken = () => { throw { code: "database_failed", message: "Não foi possível ler os dados deste computador." }; };
    handlers.flows_list = broken;
    handlers.numbers_list = broken;
  });
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Antiga" }).click();
  await page.getByTestId("campaign-flows-error").getByText("Não foi possível ler os dados deste computador.").waitFor();
  await page.getByTestId("campaign-numbers-error").getByText("Não foi possível ler os dados deste computador.").waitFor();
  assert.equal(await page.getByText("Número removido").count(), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a campaign is duplicated as a draft, reviewed in the editor with its settings and file, and started", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    campaigns: [{ name: "Black Friday", status: "done", numbers: [0], message: "Oi {{primeiro_nome}}, 50% hoje!", report: { sent: 3 }, mediaName: "cartaz.png", mediaMime: "image/png", mediaSize: 2048 }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByTestId("campaign-row").filter({ hasText: "Black Friday" }).getByRole("button", { name: "Duplicar Black Friday como rascunho" }).click();
  const draft = page.getByTestId("campaign-row").filter({ hasText: "Cópia de Black Friday" });
  await draft.getByTestId("campaign-status").filter({ hasText: /^Rascunho$/ }).waitFor();
  await page.getByText("Rascunho \"Cópia de Black Friday\" criado.", { exact: false }).waitFor();
  const original = await mockCampaign(app, "Black Friday");
  assert.deepEqual((await lastCall(app, "campaigns_duplicate")).args, { account: original.account_id, id: original.id, name: "Cópia de Black Friday" });
  assert.equal(await draft.getByRole("button", { name: "Cancelar campanha" }).count(), 0, "a draft is not running");

  await draft.getByRole("button", { name: "Revisar e iniciar" }).click();
  const editor = page.getByRole("dialog", { name: "Iniciar rascunho" });
  assert.equal(await editor.getByLabel("Nome da campanha").inputValue(), "Cópia de Black Friday");
  assert.equal(await editor.getByLabel("Mensagem", { exact: true }).inputValue(), "Oi {{primeiro_nome}}, 50% hoje!");
  await editor.getByTestId("campaign-media").filter({ hasText: "cartaz.png" }).waitFor();
  // Everyone but the opted-out contact, as the original's audience.
  await editor.getByTestId("recipient-count").filter({ hasText: /^3 destinatários$/ }).waitFor();
  await editor.getByRole("button", { name: "Criar campanha" }).click();
  await editor.waitFor({ state: "detached" });

  const started = await lastCall(app, "campaigns_start_draft");
  const copy = await page.evaluate(() => window.__MOCK__.state.startedDrafts[0]);
  assert.equal(started.args.keepFile, true, "the draft's file goes with it");
  assert.equal(copy.draft, started.args.draft);
  assert.deepEqual(started.args.input.numbers, original.numbers);
  await page.getByTestId("campaign-row").filter({ hasText: "Cópia de Black Friday" }).getByTestId("campaign-status").filter({ hasText: /^Enviando$/ }).waitFor();
  assert.equal((await mockCampaign(app, "Cópia de Black Friday")).media_name, "cartaz.png");
  assert.equal(await page.getByTestId("campaign-row").count(), 2, "the draft became the campaign");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a draft whose file is removed starts without it; a draft can be deleted, asking first", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    campaigns: [{ name: "Aviso", status: "cancelled", numbers: [0], mediaName: "aviso.pdf", mediaMime: "application/pdf", mediaSize: 100 }],
  });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  const duplicate = page.getByRole("button", { name: "Duplicar Aviso como rascunho" });
  await duplicate.click();
  const draft = page.getByTestId("campaign-row").filter({ hasText: "Cópia de Aviso" });
  await draft.waitFor();
  // Its name opens the editor, as "Revisar e iniciar" does.
  await draft.getByRole("button", { name: "Abrir Cópia de Aviso" }).click();
  const editor = page.getByRole("dialog", { name: "Iniciar rascunho" });
  await editor.getByTestId("campaign-media").getByRole("button", { name: "Remover" }).click();
  assert.equal(await editor.getByTestId("campaign-media").count(), 0);
  await editor.getByRole("button", { name: "Criar campanha" }).click();
  await editor.waitFor({ state: "detached" });
  assert.equal((await lastCall(app, "campaigns_start_draft")).args.keepFile, false);
  assert.equal((await mockCampaign(app, "Cópia de Aviso")).media_name, null);

  // Another copy, deleted: asks, and Cancelar keeps it.
  await duplicate.click();
  const second = page.getByTestId("campaign-row").filter({ hasText: "Cópia de Aviso" }).filter({ has: page.getByTestId("campaign-status").filter({ hasText: /^Rascunho$/ }) });
  await second.getByRole("button", { name: "Excluir rascunho" }).click();
  const confirm = page.getByRole("dialog", { name: "Excluir o rascunho?" });
  await confirm.getByRole("button", { name: "Cancelar" }).click();
  assert.equal((await callsOf(app, "campaigns_delete_draft")).length, 0);
  await second.getByRole("button", { name: "Excluir rascunho" }).click();
  await confirm.getByRole("button", { name: "Excluir rascunho" }).click();
  await second.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__MOCK__.state.campaigns.filter((c) => c.status === "draft").length), 0);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a draft started in another window while open is refused here: one campaign, the draft's own id", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Aviso", status: "draft", numbers: [0], message: "Aula extra sábado." }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByTestId("campaign-row").filter({ hasText: "Aviso" }).getByRole("button", { name: "Revisar e iniciar" }).click();
  const editor = page.getByRole("dialog", { name: "Iniciar rascunho" });
  await editor.getByTestId("recipient-count").filter({ hasText: /^3 destinatários$/ }).waitFor();
  // Another window starts it first.
  const draftId = await page.evaluate(() => {
    const { state, lib, changed } = window.__MOCK__;
    const d = state.campaigns[0];
    lib.handlers.campaigns_start_draft({ account: d.account_id, draft: d.id, keepFile: false,
      input: { name: d.name, message: d.message, audience: {}, numbers: d.numbers, pacing: d.pacing, starts_at: null, attachment: null, reply_flow: null } });
    changed(d.account_id, "campaigns");
    return d.id;
  });
  await editor.getByRole("button", { name: "Criar campanha" }).click();
  await editor.getByRole("alert").filter({ hasText: "Isto não é mais um rascunho: já foi iniciado" }).waitFor();
  const campaigns = await page.evaluate(() => window.__MOCK__.state.campaigns.map((c) => ({ id: c.id, status: c.status })));
  assert.deepEqual(campaigns, [{ id: draftId, status: "running" }], "started in place, once");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a draft's numbers and reply flow that no longer exist are taken out, said, and not sent", async () => {
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Aviso", status: "draft", numbers: [0], message: "Aula extra sábado." }] });
  const { page } = app;
  // Removed since the copy: a number and the reply flow.
  await page.evaluate(() => {
    const d = window.__MOCK__.state.campaigns[0];
    d.numbers = [...d.numbers, "0190f3b4-0000-7000-8000-00000000dead"];
    d.reply_flow_id = "0190f3b4-0000-7000-8000-00000000beef";
  });
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByTestId("campaign-row").filter({ hasText: "Aviso" }).getByRole("button", { name: "Revisar e iniciar" }).click();
  const editor = page.getByRole("dialog", { name: "Iniciar rascunho" });
  await editor.getByTestId("draft-numbers-gone").filter({ hasText: "Um número do rascunho não existe mais" }).waitFor();
  await editor.getByTestId("draft-flow-gone").waitFor();
  assert.equal(await editor.getByRole("checkbox", { name: /Vendas/ }).isChecked(), true, "the number that exists stays picked");
  await editor.getByRole("button", { name: "Criar campanha" }).click();
  await editor.waitFor({ state: "detached" });
  const started = (await lastCall(app, "campaigns_start_draft")).args.input;
  const vendas = await page.evaluate(() => window.__MOCK__.state.numbers[0].number.id);
  assert.deepEqual([started.numbers, started.reply_flow], [[vendas], null]);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the campaign's recipients inside the app: each one's number and state, filtered by state or a name, a hundred at a time", async () => {
  const many = Array.from({ length: 130 }, (_, i) => ({ phone: `+55119${String(i).padStart(8, "0")}`, name: `Cliente ${i}`, number: "Balcão", state: "sent", sent_at: Date.UTC(2026, 11, 7, 13, 0) }));
  const recipients = [
    { phone: "+5511987654321", name: "Maria Júlia", number: "Balcão", state: "replied" },
    { phone: "+5511912345678", name: null, number: null, state: "skipped", reason: "invalid_phone", reason_text: "telefone inválido" },
    { phone: "+5511955554444", name: "Zé", number: "Balcão", state: "failed", reason: "not on WhatsApp", reason_text: "not on WhatsApp" },
    ...many,
  ];
  const app = await openApp(browser, server.url, { ...BASE, campaigns: [{ name: "Aviso", status: "done", numbers: [0], report: { sent: 131, skipped: 1, failed: 1 }, recipients }] });
  const { page } = app;
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("button", { name: "Abrir Aviso" }).click();
  const section = page.getByRole("region", { name: "Destinatários" });
  await section.getByTestId("recipients-total").filter({ hasText: "133 no total" }).waitFor();
  assert.equal(await section.getByTestId("recipient").count(), 100);
  await section.getByRole("button", { name: "Mostrar mais" }).click();
  await section.getByTestId("recipient").nth(132).waitFor();
  assert.equal(await section.getByRole("button", { name: "Mostrar mais" }).count(), 0);

  await section.getByLabel("Situação").selectOption({ label: "Pulada" });
  await section.getByTestId("recipients-total").filter({ hasText: /^1 no total$/ }).waitFor();
  await section.getByTestId("recipient").nth(1).waitFor({ state: "detached" });
  assert.match(await section.getByTestId("recipient").textContent(), /Pulada · telefone inválido/);
  await section.getByLabel("Situação").selectOption({ label: "Todas as situações" });
  await section.getByTestId("recipients-total").filter({ hasText: "133 no total" }).waitFor();
  await section.getByLabel("Buscar por nome ou telefone").fill("maria julia");
  await section.getByTestId("recipients-total").filter({ hasText: /^1 no total$/ }).waitFor();
  await section.getByTestId("recipient").nth(1).waitFor({ state: "detached" });
  assert.match(await section.getByTestId("recipient").textContent(), /Maria Júlia.*Respondeu/);
  await section.getByLabel("Buscar por nome ou telefone").fill("ninguém");
  await section.getByTestId("recipients-none").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});
