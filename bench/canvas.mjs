// The flow canvas with a 300-block flow, in the real Chromium (issue 16's
// goals: open < 500 ms, a drag frame < 16 ms), against the UI's fake
// backend (ui/tests/browser/harness.mjs), beside the same steps on a
// 3-block flow (the floor: React Flow and the page themselves).
//   open: from the click on "Abrir o fluxo" until the blocks are drawn and a
//         frame has passed;
//   drag: a block dragged across the canvas in 60 mouse moves; the time
//         between animation frames while it moves;
//   undo: from the click on "Desfazer" until the block is back and a frame
//         has passed.
// Usage: (cd ui && npx vite build) && node bench/canvas.mjs [--rounds N]
import { launch, openApp, startServer } from "../ui/tests/browser/harness.mjs";

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;

/** A long conversation as a canvas draws it: messages with a menu every ten blocks, in rows of 20. */
function flow(size) {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < size; i += 1) {
    const position = { x: (i % 20) * 280, y: Math.floor(i / 20) * 170 };
    const id = `b${i}`;
    if (i === size - 1) nodes.push({ id, position, type: "end" });
    else if (i % 10 === 5) {
      nodes.push({ id, position, type: "menu", question: `Pergunta ${i}?`, options: [{ id: "a", label: "Sim", synonyms: [] }, { id: "b", label: "Não", synonyms: [] }], retry: "De novo?", tries: 2 });
      for (const h of ["option:a", "option:b", "other"]) edges.push({ id: `e${edges.length}`, from: id, handle: h, to: `b${i + 1}` });
    } else {
      nodes.push({ id, position, type: "send", content: { kind: "text", text: `Mensagem ${i}: {Olá|Oi}, {{nome}}!` }, typing_ms: 800 });
      edges.push({ id: `e${edges.length}`, from: id, handle: "next", to: `b${i + 1}` });
    }
  }
  return { schema: 1, start: "b0", nodes, edges };
}

const pct = (list, p) => [...list].sort((a, b) => a - b)[Math.round((list.length - 1) * p)];

async function measure(browser, url, size) {
  const app = await openApp(browser, url, { accounts: [{ name: "Bench" }], automation: { flows: [{ name: "Longo", document: flow(size) }] } });
  const { page } = app;
  await page.getByRole("button", { name: "Automação" }).click();
  await page.getByRole("tab", { name: "Fluxos" }).click();
  const open = page.getByRole("button", { name: "Abrir o fluxo Longo" });
  await open.waitFor();
  // Open: the click is timed in the page, until blocks are drawn and the next frame.
  const opened = await page.evaluate(() => new Promise((resolve) => {
    const start = performance.now();
    document.querySelector('button[aria-label="Abrir o fluxo Longo"]').click();
    const wait = () => (document.querySelector(".react-flow__node .flow-node")
      ? requestAnimationFrame(() => resolve(performance.now() - start))
      : requestAnimationFrame(wait));
    wait();
  }));
  await page.getByTestId("flow-revision").getByText(/^Salvo/).waitFor();
  // Drag: a block in the middle of those drawn, across the canvas, frames recorded in the page.
  const drawn = await page.locator(".react-flow__node").evaluateAll((ns) => ns.map((n) => n.dataset.id));
  const id = drawn[Math.floor(drawn.length / 2)];
  const block = page.locator(`.react-flow__node[data-id="${id}"]`);
  const box = await block.boundingBox();
  const at = await page.evaluate((n) => window.__MOCK__.state.flows[0].draft.nodes.find((x) => x.id === n).position, id);
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (t) => { window.__frames.push(t); if (window.__framing) requestAnimationFrame(tick); };
    window.__framing = true;
    requestAnimationFrame(tick);
  });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2 + 150, { steps: 60 });
  await page.mouse.up();
  const frames = await page.evaluate(() => { window.__framing = false; return window.__frames; });
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  await page.waitForFunction(([n, x]) => window.__MOCK__.state.flows[0].draft.nodes.find((b) => b.id === n).position.x !== x, [id, at.x]);
  // Undo: the drag taken back.
  const undone = await page.evaluate((n) => new Promise((resolve) => {
    const node = document.querySelector(`.react-flow__node[data-id="${n}"]`);
    const before = node.style.transform;
    const start = performance.now();
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Desfazer").click();
    const wait = () => (node.style.transform !== before ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(wait));
    wait();
  }), id);
  await app.close();
  return { opened, intervals, undone };
}

const server = await startServer();
const browser = await launch();
const results = { 3: { opened: [], intervals: [], undone: [] }, 300: { opened: [], intervals: [], undone: [] } };
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const size of [3, 300]) {
      const r = await measure(browser, server.url, size);
      results[size].opened.push(r.opened);
      results[size].intervals.push(...r.intervals);
      results[size].undone.push(r.undone);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const ms = (v) => `${v.toFixed(1)} ms`;
console.log(`| ${ROUNDS} rounds | 3 blocks (floor) p50 / p99 | 300 blocks p50 / p99 | ratio p50 |`);
console.log("|---|---|---|---|");
for (const [what, key] of [["open the canvas", "opened"], ["a frame while dragging a block", "intervals"], ["undo the drag", "undone"]]) {
  const a = results[3][key];
  const b = results[300][key];
  console.log(`| ${what} | ${ms(pct(a, 0.5))} / ${ms(pct(a, 0.99))} | ${ms(pct(b, 0.5))} / ${ms(pct(b, 0.99))} | ${(pct(b, 0.5) / pct(a, 0.5)).toFixed(1)}× |`);
}
