// The Painel as a dashboard, in real Chromium against the fake backend
// (mock-backend.mjs + mock-reports.mjs): charts drawn by recharts from the
// report Rust answers, each chart's table showing the same numbers, deltas
// against the previous period, the CSV button asking Rust for that table of
// that scope and period, the switch to all accounts, the reports per
// operator and per number, and the empty state. The figures themselves are
// Rust's, tested with known answers in crates/core/tests/integration/reports.rs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const d = (count = 0, median = null, p90 = null) => ({ count, median_ms: median, p90_ms: p90 });
const totals = (x) => ({
  messages_in: 0, messages_out: 0, new_contacts: 0, conversations_opened: 0, conversations_resolved: 0,
  first_response: d(), resolution: d(), campaign_messages: 0, flows_started: 0, flows_completed: 0, flows_handed_off: 0, ...x,
});
const MIN = 60_000;
const padaria = {
  from: "", to: "", previous_from: "2026-11-01", previous_to: "2026-11-03",
  days: [
    { date: "2026-11-04", messages_in: 12, messages_out: 9, new_contacts: 4 },
    { date: "2026-11-05", messages_in: 7, messages_out: 11, new_contacts: 1 },
    { date: "2026-11-06", messages_in: 11, messages_out: 5, new_contacts: 3 },
  ],
  totals: totals({ messages_in: 30, messages_out: 25, new_contacts: 8, conversations_opened: 6, conversations_resolved: 4, first_response: d(5, 20 * MIN, 105 * MIN), resolution: d(4, 2 * 60 * MIN, 150 * MIN), flows_started: 5, flows_completed: 3, flows_handed_off: 1 }),
  previous: totals({ messages_in: 20, messages_out: 25, new_contacts: 0, conversations_resolved: 2, first_response: d(2, 40 * MIN, 40 * MIN) }),
  waiting: { open: 3, pending: 2 },
  operators: [
    { user_id: "0190f3b4-0000-7000-8000-00000000aaaa", name: "Ana", conversations: 4, messages_sent: 15, resolved: 3, first_response: d(3, 105 * MIN, 105 * MIN), resolution: d(3, 150 * MIN, 150 * MIN) },
    { user_id: "0190f3b4-0000-7000-8000-00000000bbbb", name: "Bruno", conversations: 2, messages_sent: 10, resolved: 1, first_response: d(2, 5 * MIN, 20 * MIN), resolution: d(1, 120 * MIN, 120 * MIN) },
  ],
  campaigns: [],
  numbers: [{ account_id: "", instance_id: "0190f3b4-0000-7000-8000-00000000cccc", name: "Loja", kind: "sandbox", phone: null, status: "connected", sent_today: 37, daily_cap: 110, warmup_day: 8, warmup_days: 14, messages_in: 30, messages_out: 25, failed: 2 }],
  accounts: [],
};
const agency = {
  ...padaria,
  totals: totals({ messages_in: 45, messages_out: 31, new_contacts: 9 }),
  previous: totals({ messages_in: 45 }),
  accounts: [
    { account_id: "a", name: "Padaria Pão Quente", time_zone: "America/Sao_Paulo", totals: totals({ messages_in: 30, messages_out: 25 }), previous: totals(), waiting: { open: 3, pending: 2 } },
    { account_id: "b", name: "Sorveteria do Zé", time_zone: "America/Sao_Paulo", totals: totals({ messages_in: 15, messages_out: 6 }), previous: totals(), waiting: { open: 0, pending: 0 } },
  ],
};
const SEED = {
  screen: "dashboard",
  accounts: [{ name: "Padaria Pão Quente" }, { name: "Sorveteria do Zé" }],
  reports: { accounts: [padaria], agency },
};

const iso = (date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
const daysAgo = (n) => { const t = new Date(); return iso(new Date(t.getFullYear(), t.getMonth(), t.getDate() - n)); };
const panel = (page, name) => page.getByRole("region", { name, exact: true });
const tableOf = async (region) => region.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));

