// The Funil (pipeline) in real Chromium with the fake backend: the board with
// its columns, counts and values (BRL, pt-BR), a card dragged with the mouse
// to another stage (the move command, the card there, the totals updated),
// and "Mover para…" from the card's menu.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SEED = {
  screen: "pipeline",
  accounts: [{ name: "Academia Forma" }],
  users: [{ name: "Ana Operadora", email: "ana@agencia.com", role: "owner" }],
  me: 0,
  contacts: [
    { phone: "+5511911112222", name: "Ana Lima" },
    { phone: "+5521933334444", name: "Bruno Souza" },
    { phone: "+5531955556666", name: "Carla Dias" },
  ],
  pipeline: {
    stages: [{ name: "Novo" }, { name: "Proposta" }, { name: "Ganho" }],
    cards: [
      { contact: "+5511911112222", stage: "Novo", title: "Plano anual", value: 123456, owner: "ana@agencia.com" },
      { contact: "+5521933334444", stage: "Novo", value: 5000 },
      { contact: "+5531955556666", stage: "Proposta", value: 99990 },
    ],
  },
};

const column = (page, name) => page.getByRole("region", { name, exact: true });
const totalsOf = (page, name) => column(page, name).getByTestId("column-totals").textContent();
const cardIn = (page, stage, name) => column(page, stage).getByTestId("pipeline-card").filter({ hasText: name });
// Intl puts a no-break space after R$.
const plain = (s) => s.replace(/\u00a0/g, " ");
const totalsAre = async (page, name, text) => {
  await page.waitForFunction(([n, t]) => {
    const col = [...document.querySelectorAll("[data-testid=pipeline-column]")].find((c) => c.getAttribute("aria-label") === n);
    return col?.querySelector("[data-testid=column-totals]")?.textContent.replace(/\u00a0/g, " ") === t;
  }, [name, text]);
};

test("the board shows a column per stage with its count, total value in reais and cards", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await column(page, "Novo").waitFor();
  assert.equal(await page.getByRole("button", { name: /Funil/ }).getAttribute("aria-current"), "page");
  assert.equal(plain(await totalsOf(page, "Novo")), "2 cartões · R$ 1.284,56");
  assert.equal(plain(await totalsOf(page, "Proposta")), "1 cartão · R$ 999,90");
  assert.equal(plain(await totalsOf(page, "Ganho")), "0 cartões · R$ 0,00");
  const ana = cardIn(page, "Novo", "Ana Lima");
  assert.match(plain(await ana.textContent()), /Plano anual.*R\$ 1\.234,56.*Ana Operadora/);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a card dragged with the mouse to another stage is moved there and the totals follow", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const card = cardIn(page, "Novo", "Ana Lima");
  await card.waitFor();
  const from = await card.boundingBox();
  const to = await column(page, "Ganho").boundingBox();
  await page.mouse.move(from.x + 20, from.y + 12);
  await page.mouse.down();
  await page.mouse.move(from.x + 40, from.y + 20, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();

  await cardIn(page, "Ganho", "Ana Lima").waitFor();
  assert.equal(await cardIn(page, "Novo", "Ana Lima").count(), 0);
  const moves = (await app.calls()).filter((c) => c.cmd === "pipeline_cards_move");
  assert.equal(moves.length, 1);
  const ganho = await page.evaluate(() => window.__MOCK__.state.stages.find((s) => s.name === "Ganho").id);
  assert.deepEqual(moves[0].args.to, { stage: ganho, before: null });
  await totalsAre(page, "Ganho", "1 cartão · R$ 1.234,56");
  await totalsAre(page, "Novo", "1 cartão · R$ 50,00");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("“Mover para…” moves a card from its menu, with the keyboard too", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const bruno = cardIn(page, "Novo", "Bruno Souza");
  await bruno.getByRole("button", { name: "Mover para…" }).click();
  await bruno.getByRole("menuitem", { name: "Proposta" }).click();
  await cardIn(page, "Proposta", "Bruno Souza").waitFor();
  await totalsAre(page, "Proposta", "2 cartões · R$ 1.049,90");
  await totalsAre(page, "Novo", "1 cartão · R$ 1.234,56");

  // From the keyboard: focus the button, Enter, then the stage.
  const carla = cardIn(page, "Proposta", "Carla Dias");
  await carla.getByRole("button", { name: "Mover para…" }).focus();
  await page.keyboard.press("Enter");
  await carla.getByRole("menuitem", { name: "Ganho" }).focus();
  await page.keyboard.press("Enter");
  await cardIn(page, "Ganho", "Carla Dias").waitFor();
  await totalsAre(page, "Ganho", "1 cartão · R$ 999,90");
  const moves = (await app.calls()).filter((c) => c.cmd === "pipeline_cards_move");
  assert.equal(moves.length, 2);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("editing a card whose owner is not an operator of this desktop keeps that owner", async () => {
  const seed = structuredClone(SEED);
  // Set on another desktop: this one knows no operator with that e-mail.
  seed.pipeline.cards[1].owner = "rui@outra.com";
  const app = await openApp(browser, server.url, seed);
  const { page } = app;
  const bruno = cardIn(page, "Novo", "Bruno Souza");
  await bruno.getByText("rui@outra.com").waitFor();
  await bruno.getByRole("button", { name: "Editar" }).click();
  const dialog = page.getByRole("dialog", { name: "Editar cartão" });
  const owner = dialog.getByLabel("Responsável");
  assert.equal(await owner.locator("option:checked").textContent(), "rui@outra.com (não está neste computador)");
  await dialog.getByLabel("Título (opcional)").fill("Reforma");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.waitFor({ state: "detached" });
  await cardIn(page, "Novo", "Reforma").getByText("rui@outra.com").waitFor();
  let updates = (await app.calls()).filter((c) => c.cmd === "pipeline_cards_update");
  assert.deepEqual(updates.at(-1).args.input.owner, { kind: "keep" });

  // Taking the owner off is said outright.
  await cardIn(page, "Novo", "Reforma").getByRole("button", { name: "Editar" }).click();
  await dialog.getByLabel("Responsável").selectOption({ label: "Sem responsável" });
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.waitFor({ state: "detached" });
  await cardIn(page, "Novo", "Reforma").getByText("Sem responsável").waitFor();
  updates = (await app.calls()).filter((c) => c.cmd === "pipeline_cards_update");
  assert.deepEqual(updates.at(-1).args.input.owner, { kind: "clear" });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a stage's flow that Rust refuses to start is told in words, not as a code", async () => {
  const seed = structuredClone(SEED);
  seed.pipeline.stages[1].flowRefused = {
    code: "flow_not_published",
    pt_br: "Este fluxo ainda não foi publicado. Publique-o antes de usá-lo.",
    en: "This flow is not published yet. Publish it before using it.",
  };
  const app = await openApp(browser, server.url, seed);
  const { page } = app;
  const bruno = cardIn(page, "Novo", "Bruno Souza");
  await bruno.getByRole("button", { name: "Mover para…" }).click();
  await bruno.getByRole("menuitem", { name: "Proposta" }).click();
  await cardIn(page, "Proposta", "Bruno Souza").waitFor();
  const toast = page.locator(".toast.error");
  await toast.waitFor();
  assert.equal(await toast.textContent(),
    "Cartão movido, mas o fluxo da etapa não começou: Este fluxo ainda não foi publicado. Publique-o antes de usá-lo.");
  assert.doesNotMatch(await toast.textContent(), /flow_not_published/);
  assert.deepEqual(app.errors, []);
  await app.close();
});
