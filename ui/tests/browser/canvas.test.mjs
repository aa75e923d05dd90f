// The flow canvas (React Flow) in real Chromium against the fake backend:
// blocks dragged from the palette and connected by their handles, a block
// edited in the side panel, undo/redo, copy/paste (also into another flow),
// delete; the draft saved as you go; problems listed and clickable to their
// block, publishing refused while an error remains; versions opened
// read-only and restored; the simulator's conversation drawn on the canvas;
// analytics drawn on blocks and lines.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  accounts: [{ name: "Padaria Pão Quente" }],
  numbers: [{ name: "Balcão" }],
  tags: [{ name: "VIP" }],
};

const at = (x, y = 0) => ({ x, y });
const menuFlow = {
  schema: 1, start: "oi",
  nodes: [
    { id: "oi", position: at(0), type: "send", content: { kind: "text", text: "Olá! Aqui é a padaria." }, typing_ms: 800 },
    {
      id: "menu", position: at(320), type: "menu", question: "Como podemos ajudar?",
      options: [{ id: "a", label: "Horários", synonyms: [] }, { id: "b", label: "Encomendas", synonyms: [] }], retry: "De novo?", tries: 2,
    },
    { id: "horas", position: at(640, -120), type: "send", content: { kind: "text", text: "Abrimos às 7h." }, typing_ms: 800 },
    { id: "pessoa", position: at(640, 120), type: "handoff", assign: null, note: "Encomenda" },
    { id: "fim", position: at(960, -120), type: "end" },
  ],
  edges: [
    { id: "e1", from: "oi", handle: "next", to: "menu" },
    { id: "e2", from: "menu", handle: "option:a", to: "horas" },
    { id: "e3", from: "menu", handle: "option:b", to: "pessoa" },
    { id: "e4", from: "menu", handle: "other", to: "pessoa" },
    { id: "e5", from: "horas", handle: "next", to: "fim" },
  ],
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);
const node = (page, id) => page.locator(`.react-flow__node[data-id="${id}"]`);
const draftOf = (page, name) => page.evaluate((n) => window.__MOCK__.state.flows.find((f) => f.name === n).draft, name);
const saved = (page) => page.getByTestId("flow-revision").getByText(/^Salvo \(revisão \d+\)$/).waitFor();

async function openFlow(page, name) {
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  await page.getByRole("button", { name: `Abrir o fluxo ${name}` }).click();
  await page.getByTestId("flow-canvas").waitFor();
}

/** Drags from a block's branch handle to another block's entry, as a person does with the mouse. */
async function connect(page, from, handle, to) {
  const source = await page.locator(`.react-flow__handle[data-nodeid="${from}"][data-handleid="${handle}"]`).boundingBox();
  const target = await page.locator(`.react-flow__handle[data-nodeid="${to}"][data-handleid="in"]`).boundingBox();
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + 3, target.y + 3, { steps: 8 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 2 });
  await page.mouse.up();
}