test("charts are drawn from the report and each table shows the same numbers", async () => {
  const { page, errors } = await openApp(browser, server.url, SEED);
  const messages = panel(page, "Mensagens por dia");
  await messages.locator("svg.recharts-surface").first().waitFor();
  // Two lines (in, out) over the three days.
  assert.equal(await messages.locator(".recharts-line").count(), 2);
  const contacts = panel(page, "Contatos novos por dia");
  await contacts.locator(".recharts-bar-rectangle").first().waitFor();
  assert.equal(await contacts.locator(".recharts-bar-rectangle").count(), 3);

  await messages.getByRole("button", { name: "Tabela" }).click();
  assert.deepEqual(await tableOf(messages), [["2026-11-04", "12", "9"], ["2026-11-05", "7", "11"], ["2026-11-06", "11", "5"]]);
  await contacts.getByRole("button", { name: "Tabela" }).click();
  assert.deepEqual(await tableOf(contacts), [["2026-11-04", "4"], ["2026-11-05", "1"], ["2026-11-06", "3"]]);
  const times = panel(page, "Tempos de atendimento (horário comercial)");
  await times.getByRole("button", { name: "Tabela" }).click();
  assert.deepEqual(await tableOf(times), [["Primeira resposta", "20 min", "1 h 45 min", "40 min"], ["Resolução", "2 h", "2 h 30 min", "–"]]);
  const operators = panel(page, "Conversas por operador");
  await operators.locator(".recharts-bar-rectangle").first().waitFor();
  await operators.getByRole("button", { name: "Tabela" }).click();
  assert.deepEqual(await tableOf(operators), [["Ana", "4", "15", "3"], ["Bruno", "2", "10", "1"]]);
  // Back to the chart.
  await messages.getByRole("button", { name: "Gráfico" }).click();
  await messages.locator("svg.recharts-surface").first().waitFor();

  // Deltas against the previous period.
  assert.equal(await page.getByTestId("delta-in").textContent(), "+50% vs. período anterior");
  assert.equal(await page.getByTestId("delta-out").textContent(), "0% vs. período anterior");
  assert.equal(await page.getByTestId("delta-contacts").textContent(), "sem período anterior para comparar");
  assert.equal(await page.getByTestId("delta-first-response").textContent(), "-50% vs. período anterior");
  // The first run's checklist stays above, and the place for plans and the pipeline is there.
  await page.getByTestId("dashboard-extras").waitFor({ state: "attached" });
  assert.deepEqual(errors, []);
});

