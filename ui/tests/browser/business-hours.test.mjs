// Settings → Horário de atendimento in real Chromium against the fake
// backend (mock-backend.mjs): hours with a lunch break, a Saturday morning,
// a holiday, the away message and campaigns kept to the hours saved as Rust
// receives them (and the campaign editor saying so); overlapping intervals
// refused with Rust's words; an agent sees it read-only.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = { accounts: [{ name: "Padaria Pão Quente" }] };
const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);

async function openPanel(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("form", { name: "Horário de atendimento" });
  await panel.getByRole("heading", { name: "Horário de atendimento" }).waitFor();
  return panel;
}

test("hours, a holiday and the away message are saved; overlapping intervals are refused with what to fix", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  const panel = await openPanel(page);
  await panel.getByLabel("Usar horário de atendimento").check();
  assert.equal(await panel.getByLabel("Fuso horário").inputValue(), "America/Sao_Paulo");

  // Saturday: closed, then 08:00–12:00.
  const saturday = panel.getByTestId("business-day").filter({ hasText: "Sábado" });
  await saturday.getByText("Fechado").waitFor();
  await saturday.getByRole("button", { name: "Adicionar horário na Sábado" }).click();
  assert.equal(await panel.getByLabel("Sábado: início do horário 1").inputValue(), "08:00");
  assert.equal(await panel.getByLabel("Sábado: fim do horário 1").inputValue(), "12:00");

  // Monday's afternoon made to start before lunch ends: refused by Rust's check.
  await panel.getByLabel("Segunda: início do horário 2").fill("11:00");
  await panel.getByRole("button", { name: "Salvar" }).click();
  await panel.getByTestId("business-hours-error").getByText(
    "Segunda: os horários 08:00–12:00 e 11:00–18:00 se sobrepõem ou estão fora de ordem. Coloque-os em ordem, sem sobreposição.",
  ).waitFor();
  // Nothing was saved.
  assert.deepEqual(await page.evaluate(() => Object.keys(window.__MOCK__.state.businessHours ?? {})), []);

  await panel.getByLabel("Segunda: início do horário 2").fill("13:00");
  await panel.getByLabel("Data do feriado").fill("2026-12-25");
  await panel.getByRole("button", { name: "Adicionar feriado" }).click();
  await panel.getByTestId("holidays").getByText("25/12/2026").waitFor();
  await panel.getByLabel("Responder fora do horário").check();
  await panel.getByLabel("Texto da mensagem").fill("Voltamos às 8h!");
  await panel.getByLabel("Campanhas enviam só dentro do horário de atendimento").check();
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Horário de atendimento salvo.").waitFor();
  assert.equal(await panel.getByTestId("business-hours-error").count(), 0);

  const saves = await callsOf(app, "business_hours_save");
  const sent = saves[saves.length - 1].args.hours;
  const office = [{ start: 480, end: 720 }, { start: 780, end: 1080 }];
  assert.deepEqual(sent.week, [office, office, office, office, office, [{ start: 480, end: 720 }], []]);
  assert.equal(sent.enabled, true);
  assert.deepEqual(sent.holidays, ["2026-12-25"]);
  assert.equal(sent.away_enabled, true);
  assert.equal(sent.away_message, "Voltamos às 8h!");
  assert.equal(sent.time_zone, "America/Sao_Paulo");
  assert.equal(sent.campaigns_in_hours, true);
  // Saved: nothing left to discard.
  assert.equal(await panel.getByRole("button", { name: "Descartar alterações" }).isDisabled(), true);

  // The campaign editor says that this account's campaigns wait for business hours.
  await page.getByRole("button", { name: "Campanhas" }).click();
  await page.getByRole("heading", { name: "Campanhas", exact: true }).waitFor();
  await page.getByRole("button", { name: "+ Nova campanha" }).first().click();
  await page.getByRole("dialog", { name: "Nova campanha" }).getByTestId("pacing-business-hours")
    .getByText("Esta conta envia campanhas só dentro do horário de atendimento", { exact: false }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an agent sees the business hours but cannot change them", async () => {
  const app = await openApp(browser, server.url, { ...BASE, users: [{ name: "Ana", role: "agent" }], me: 0 });
  const { page } = app;
  const panel = await openPanel(page);
  await panel.getByTestId("business-hours-read-only").getByText("Só donos e administradores podem mudar o horário de atendimento.").waitFor();
  assert.equal(await panel.getByLabel("Usar horário de atendimento").isDisabled(), true);
  assert.equal(await panel.getByLabel("Segunda: início do horário 1").isDisabled(), true);
  assert.equal(await panel.getByRole("button", { name: "Salvar" }).count(), 0);
  assert.equal(await panel.getByRole("button", { name: /^Adicionar horário/ }).count(), 0);
  await app.close();
});

test("a flow's condition block can ask whether the account is open by its business hours", async () => {
  const at = (x, y = 0) => ({ x, y });
  const document = {
    schema: 1, start: "cond",
    nodes: [
      { id: "cond", position: at(0), type: "condition", combine: "all", rules: [{ subject: { kind: "time_of_day" }, operator: "greater", value: "08:00" }] },
      { id: "fim", position: at(320), type: "end" },
    ],
    edges: [{ id: "e1", from: "cond", handle: "true", to: "fim" }, { id: "e2", from: "cond", handle: "false", to: "fim" }],
  };
  const app = await openApp(browser, server.url, { ...BASE, numbers: [{ name: "Balcão" }], automation: { flows: [{ name: "Expediente", document }] } });
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  await page.getByRole("button", { name: "Abrir o fluxo Expediente" }).click();
  await page.getByTestId("flow-canvas").waitFor();
  await page.locator('.react-flow__node[data-id="cond"]').click();
  await page.getByLabel("O que a regra 1 olha").selectOption({ label: "Horário de atendimento" });
  const operator = page.getByLabel("Comparação da regra 1");
  assert.deepEqual(await operator.locator("option").allTextContents(), ["está aberto agora", "está fechado agora (ou sem horário)"]);
  assert.equal(await page.getByLabel("Valor da regra 1").count(), 0, "no value to type");
  await operator.selectOption({ label: "está fechado agora (ou sem horário)" });
  await page.getByTestId("flow-revision").getByText(/^Salvo \(revisão \d+\)$/).waitFor();
  const draft = await page.evaluate(() => window.__MOCK__.state.flows.find((f) => f.name === "Expediente").draft);
  const rules = (typeof draft === "string" ? JSON.parse(draft) : draft).nodes.find((n) => n.id === "cond").rules;
  assert.deepEqual(rules, [{ subject: { kind: "business_hours" }, operator: "is_empty", value: "" }]);
  await app.close();
});