test("blocks dragged from the palette, connected by their handles, edited, undone and redone, copied and pasted, deleted; saved as you go", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Boas-vindas" }, { name: "Outro" }] } });
  const { page } = app;
  await openFlow(page, "Boas-vindas");
  // Rust's one-message starter: one block, the start.
  await node(page, "inicio").getByTestId("node-start").waitFor();
  await saved(page);

  // A menu dragged from the palette onto the canvas.
  const canvas = page.getByTestId("flow-canvas");
  const box = await canvas.boundingBox();
  await page.getByTestId("palette").getByRole("button", { name: "Adicionar bloco: Menu" })
    .dragTo(canvas, { targetPosition: { x: box.width - 150, y: 120 } });
  await node(page, "menu_1").waitFor();
  // An "end" added with a click (the keyboard's way): in the middle of the view.
  await page.getByTestId("palette").getByRole("button", { name: "Adicionar bloco: Fim" }).click();
  await node(page, "fim_1").waitFor();

  // Organizar: left to right, nothing covering anything.
  const placed = () => page.evaluate(() => JSON.stringify(window.__MOCK__.state.flows[0].draft.nodes.map((n) => n.position)));
  const before = await placed();
  await page.getByRole("button", { name: "Organizar" }).click();
  await page.waitForFunction((b) => JSON.stringify(window.__MOCK__.state.flows[0].draft.nodes.map((n) => n.position)) !== b, before);
  // The view is fitted to the new places a frame later.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // The message's "Em seguida" handle dragged onto the menu; the menu's other branch onto the end.
  await connect(page, "inicio", "next", "menu_1");
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.edges.length === 1);
  // Organised again: now the menu comes after the message.
  await page.getByRole("button", { name: "Organizar" }).click();
  await page.waitForFunction(() => {
    const [a, b] = ["inicio", "menu_1"].map((id) => window.__MOCK__.state.flows[0].draft.nodes.find((n) => n.id === id).position.x);
    return a < b;
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await connect(page, "menu_1", "other", "fim_1");
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.edges.length === 2);
  let draft = await draftOf(page, "Boas-vindas");
  assert.deepEqual(draft.edges.map((e) => [e.from, e.handle, e.to]).sort(), [["inicio", "next", "menu_1"], ["menu_1", "other", "fim_1"]]);
  // A branch leads to one block: dragged again to another block, it moves there.
  await connect(page, "menu_1", "other", "inicio");
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.edges.some((e) => e.handle === "other" && e.to === "inicio"));
  assert.equal((await draftOf(page, "Boas-vindas")).edges.filter((e) => e.from === "menu_1" && e.handle === "other").length, 1);

  // The menu edited in the side panel: its question and first option, drawn on the block.
  await node(page, "menu_1").click();
  const editor = page.getByRole("complementary", { name: "Editar o bloco menu_1" });
  await editor.getByLabel("Pergunta").fill("Qual setor?");
  await editor.getByLabel("Opção 1", { exact: true }).fill("Vendas");
  await node(page, "menu_1").getByText("Qual setor?").waitFor();
  await node(page, "menu_1").getByText("1. Vendas").waitFor();
  // Option 1 connected from the panel's select (the keyboard's way to draw a line).
  await editor.getByLabel("1. Vendas leva a").selectOption("fim_1");
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.nodes.find((n) => n.id === "menu_1")?.question === "Qual setor?"
    && window.__MOCK__.state.flows[0].draft.edges.some((e) => e.handle === "option:a" && e.to === "fim_1"));
  await saved(page);

  // Undo walks back the select, the option's name, the question (typed words are one step each); redo brings them back.
  const undo = page.getByRole("button", { name: "Desfazer" });
  await undo.click();
  await undo.click();
  await node(page, "menu_1").getByText("1. (opção sem nome)").waitFor();
  await undo.click();
  await node(page, "menu_1").getByText("(sem pergunta)").waitFor();
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.nodes.find((n) => n.id === "menu_1")?.question === "");
  // Ctrl+Shift+Z on the canvas redoes.
  await canvas.focus();
  await page.keyboard.press("Control+Shift+Z");
  await node(page, "menu_1").getByText("Qual setor?").waitFor();
  await page.getByRole("button", { name: "Refazer" }).click();
  await node(page, "menu_1").getByText("1. Vendas").waitFor();

  // Copied and pasted: a new block under a new id; Delete takes it away again.
  await node(page, "menu_1").click();
  await page.getByRole("button", { name: "Copiar", exact: true }).click();
  await page.getByText("1 bloco(s) copiado(s)", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Colar", exact: true }).click();
  await node(page, "menu_2").getByText("Qual setor?").waitFor();
  await canvas.focus();
  await page.keyboard.press("Delete");
  await node(page, "menu_2").waitFor({ state: "detached" });
  // The start block is never deleted.
  await node(page, "inicio").click();
  await page.keyboard.press("Delete");
  assert.equal(await node(page, "inicio").count(), 1);

  // Moved with the arrow keys (React Flow's keyboard move): saved, one undo step.
  const x0 = (await draftOf(page, "Boas-vindas")).nodes.find((n) => n.id === "inicio").position.x;
  await node(page, "inicio").click();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press("ArrowRight");
  await page.waitForFunction((x) => window.__MOCK__.state.flows[0].draft.nodes.find((n) => n.id === "inicio").position.x > x, x0);
  await page.getByRole("button", { name: "Desfazer" }).click();
  await page.waitForFunction((x) => window.__MOCK__.state.flows[0].draft.nodes.find((n) => n.id === "inicio").position.x === x, x0);

  // Pasted into another flow of the account.
  await page.getByRole("button", { name: "← Fluxos" }).click();
  await page.getByRole("button", { name: "Abrir o fluxo Outro" }).click();
  await page.getByTestId("flow-canvas").waitFor();
  await page.getByRole("button", { name: "Colar", exact: true }).click();
  await node(page, "menu_1").getByText("Qual setor?").waitFor();
  await page.waitForFunction(() => window.__MOCK__.state.flows.find((f) => f.name === "Outro").draft.nodes.some((n) => n.id === "menu_1"));
  draft = await draftOf(page, "Boas-vindas");
  assert.equal(draft.nodes.length, 3);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("problems listed and clickable to their block; publish refused while an error remains; published, an old version opened read-only and restored", async () => {
  const broken = structuredClone(menuFlow);
  broken.edges = broken.edges.filter((e) => e.id !== "e3");
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Atendimento", document: broken }] } });
  const { page } = app;
  await openFlow(page, "Atendimento");
  const problems = page.getByTestId("findings");
  await problems.getByText("A saída \"option:b\" não leva a nenhum bloco.", { exact: false }).waitFor();
  await node(page, "menu").getByTestId("node-problems").getByText("1 erro(s)").waitFor();
  const publish = page.getByRole("button", { name: "Publicar", exact: true });
  assert.ok(await publish.isDisabled());
  // The problem's block name takes the canvas there and opens it.
  await problems.getByRole("button", { name: "Mostrar o bloco menu" }).click();
  const editor = page.getByRole("complementary", { name: "Editar o bloco menu" });
  await editor.getByTestId("node-findings").waitFor();
  await editor.getByLabel("2. Encomendas leva a").selectOption("pessoa");
  await page.getByRole("tab", { name: /^Problemas/ }).click();
  await page.getByTestId("no-problems").waitFor();
  await publish.click();
  await page.getByText("Fluxo publicado: versão 1.").waitFor();
  await page.getByTestId("flow-status").getByText("Publicado v1").waitFor();

  // A change, then version 1 opened read-only: nothing on the canvas can be changed.
  await page.getByRole("tab", { name: "Bloco" }).click();
  await editor.getByLabel("Pergunta").fill("Em que posso ajudar?");
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.nodes[1].question === "Em que posso ajudar?");
  await page.getByRole("tab", { name: "Versões" }).click();
  await page.getByTestId("flow-version").filter({ hasText: "Versão 1" }).getByText("por Ana", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Abrir a versão 1" }).click();
  await page.getByTestId("viewing-version").getByText("Você está vendo a versão 1, só para leitura.").waitFor();
  await node(page, "menu").getByText("Como podemos ajudar?").waitFor();
  assert.ok(await page.getByTestId("palette").getByRole("button", { name: "Adicionar bloco: Menu" }).isDisabled());
  await node(page, "menu").click();
  await page.getByRole("tab", { name: "Bloco" }).click();
  assert.ok(await page.getByRole("complementary", { name: "Editar o bloco menu" }).getByLabel("Pergunta").evaluate((el) => el.readOnly));
  // Undo does nothing to the draft while an old version is shown: back on the draft, the change is there.
  await page.getByTestId("flow-canvas").focus();
  await page.keyboard.press("Control+Z");
  await page.getByTestId("viewing-version").getByRole("button", { name: "Voltar ao rascunho" }).click();
  await node(page, "menu").getByText("Em que posso ajudar?").waitFor();
  await page.getByRole("tab", { name: "Versões" }).click();
  await page.getByRole("button", { name: "Abrir a versão 1" }).click();
  await node(page, "menu").getByText("Como podemos ajudar?").waitFor();
  // Restored as the draft.
  await page.getByTestId("viewing-version").getByRole("button", { name: "Restaurar como rascunho" }).click();
  await page.getByRole("dialog", { name: "Restaurar a versão 1" }).getByRole("button", { name: "Restaurar como rascunho" }).click();
  await page.getByText("Versão 1 restaurada como rascunho.").waitFor();
  await page.getByTestId("viewing-version").waitFor({ state: "detached" });
  assert.equal((await draftOf(page, "Atendimento")).nodes[1].question, "Como podemos ajudar?");
  assert.ok(await page.getByTestId("palette").getByRole("button", { name: "Adicionar bloco: Menu" }).isEnabled());
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a draft saved on another desktop: taken when nothing is unsaved here; a save from the old revision is refused and Recarregar shows theirs", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Atendimento", document: menuFlow }] } });
  const { page } = app;
  await openFlow(page, "Atendimento");
  await page.getByTestId("flow-revision").getByText("Salvo (revisão 1)").waitFor();
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const flow = state.flows[0];
    flow.draft = { ...flow.draft, nodes: flow.draft.nodes.map((n) => (n.id === "oi" ? { ...n, content: { kind: "text", text: "Bom dia!" } } : n)) };
    flow.revision = 2;
    changed(flow.account_id, "flows");
  });
  await node(page, "oi").getByText("Bom dia!").waitFor();
  await page.getByTestId("flow-revision").getByText("Salvo (revisão 2)").waitFor();
  // Two desktops saved at once and the shared database kept the other's row:
  // the same revision with another draft is another draft, taken here too,
  // and this desktop's save that it replaced is said, and can be taken back.
  await node(page, "oi").click();
  await page.getByRole("complementary", { name: "Editar o bloco oi" }).getByLabel("Mensagem").fill("Olá de novo!");
  await page.getByTestId("flow-revision").getByText("Salvo (revisão 3)").waitFor();
  await page.evaluate(() => {
    const { state, changed } = window.__MOCK__;
    const flow = state.flows[0];
    flow.draft = { ...flow.draft, nodes: flow.draft.nodes.map((n) => (n.id === "oi" ? { ...n, content: { kind: "text", text: "Boa tarde!" } } : n)) };
    changed(flow.account_id, "flows");
  });
  await node(page, "oi").getByText("Boa tarde!").waitFor();
  const over = page.getByTestId("flow-overwritten");
  await over.getByText("Outro computador salvou este rascunho ao mesmo tempo que você", { exact: false }).waitFor();
  await over.getByRole("button", { name: "Voltar à minha versão" }).click();
  await node(page, "oi").getByText("Olá de novo!").waitFor();
  await page.waitForFunction(() => window.__MOCK__.state.flows[0].draft.nodes[0].content.text === "Olá de novo!");
  await page.getByTestId("flow-revision").getByText("Salvo (revisão 4)").waitFor();
  await over.waitFor({ state: "detached" });

  // Saved elsewhere again before this desktop heard of it; a change here is
  // refused, not written over theirs. The other desktop's save lands just
  // before this one reaches Rust: set any earlier, a refetch still on its
  // way from the last save (the write's, then the `changed` event's) could
  // bring it first, and the UI would rightly take it.
  await page.evaluate(() => {
    const { state, lib: { handlers } } = window.__MOCK__;
    const save = handlers.flows_save_draft;
    handlers.flows_save_draft = (args) => {
      handlers.flows_save_draft = save;
      const flow = state.flows[0];
      flow.draft = { ...flow.draft, nodes: flow.draft.nodes.map((n) => (n.id === "oi" ? { ...n, content: { kind: "text", text: "Versão do outro computador" } } : n)) };
      flow.revision = 5;
      return save(args);
    };
  });
  await node(page, "oi").click();
  await page.getByRole("complementary", { name: "Editar o bloco oi" }).getByLabel("Mensagem").fill("Minha versão");
  // Refused by Rust at the save: said, and nothing written over theirs.
  const held = page.getByTestId("flow-stale");
  await held.getByText(/alterado em outro lugar/).waitFor();
  assert.ok((await callsOf(app, "flows_save_draft")).every((c) => c.args.revision <= 4));
  assert.equal((await draftOf(page, "Atendimento")).nodes[0].content.text, "Versão do outro computador");
  await page.getByTestId("flow-revision").getByText(/^(Não salvo: salvo em outro computador|Alterações não salvas)$/).waitFor();
  await held.getByRole("button", { name: "Recarregar" }).click();
  await node(page, "oi").getByText("Versão do outro computador").waitFor();
  await page.getByTestId("flow-revision").getByText("Salvo (revisão 5)").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("the simulator plays the draft on the canvas: the contact's answers, the bot's messages, the path highlighted", async () => {
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Atendimento", document: menuFlow, published: true }] } });
  const { page } = app;
  await openFlow(page, "Atendimento");
  await page.getByRole("tab", { name: "Simular" }).click();
  const sim = page.getByTestId("simulator");
  await sim.getByRole("button", { name: "Começar" }).click();
  await sim.getByTestId("sim-bot").filter({ hasText: "Olá! Aqui é a padaria." }).waitFor();
  await sim.getByTestId("sim-bot").filter({ hasText: "1 - Horários" }).waitFor();
  // The path so far on the canvas; the menu is where it waits.
  await page.locator('.react-flow__node[data-id="menu"] .flow-node.sim-current').waitFor();
  await page.locator('.react-flow__node[data-id="oi"] .flow-node.sim-path').waitFor();
  assert.equal(await page.locator('.react-flow__node[data-id="horas"] .flow-node.sim-path').count(), 0);
  await sim.getByTestId("sim-state").getByText("Esperando a resposta do contato no bloco menu.").waitFor();

  await sim.getByLabel("Mensagem do contato").fill("1");
  await sim.getByRole("button", { name: "Enviar" }).click();
  await sim.getByTestId("sim-contact").filter({ hasText: "1" }).waitFor();
  await sim.getByTestId("sim-bot").filter({ hasText: "Abrimos às 7h." }).waitFor();
  await sim.getByTestId("sim-state").getByText("Fim: chegou ao fim").waitFor();
  await page.locator('.react-flow__node[data-id="horas"] .flow-node.sim-path').waitFor();
  await page.locator(".react-flow__edge.sim-path").first().waitFor();
  // What was simulated is what is on the canvas, sent to Rust as the document.
  const [opened] = await callsOf(app, "flows_simulate_open");
  assert.deepEqual(opened.args.source, { kind: "document", document: menuFlow });
  // A published version, picked by id (two may share a number), played instead.
  const version = await page.evaluate(() => window.__MOCK__.state.flowVersions[0].id);
  await sim.getByLabel("O que simular").selectOption(version);
  await sim.getByRole("button", { name: "Recomeçar" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.filter((c) => c.cmd === "flows_simulate_open").length === 2);
  assert.deepEqual((await callsOf(app, "flows_simulate_open")).at(-1).args.source, { kind: "version_id", id: version });
  await sim.getByTestId("sim-state").getByText("Esperando a resposta do contato no bloco menu.").waitFor();
  // Leaving the panel closes the simulation's throwaway store.
  await page.getByRole("tab", { name: "Problemas" }).click();
  // Two closed: the draft's at "Recomeçar", the version's now.
  await page.waitForFunction(() => window.__MOCK__.calls.filter((c) => c.cmd === "flows_simulate_close").length === 2);
  await page.locator(".flow-node.sim-path").first().waitFor({ state: "detached" });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("analytics: the backend's counts drawn on the blocks and lines, and the flow's totals", async () => {
  const analytics = {
    started: 10, completed: 4, handed_off: 3, dropped: 2, active: 1, went_to: 0,
    nodes: [
      { node: "oi", entered: 10, went_on: 10, waiting: 0, completed: 0, handed_off: 0, timed_out: 0, dropped: 0 },
      { node: "menu", entered: 10, went_on: 7, waiting: 1, completed: 0, handed_off: 0, timed_out: 0, dropped: 2 },
      { node: "horas", entered: 4, went_on: 4, waiting: 0, completed: 0, handed_off: 0, timed_out: 0, dropped: 0 },
      { node: "pessoa", entered: 3, went_on: 0, waiting: 0, completed: 0, handed_off: 3, timed_out: 0, dropped: 0 },
      { node: "fim", entered: 4, went_on: 0, waiting: 0, completed: 4, handed_off: 0, timed_out: 0, dropped: 0 },
    ],
    edges: [
      { from: "oi", handle: "next", taken: 10 },
      { from: "menu", handle: "option:a", taken: 4 },
      { from: "menu", handle: "option:b", taken: 2 },
      { from: "menu", handle: "other", taken: 1 },
      { from: "horas", handle: "next", taken: 4 },
    ],
  };
  const app = await openApp(browser, server.url, { ...BASE, automation: { flows: [{ name: "Atendimento", document: menuFlow, published: true, analytics }] } });
  const { page } = app;
  await openFlow(page, "Atendimento");
  await page.getByRole("tab", { name: "Desempenho" }).click();
  const totals = page.getByTestId("flow-totals");
  await totals.getByText("Iniciadas").waitFor();
  assert.match(await totals.innerText(), /Iniciadas\s+10\s+Concluídas\s+4\s+Passadas a atendente\s+3\s+Foram para outro fluxo\s+0\s+Abandonadas\s+2\s+Em andamento\s+1/);
  await node(page, "menu").getByTestId("node-stats").getByText("10 entraram").waitFor();
  await node(page, "menu").getByTestId("node-stats").getByText("2 pararam aqui").waitFor();
  await node(page, "menu").getByTestId("node-stats").getByText("1 esperando").waitFor();
  await node(page, "pessoa").getByTestId("node-stats").getByText("3 pararam aqui").waitFor();
  // The lines carry how many went along them.
  const labels = await page.locator(".react-flow__edge-textwrapper, .react-flow__edge-text").allTextContents();
  assert.ok(["10", "4", "2", "1"].every((n) => labels.includes(n)), labels.join(","));
  // A longer period is asked for from Rust.
  await page.getByLabel("Período").selectOption("90");
  await page.waitForFunction(() => (window.__MOCK__.state.analyticsAsked ?? []).length >= 2);
  const asked = await page.evaluate(() => window.__MOCK__.state.analyticsAsked);
  // From 90 days back, with no end: conversations started while the panel is open count too.
  assert.equal(Math.round((asked[0].from - asked[1].from) / 86_400_000), 60);
  assert.equal(asked[1].to, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(app.errors, []);
  await app.close();
});