test("CSV asks Rust for that chart's table, scope and period; the period and scope switch", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const exports = () => page.evaluate(() => window.__MOCK__.state.reportExports);
  await panel(page, "Conversas por operador").getByRole("button", { name: "CSV" }).click();
  await page.getByText("Relatório salvo em /home/ana/Documentos/relatorio.csv").waitFor();
  const padariaId = await page.evaluate(() => window.__MOCK__.state.accounts[0].id);
  assert.deepEqual(await exports(), [{ scope: "account", account: padariaId, range: { from: daysAgo(29), to: daysAgo(0) }, table: "operators" }]);

  // Last 7 days.
  await page.getByRole("combobox", { name: "Período" }).selectOption({ label: "Últimos 7 dias" });
  await panel(page, "Mensagens por dia").getByRole("button", { name: "CSV" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.reportExports.length === 2);
  assert.deepEqual((await exports())[1], { scope: "account", account: padariaId, range: { from: daysAgo(6), to: daysAgo(0) }, table: "days" });
  const asked = (await app.calls()).filter((c) => c.cmd === "reports_account");
  assert.deepEqual(asked[asked.length - 1].args.range, { from: daysAgo(6), to: daysAgo(0) });

  // All accounts: the agency's figures and a chart per account.
  await page.getByRole("button", { name: "Todas as contas" }).click();
  await page.getByRole("heading", { name: "Todas as contas", level: 1 }).waitFor();
  const accounts = panel(page, "Mensagens por conta");
  await accounts.locator(".recharts-bar-rectangle").first().waitFor();
  await page.locator("[data-kpi=in] strong").filter({ hasText: /^45$/ }).waitFor();
  await accounts.getByRole("button", { name: "Tabela" }).click();
  assert.deepEqual(await tableOf(accounts), [["Padaria Pão Quente", "30", "25"], ["Sorveteria do Zé", "15", "6"]]);
  await accounts.getByRole("button", { name: "CSV" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.reportExports.length === 3);
  assert.deepEqual((await exports())[2], { scope: "agency", range: { from: daysAgo(6), to: daysAgo(0) }, table: "accounts" });
  assert.ok((await app.calls()).some((c) => c.cmd === "reports_agency"));

  // A custom period that ends before it starts is not asked for.
  await page.getByRole("combobox", { name: "Período" }).selectOption({ label: "Personalizado" });
  await page.getByLabel("De", { exact: true }).fill("2026-11-10");
  await page.getByLabel("Até", { exact: true }).fill("2026-11-01");
  await page.getByText("Escolha uma data inicial e uma final, a final depois da inicial.").waitFor();
});

test("the agency names an account it could not work out, with Rust's reason in the interface's language", async () => {
  const failed = [{
    account_id: "b", name: "Sorveteria do Zé", code: "business_hours_invalid",
    reason_pt_br: "O horário de atendimento salvo nesta conta não pôde ser lido. Salve-o de novo em Configurações → Horário de atendimento.",
    reason_en: "The business hours saved in this account could not be read. Save them again in Settings → Business hours.",
  }];
  const partial = { ...agency, accounts: agency.accounts.slice(0, 1), failed };
  for (const [language, button, heading, intro, reason] of [
    ["pt-BR", "Todas as contas", "Todas as contas", "Contas que ficaram fora destes números", failed[0].reason_pt_br],
    ["en", "All accounts", "All accounts", "Accounts left out of these figures", failed[0].reason_en],
  ]) {
    const { page } = await openApp(browser, server.url, { ...SEED, language, reports: { accounts: [padaria], agency: partial } });
    // One account's own dashboard says nothing of it.
    await page.locator("[data-kpi=in] strong").filter({ hasText: /^30$/ }).waitFor();
    assert.equal(await page.getByTestId("report-failed").count(), 0);
    await page.getByRole("button", { name: button }).click();
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    const alert = page.getByTestId("report-failed");
    await alert.waitFor();
    assert.match(await alert.textContent(), new RegExp(intro));
    assert.equal(await alert.locator("li").textContent(), `Sorveteria do Zé: ${reason}`);
    // The other account's figures are still there.
    await page.locator("[data-kpi=in] strong").filter({ hasText: /^45$/ }).waitFor();
  }
});

test("the reports tab: per operator and per number", async () => {
  const { page } = await openApp(browser, server.url, SEED);
  await page.getByRole("tab", { name: "Relatórios" }).click();
  const ops = panel(page, "Por operador");
  assert.deepEqual(await tableOf(ops), [
    ["Ana", "4", "15", "3", "1 h 45 min", "1 h 45 min", "2 h 30 min", "2 h 30 min"],
    ["Bruno", "2", "10", "1", "5 min", "20 min", "2 h", "2 h"],
  ]);
  const numbers = panel(page, "Por número");
  const [row] = await tableOf(numbers);
  assert.deepEqual(row, ["Loja", "Conectado", " 37 de 110", "Dia 8 de 14", "30", "25", "2"]);
  await numbers.getByRole("button", { name: "CSV" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.reportExports.some((e) => e.table === "numbers"));
});

test("an account where nothing happened says so", async () => {
  const { page } = await openApp(browser, server.url, { ...SEED, reports: {} });
  await page.getByRole("heading", { name: "Nada aconteceu neste período" }).waitFor();
  assert.equal(await page.locator("svg.recharts-surface").count(), 0);
});

test("below the figures: the plan's usage and the pipeline's cards and value per stage, per account for the agency", async () => {
  const { page, errors } = await openApp(browser, server.url, {
    ...SEED,
    contacts: [{ phone: "+5511987654321", name: "Maria" }, { phone: "+5511912345678", name: "João" }],
    pipeline: {
      stages: [{ name: "Novo" }, { name: "Proposta" }],
      cards: [
        { contact: "+5511987654321", stage: "Novo", value: 150000 },
        { contact: "+5511912345678", stage: "Proposta", value: 99990 },
      ],
    },
  });
  const usage = page.getByTestId("dashboard-plan-usage");
  await usage.getByTestId("plan-usage-contacts").waitFor();
  const pipeline = page.getByTestId("dashboard-pipeline");
  await pipeline.locator("tbody tr").first().waitFor();
  const rows = (await tableOf(pipeline)).map((r) => r.map((c) => c.replace(/\u00a0/g, " ").trim()));
  assert.deepEqual(rows, [["Novo", "1", "R$ 1.500,00"], ["Proposta", "1", "R$ 999,90"]]);

  // The whole agency: each account's usage under its name.
  await page.getByRole("button", { name: "Todas as contas" }).click();
  await usage.getByRole("heading", { name: "Sorveteria do Zé" }).waitFor();
  assert.equal(await usage.getByTestId("plan-usage").count(), 2);
  assert.deepEqual(errors, []);
});
