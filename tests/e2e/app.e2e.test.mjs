// End to end: the real ZapDesk binary (WebKitGTK) under Xvfb, driven through
// tauri-driver + WebKitWebDriver. Creates an account and a contact through the
// UI, sees them listed, and checks they reached the SQLite store by reading it
// back with zapdesk-cli; then pairs a Sandbox number (real Chromium under the
// app), has a simulated contact write, and replies from the inbox — the fake
// WhatsApp's own log must show the reply; sends a campaign; and connects the app
// to a scratch database on the machine's PostgreSQL from Settings, the password
// going to the Secret Service (gnome-keyring in the test's D-Bus session).
// Everything it needs must be present: a missing driver, display, D-Bus
// session, database or binary fails the test, it is never skipped. The local
// API: a token and a webhook made in Settings, `curl` sends through the
// Sandbox number, a receiver on loopback checks the signed webhooks.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { mkdtempSync, existsSync, readdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "./webdriver.mjs";

const TARGET = process.env.CARGO_TARGET_DIR ?? new URL("../../target", import.meta.url).pathname;
const APP = join(TARGET, "debug", "zapdesk");
const CLI = join(TARGET, "debug", "zapdesk-cli");
const DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";

let driver, session, dataDir, driverLog = "";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once tauri-driver accepts HTTP; fails if it exits first. */
function driverReady(base, child) {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`tauri-driver exited (${code}):\n${driverLog}`)));
    const poll = () =>
      fetch(`${base}/status`).then(resolve, () => (child.exitCode === null ? setImmediate(poll) : undefined));
    poll();
  });
}

before(async () => {
  assert.ok(process.env.DISPLAY, "no X display: run under xvfb-run");
  for (const bin of [APP, CLI]) assert.ok(existsSync(bin), `${bin} is missing: build it first`);
  dataDir = mkdtempSync(join(tmpdir(), "zapdesk-e2e-"));
  const port = await freePort();
  const nativePort = await freePort();
  driver = spawn(DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ZAPDESK_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  driver.on("error", (e) => { driverLog += `spawn failed: ${e.message}\n`; });
  driver.stdout.on("data", (d) => { driverLog += d; });
  driver.stderr.on("data", (d) => { driverLog += d; });
  const base = `http://127.0.0.1:${port}`;
  await driverReady(base, driver);
  session = await Session.create(base, { "tauri:options": { application: APP } });
});

/** Pids of processes started with this test's data folder in their environment (the app). */
function appPids() {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`ZAPDESK_DATA_DIR=${dataDir}`)) pids.push(Number(pid));
    } catch { /* gone, or not ours to read */ }
  }
  return pids;
}

after(async () => {
  if (session) {
    try {
      writeFileSync(join(dataDir, "last-screen.png"), await session.screenshot());
    } catch { /* the window may already be gone */ }
    await session.close().catch(() => {});
  }
  driver?.kill();
  // Ending the session normally SIGKILLs the app, which then cannot close
  // its Chromiums (a real start-up kills such orphans); and if the driver
  // went away first, the app may still run. End both here: an app left
  // running would also keep this process alive through inherited pipes.
  for (const pid of appPids()) {
    try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
  }
  spawnSync("pkill", ["-KILL", "-f", `${dataDir}/profiles/`]);
  driver?.stdout?.destroy();
  driver?.stderr?.destroy();
});

const button = (label) => `//button[normalize-space()='${label}']`;

test("create an account and a contact through the real app", async () => {
  await session.find("//h1[normalize-space()='Bem-vindo ao ZapDesk']");
  await (await session.find("//input[@id='account-name']")).type("Padaria Pão Quente");
  await (await session.find(button("Criar"))).click();

  // The first run opens on the Painel's first steps, with the new account in
  // the switcher; the contacts step leads to Contacts.
  await session.find("//select[@id='account-switcher']/option[normalize-space()='Padaria Pão Quente']");
  await session.find("//section[@data-testid='first-steps']//li[@data-testid='step-account'][@data-done='true']");
  await (await session.find("//li[@data-testid='step-contacts']" + button("Abrir Contatos"))).click();
  await (await session.find("//div[contains(@class,'empty')]" + button("+ Novo contato"))).click();
  await (await session.find("//input[@id='contact-phone']")).type("(11) 98765-4321");
  await (await session.find("//input[@id='contact-name']")).type("Maria Souza");
  await (await session.find("//div[@role='dialog']" + button("Criar"))).click();

  const row = await session.find("//div[@data-testid='contact-row'][contains(., 'Maria Souza')]");
  assert.match(await row.text(), /\+55 \(11\) 98765-4321/);

  // The UI wrote through to the local store: read it back with the CLI.
  const accounts = JSON.parse(execFileSync(CLI, ["--data-dir", dataDir, "--json", "accounts", "list"], { encoding: "utf8" }));
  assert.deepEqual(accounts.map((a) => a.name), ["Padaria Pão Quente"]);
  const page = JSON.parse(
    execFileSync(CLI, ["--data-dir", dataDir, "--json", "contacts", "list", "--account", accounts[0].id], { encoding: "utf8" }),
  );
  assert.equal(page.total, 1);
  assert.deepEqual([page.items[0].phone, page.items[0].name], ["+5511987654321", "Maria Souza"]);

  // Deleting a contact asks in the app's own dialog, offers Desfazer, and reaches
  // the store when that window ends or, as here, at once when the screen is left.
  await (await session.find(button("+ Novo contato"))).click();
  await (await session.find("//input[@id='contact-phone']")).type("(11) 91234-5678");
  await (await session.find("//input[@id='contact-name']")).type("Contato Teste");
  await (await session.find("//div[@role='dialog']" + button("Criar"))).click();
  await (await session.find("//div[@data-testid='contact-row'][contains(., 'Contato Teste')]" + button("Excluir"))).click();
  await (await session.find("//div[@role='dialog'][@aria-label='Excluir contato']" + button("Excluir"))).click();
  await session.find("//div[@data-testid='undo-toast'][contains(., 'Contato excluído')]" + button("Desfazer"));
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  const total = () => JSON.parse(
    execFileSync(CLI, ["--data-dir", dataDir, "--json", "contacts", "list", "--account", accounts[0].id], { encoding: "utf8" }),
  ).total;
  await until("the deleted contact gone from the store", () => total() === 1);
});

const cli = (args) => JSON.parse(execFileSync(CLI, ["--data-dir", dataDir, "--json", ...args], { encoding: "utf8" }));

test("contacts as a CRM: a spreadsheet imported, filtered by tag in the app, a whole filter result tagged at once", async () => {
  const [account] = cli(["accounts", "list"]);
  // Excel in Brazil: Windows-1252 (latin1 covers these letters) and `;`. Maria exists already.
  const file = join(dataDir, "clientes.csv");
  writeFileSync(file, Buffer.from(
    "Nome;Celular;Etiquetas\r\nMaria Souza;11 98765-4321;VIP\r\nJoão Lima;(21) 98888-0001;Clientes\r\n" +
    "Conceição Dias;021 9 8888-0002;Clientes\r\nPedro;(31) 3333-4444;\r\n", "latin1"));
  const report = cli(["contacts", "import", file, "--account", account.id]);
  assert.deepEqual([report.created, report.updated, report.rejected], [3, 1, 0]);

  // Back on Contacts (it reloads when shown), the imported contacts and their tags are there.
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  await (await session.find("//nav//button[contains(., 'Contatos')]")).click();
  await session.find("//p[@data-testid='contacts-count'][normalize-space()='4 contatos']");
  const row = (name) => `//div[@data-testid='contact-row'][contains(., '${name}')]`;
  await session.find(`${row("Conceição Dias")}//*[normalize-space()='Clientes']`);

  await (await session.find("//button[starts-with(normalize-space(), 'Filtros')]")).click();
  await (await session.find("//section[@aria-label='Filtros']//div[@role='group'][@aria-label='Tem todas estas']" + button("Clientes"))).click();
  await session.find("//p[@data-testid='contacts-count'][normalize-space()='2 contatos']");
  await (await session.find("//label[contains(., 'Selecionar todos os 2 contatos')]/input")).click();
  await (await session.find("//div[@role='toolbar']//select[@aria-label='Adicionar etiqueta']/option[normalize-space()='VIP']")).click();
  await session.find(`${row("João Lima")}//*[normalize-space()='VIP']`);

  // The store agrees: exactly Maria and the two filtered contacts have VIP now.
  const csv = execFileSync(CLI, ["--data-dir", dataDir, "--lang", "en", "contacts", "export", "--account", account.id, "--tag", "VIP"], { encoding: "utf8" });
  const phones = csv.trim().split("\n").slice(1).map((line) => line.split(",")[0]).sort();
  assert.deepEqual(phones, ["+5511987654321", "+5521988880001", "+5521988880002"]);

  // Leave the list unfiltered for what follows.
  await (await session.find("//section[@aria-label='Filtros']" + button("Limpar filtros"))).click();
  await session.find("//p[@data-testid='contacts-count'][normalize-space()='4 contatos']");
});

test("a Sandbox number: pair, a contact writes, the operator replies, the fake WhatsApp receives it", async () => {
  await (await session.find("//nav//button[contains(., 'Números')]")).click();
  await (await session.find("//div[contains(@class,'empty')]" + button("+ Adicionar número"))).click();
  await (await session.find("//input[@id='number-name']")).type("Balcão");
  await (await session.find("//div[@role='dialog']" + button("Criar"))).click();

  const card = "//article[@data-testid='number-card'][.//h2[normalize-space()='Balcão']]";
  await session.find(`${card}//img[@data-testid='qr']`);
  await (await session.find(card + button("Simular leitura do QR"))).click();
  await session.find(`${card}//span[@data-testid='number-status'][normalize-space()='Conectado']`);

  // The simulation form is pre-filled with a contact and a message.
  await (await session.find(card + button("Receber"))).click();
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  const chat = "//button[@data-testid='chat'][contains(., 'Maria Souza')]";
  await (await session.find(chat)).click();
  await session.find("//div[@data-testid='bubble'][contains(., 'Vocês abrem no sábado?')]");
  await (await session.find("//div[contains(@class,'composer-row')]/textarea")).type("Abrimos sim, das 8h às 12h.");
  // A double click on Enviar (issue 13 item 2): one reply reaches WhatsApp, one bubble.
  await (await session.find("//div[contains(@class,'composer-row')]" + button("Enviar"))).clickTwice();
  await session.find("//div[@data-testid='bubble'][contains(., 'Abrimos sim')]//span[@data-testid='tick'][@data-status!='pending' and @data-status!='sending']");
  assert.equal((await session.findAll("//div[@data-testid='bubble'][contains(., 'Abrimos sim')]")).length, 1);

  const sandboxes = readdirSync(join(dataDir, "sandbox"));
  assert.equal(sandboxes.length, 1);
  const sent = readFileSync(join(dataDir, "sandbox", sandboxes[0], "sent.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(sent.map((m) => [m.chat, m.text]), [["5511987654321@c.us", "Abrimos sim, das 8h às 12h."]]);
});

test("a campaign for a tag: created in the editor, sent by the Sandbox number, reported", async () => {
  await (await session.find("//nav//button[contains(., 'Campanhas')]")).click();
  await (await session.find(button("+ Nova campanha"))).click();
  const dialog = "//div[@role='dialog']";
  await (await session.find(`${dialog}//input[@id='campaign-name']`)).type("Novidades VIP");
  await (await session.find(`${dialog}//label[contains(., 'Por etiquetas')]/input`)).click();
  await (await session.find(`${dialog}//div[@role='group'][@aria-label='Tem todas estas']` + button("VIP"))).click();
  await session.find(`${dialog}//strong[@data-testid='recipient-count'][normalize-space()='3 destinatários']`);
  await (await session.find(`${dialog}//textarea[@id='campaign-message']`)).type("Oi {{primeiro_nome}}, temos novidades!");
  // Any hour, any day, no delay: the test must not depend on when CI runs.
  await (await session.find(`${dialog}//label[contains(., 'O dia todo')]/input`)).click();
  const numberInput = (label) => session.find(`${dialog}//label[span[normalize-space()='${label}']]/input`);
  for (const [label, value] of [["Intervalo mínimo (s)", "0"], ["Intervalo máximo (s)", "0"]]) {
    await (await numberInput(label)).replace(value);
  }
  // Sunday is the one day off by default.
  await (await session.find(`${dialog}//div[@role='group'][@aria-label='Dias da semana']//label[normalize-space()='Dom']/input`)).click();
  await (await session.find(`${dialog}` + button("Criar campanha"))).click();

  const row = "//li[@data-testid='campaign-row'][contains(., 'Novidades VIP')]";
  await session.find(`${row}//*[@data-testid='campaign-status'][normalize-space()='Concluída']`);
  // "Concluída": every recipient is in the outbox; the last ones may still be
  // on their way to the fake WhatsApp, which logs each message it receives.
  const sandboxes = readdirSync(join(dataDir, "sandbox"));
  const received = () => readFileSync(join(dataDir, "sandbox", sandboxes[0], "sent.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    .filter((m) => m.text.includes("temos novidades"));
  await untilFile(join(dataDir, "sandbox", sandboxes[0], "sent.jsonl"), "the campaign's three messages at the fake WhatsApp", () => received().length >= 3);
  const campaign = received().map((m) => [m.chat, m.text]).sort();
  assert.deepEqual(campaign, [
    ["5511987654321@c.us", "Oi Maria, temos novidades!"],
    ["5521988880001@c.us", "Oi João, temos novidades!"],
    ["5521988880002@c.us", "Oi Conceição, temos novidades!"],
  ]);
  const [account] = cli(["accounts", "list"]);
  const [listed] = cli(["campaigns", "list", "--account", account.id]);
  assert.equal(listed.report.total, 3);
  assert.equal(listed.report.pending + listed.report.queued, 0);
});

test("a new conversation from Contatos through the Sandbox number, with a contact the campaign reached who never answered", async () => {
  // The campaign opened Conceição's conversation and she did not answer: not
  // in the open list, in "Campanhas sem resposta".
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  const status = "//select[@aria-label='Situação da conversa']";
  await session.find("//button[@data-testid='chat'][contains(., 'Maria Souza')]");
  assert.equal((await session.findAll("//button[@data-testid='chat'][contains(., 'Conceição')]")).length, 0);
  await (await session.find(`${status}/option[@value='campaigns']`)).click();
  await session.find("//button[@data-testid='chat'][contains(., 'Conceição')]");
  await (await session.find(`${status}/option[@value='open']`)).click();

  // Contatos → Conversar → the number → the thread opens in Conversas.
  await (await session.find("//nav//button[contains(., 'Contatos')]")).click();
  await (await session.find("//div[@data-testid='contact-row'][contains(., 'Conceição')]" + button("Conversar"))).click();
  const dialog = "//div[@role='dialog'][@aria-label='Nova conversa']";
  await (await session.find(`${dialog}//select[@id='new-conversation-number']/option[contains(., 'Balcão')]`)).click();
  await (await session.find(dialog + button("Abrir conversa"))).click();
  await session.find("//header[contains(@class,'thread-head')][contains(., 'Conceição')]");
  await (await session.find("//div[contains(@class,'composer-row')]/textarea")).type("Oi Conceição, posso ajudar com a novidade?");
  await (await session.find("//div[contains(@class,'composer-row')]" + button("Enviar"))).click();
  const { file, all } = fakeReceived();
  await untilFile(file, "the new conversation's message at the fake WhatsApp", () =>
    all().some((m) => m.chat === "5521988880002@c.us" && m.text === "Oi Conceição, posso ajudar com a novidade?"));
  // Someone wrote: the conversation is in the open list again.
  await session.find("//button[@data-testid='chat'][contains(., 'Conceição')]");
});

/** The fake WhatsApp's log of what this desktop's Sandbox number sent. */
function fakeReceived() {
  const [sandbox] = readdirSync(join(dataDir, "sandbox"));
  const file = join(dataDir, "sandbox", sandbox, "sent.jsonl");
  return { file, all: () => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)) };
}

/** One value read from the app's own store (read-only, beside the running app). */
const storeValue = (sql) => execFileSync("sqlite3", ["-readonly", join(dataDir, "zapdesk.sqlite3"), sql], { encoding: "utf8" }).trim();

test("automation: a flow and a keyword made in the app answer a Sandbox contact in order; once the operator takes over, the bot is quiet", async () => {
  const tab = (name) => `//button[@role='tab'][normalize-space()='${name}']`;
  await (await session.find("//nav//button[contains(., 'Automação')]")).click();

  // A flow drawn on the canvas: the one-message starter, a menu added from
  // the palette, a message for option 1 and a hand-off for the rest, the
  // branches connected from the side panel, then published.
  await (await session.find(tab("Fluxos"))).click();
  await (await session.find(button("+ Novo fluxo"))).click();
  const dialog = "//div[@role='dialog']";
  await (await session.find(`${dialog}//input[@id='flow-name']`)).type("Atendimento");
  await (await session.find(`${dialog}//label[contains(., 'Uma mensagem simples')]//input[@type='radio']`)).click();
  await (await session.find(dialog + button("Criar"))).click();
  // React Flow shows a block once it has measured it (hidden until then: not clickable).
  const block = (id) => `//div[contains(@class,'react-flow__node')][not(contains(@style,'hidden'))]//div[@data-testid='canvas-node'][@data-node-id='${id}']`;
  const panel = (id) => `//aside[@aria-label='Editar o bloco ${id}']`;
  // Where a branch leads, chosen in the side panel's select (the keyboard's way to draw a line).
  const branch = async (id, label, to) => {
    const select = `${panel(id)}//select[@aria-label='${label} leva a']`;
    await (await session.find(select)).scrollIntoView();
    await clickWhenShown(`${select}/option[@value='${to}']`);
  };
  await clickWhenShown(block("inicio"));
  await (await session.find(`${panel("inicio")}//textarea[@id='node-inicio-text']`)).replace("Olá! Aqui é o atendimento automático.");
  await (await session.find("//nav[@data-testid='palette']//button[@data-type='menu']")).click();
  await (await session.find(`${panel("menu_1")}//textarea[@id='node-menu_1-question']`)).type("Como podemos ajudar?");
  await (await session.find(`${panel("menu_1")}//input[@aria-label='Opção 1']`)).type("Horários");
  await (await session.find(`${panel("menu_1")}//input[@aria-label='Opção 2']`)).type("Falar com uma pessoa");
  await (await session.find("//nav[@data-testid='palette']//button[@data-type='send']")).click();
  await (await session.find(`${panel("mensagem_1")}//textarea[@id='node-mensagem_1-text']`)).type("Atendemos de segunda a sexta, das 8h às 18h.");
  await (await session.find("//nav[@data-testid='palette']//button[@data-type='handoff']")).click();
  await session.find(panel("atendente_1"));
  // Organizar: every block in view, left to right.
  await (await session.find(button("Organizar"))).click();
  await clickWhenShown(block("inicio"));
  await branch("inicio", "Em seguida", "menu_1");
  await clickWhenShown(block("menu_1"));
  await branch("menu_1", "1. Horários", "mensagem_1");
  await branch("menu_1", "2. Falar com uma pessoa", "atendente_1");
  await branch("menu_1", "Qualquer outra resposta", "atendente_1");
  // Saved as drawn, checked by Rust: no error left, so it publishes.
  await session.find("//*[@data-testid='flow-revision'][starts-with(normalize-space(), 'Salvo')]");
  await until("the drawn flow to be saved without errors", () => {
    const draft = JSON.parse(storeValue("SELECT draft FROM flows WHERE name = 'Atendimento'") || "{}");
    return (draft.edges ?? []).length === 4;
  });
  await (await session.find("//button[normalize-space()='Publicar'][not(@disabled)]")).click();
  await session.find("//*[@data-testid='flow-status'][contains(., 'Publicado v1')]");
  const published = JSON.parse(storeValue("SELECT document FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE f.name = 'Atendimento'"));
  assert.deepEqual(published.edges.map((e) => `${e.from} ${e.handle} ${e.to}`).sort(), [
    "inicio next menu_1", "menu_1 option:a mensagem_1", "menu_1 option:b atendente_1", "menu_1 other atendente_1",
  ]);

  // A keyword: "oi" starts that flow.
  await (await session.find(tab("Palavras-chave"))).click();
  await (await session.find(button("+ Nova palavra-chave"))).click();
  await (await session.find(`${dialog}//input[@id='keyword-name']`)).type("Saudação");
  await (await session.find(`${dialog}//input[@id='keyword-words']`)).type("oi,");
  await (await session.find(`${dialog}//label[contains(., 'Iniciar um fluxo')]/input`)).click();
  await session.find(`${dialog}//select[@aria-label='Fluxo']/option[normalize-space()='Atendimento']`);
  await (await session.find(dialog + button("Criar"))).click();
  await session.find("//*[contains(., 'Palavra-chave “Saudação” criada.')]");

  // Maria writes "oi" to the Sandbox number: the keyword starts the flow,
  // the greeting and the menu reach WhatsApp, in that order.
  const fake = fakeReceived();
  const before = fake.all().length;
  const fromBot = () => fake.all().slice(before).filter((m) => m.chat === "5511987654321@c.us").map((m) => m.text);
  const card = "//article[@data-testid='number-card'][.//h2[normalize-space()='Balcão']]";
  const say = async (text) => {
    await (await session.find("//nav//button[contains(., 'Números')]")).click();
    await (await session.find(`${card}//input[starts-with(@id,'sim-text-')]`)).replace(text);
    await (await session.find(card + button("Receber"))).click();
  };
  await say("oi");
  await untilFile(fake.file, "the greeting and the menu", () => fromBot().length >= 2);
  const [greeting, menu] = fromBot();
  assert.match(greeting, /^(Olá|Oi)! Aqui é o atendimento automático\.$/);
  assert.equal(menu, "Como podemos ajudar?\n\n1 - Horários\n2 - Falar com uma pessoa");

  // She answers the menu with "1": the hours, and the flow ends.
  await say("1");
  await untilFile(fake.file, "the hours", () => fromBot().length >= 3);
  assert.match(fromBot()[2], /^Atendemos de segunda a sexta/);
  assert.equal(fromBot().length, 3);

  // The operator takes the conversation over in the inbox; Maria says "oi"
  // again: the bot looks at it (the queue empties) and answers nothing.
  // Her thread's own header: another thread (the last one opened) may still
  // be on screen for a moment after the click.
  const mariaHead = "//header[contains(@class,'thread-head')][contains(., 'Maria Souza')]";
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  await (await session.find("//button[@data-testid='chat'][contains(., 'Maria Souza')]")).click();
  await (await session.find(mariaHead + button("Assumir conversa"))).click();
  await session.find(mariaHead + button("Devolver ao bot"));
  await say("oi");
  await until("the bot to look at Maria's new message", () =>
    storeValue("SELECT count(*) FROM automation_queue") === "0"
    && Number(storeValue("SELECT count(*) FROM messages WHERE direction = 'inbound' AND body = 'oi'")) === 2);
  assert.equal(storeValue("SELECT owner FROM conversations c JOIN contacts p ON p.id = c.contact_id WHERE p.phone = '+5511987654321'"), "human");
  assert.equal(fromBot().length, 3, "no bot answer once a person owns the conversation");
  // The operator answers instead: the next message WhatsApp gets is hers.
  await (await session.find("//nav//button[contains(., 'Conversas')]")).click();
  await (await session.find("//button[@data-testid='chat'][contains(., 'Maria Souza')]")).click();
  await session.find(mariaHead);
  await (await session.find("//div[contains(@class,'composer-row')]/textarea")).type("Oi Maria, aqui é a Ana. Em que posso ajudar?");
  await (await session.find("//div[contains(@class,'composer-row')]" + button("Enviar"))).click();
  await untilFile(fake.file, "the operator's answer", () => fromBot().length >= 4);
  assert.deepEqual(fromBot().slice(3), ["Oi Maria, aqui é a Ana. Em que posso ajudar?"]);
});

// The agency's server: a scratch database on the machine's PostgreSQL, made
// and dropped by this test (roles are per cluster: a group of its own too).
const PG = process.env.ZAPDESK_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const suffix = `${Date.now().toString(36)}${process.pid}`;
const scratch = { db: `zapdesk_e2e_${suffix}`, group: `zapdesk_op_e2e_${suffix}`, roles: [] };
const atDb = (db) => { const u = new URL(PG); u.pathname = `/${db}`; return u.toString(); };
const psql = (url, sql) => execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], { encoding: "utf8" }).trim();

after(() => {
  if (!scratch.created) return;
  psql(PG, `DROP DATABASE IF EXISTS "${scratch.db}" WITH (FORCE)`);
  for (const role of [...scratch.roles, scratch.group]) psql(PG, `DROP ROLE IF EXISTS "${role}"`);
});

/** Polls `check` (a query, not a timer: each look asks the database) until it holds. */
/** Waits until `check` holds, looking again each time `path` changes. */
function untilFile(path, what, check) {
  // A line half written when the change is seen does not parse yet: not yet.
  const holds = () => { try { return check(); } catch { return false; } };
  return new Promise((resolve, reject) => {
    const done = (error) => {
      watcher.close();
      clearTimeout(guard);
      error ? reject(error) : resolve();
    };
    const watcher = watch(path, () => holds() && done());
    const guard = setTimeout(() => done(new Error(`never saw ${what}`)), 60_000);
    // After the watch is set: a change before it is seen here.
    if (holds()) done();
  });
}

/**
 * Clicks an element once WebKit can: a canvas block is laid out and moved
 * into view by React Flow a few frames after it exists, and until then
 * WebDriver answers "element not interactable" (asked again at once, no sleep).
 */
async function clickWhenShown(xpath) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await (await session.find(xpath)).click();
    } catch (e) {
      if (!String(e.message).includes("element not interactable") || Date.now() > deadline) throw e;
    }
  }
}

async function until(what, check) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("the local API: a token and a webhook made in Settings; curl sends through the Sandbox number; the receiver gets signed message.sent and message.status", async () => {
  const [account] = cli(["accounts", "list"]);
  // The agency's system: answers 200 and keeps what it got.
  const got = [];
  const receiver = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => { got.push({ headers: req.headers, body }); res.writeHead(200).end("ok"); });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const apiPort = await freePort();
    await (await session.find("//nav//button[contains(., 'Configurações')]")).click();
    const api = "//div[@id='api']";
    await (await session.find(`${api}//input[@id='api-port']`)).replace(String(apiPort));
    await (await session.find(api + button("Salvar porta"))).click();
    await session.find(`${api}//p[contains(., 'Recebendo pedidos em 127.0.0.1:${apiPort}.')]`);

    // A token that may send, shown once.
    await (await session.find(api + button("+ Novo token"))).click();
    const dialog = "//div[@role='dialog']";
    await (await session.find(`${dialog}//input[@id='token-name']`)).type("Loja virtual");
    await (await session.find(`${dialog}//label[contains(@class,'scope-option')][.//span[normalize-space()='Enviar']]/input`)).click();
    await (await session.find(dialog + button("Criar token"))).click();
    const token = (await (await session.find("//code[@data-testid='token-secret']")).text()).trim();
    assert.match(token, /^zdk_[0-9a-f]{32}_[0-9a-f]{64}$/);
    await (await session.find(dialog + button("Concluído"))).click();
    await session.find(`${api}//tr[@data-testid='token-row'][contains(., 'Loja virtual')]`);

    // A webhook for sent messages and their status.
    const hooks = "//div[@id='webhooks']";
    await (await session.find(hooks + button("+ Novo webhook"))).click();
    await (await session.find(`${dialog}//input[@id='webhook-url']`)).type(`http://127.0.0.1:${receiver.address().port}/zapdesk`);
    await (await session.find(`${dialog}//label[contains(., 'Mensagem enviada')]/input`)).click();
    await (await session.find(`${dialog}//label[contains(., 'Status da mensagem')]/input`)).click();
    await (await session.find(dialog + button("Criar"))).click();
    const secret = (await (await session.find("//code[@data-testid='webhook-secret']")).text()).trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    await (await session.find(dialog + button("Concluído"))).click();

    // curl, as the agency's script would, twice with one Idempotency-Key.
    const send = () => JSON.parse(execFileSync("curl", ["-sS", "--fail-with-body", "-X", "POST",
      `http://127.0.0.1:${apiPort}/api/accounts/${account.id}/send`,
      "-H", `Authorization: Bearer ${token}`, "-H", "Content-Type: application/json", "-H", "Idempotency-Key: pedido-123",
      "-d", JSON.stringify({ phone: "(11) 98765-4321", text: "Seu pedido 123 foi confirmado." })], { encoding: "utf8" }));
    const first = send();
    const again = send();
    assert.equal(again.message.id, first.message.id, "a retried request is the same message");
    const fake = fakeReceived();
    const confirmed = () => fake.all().filter((m) => m.text === "Seu pedido 123 foi confirmado.");
    await untilFile(fake.file, "the API's message at the fake WhatsApp", () => confirmed().length >= 1);
    assert.deepEqual(confirmed().map((m) => m.chat), ["5511987654321@c.us"]);

    // Signed webhooks for it: HMAC-SHA256 of "<timestamp>.<body>" with the secret.
    const about = (type) => got.filter((g) => g.headers["x-zapdesk-event"] === type
      && JSON.parse(g.body).data?.message?.id === first.message.id);
    await until("message.sent and message.status at the receiver", () => about("message.sent").length && about("message.status").length);
    for (const g of [...about("message.sent"), ...about("message.status")]) {
      const expected = "v1=" + createHmac("sha256", secret).update(`${g.headers["x-zapdesk-timestamp"]}.${g.body}`).digest("hex");
      assert.equal(g.headers["x-zapdesk-signature"], expected);
      const envelope = JSON.parse(g.body);
      assert.equal(envelope.account_id, account.id);
      assert.equal(envelope.instance_id, first.instance_id);
    }
    // The app's log of that webhook shows the deliveries.
    await session.find(`${hooks}//*[@data-testid='delivery-row'][contains(., '200')]`);
  } finally {
    receiver.close();
  }
});

test("team without sync: an agent chosen at this desktop sees only the account given and is refused another one, even through a raw command", async () => {
  const [account] = cli(["accounts", "list"]);
  // An account the agent will not be given, made by another process.
  const other = cli(["accounts", "create", "--name", "Zeta Outra Conta"]);
  const contactsOf = (id) => session.invoke("contacts_list", { account: id, query: { filter: {}, limit: 10, offset: 0 } });
  assert.ok((await contactsOf(other.id)).ok, "before any team, this desktop is its owner's");

  await (await session.find("//nav//button[contains(., 'Configurações')]")).click();
  const team = "//div[@id='team']";
  const dialog = "//div[@role='dialog']";
  const invite = async (name, email, role, accountName) => {
    await (await session.find(team + button("Convidar"))).click();
    await (await session.find(`${dialog}//input[@id='member-name']`)).replace(name);
    await (await session.find(`${dialog}//input[@id='member-email']`)).replace(email);
    await (await session.find(`${dialog}//select[@id='member-role']/option[@value='${role}']`)).click();
    if (accountName) await (await session.find(`${dialog}//label[contains(., '${accountName}')]/input`)).click();
    await (await session.find(dialog + button("Convidar"))).click();
    await session.find(`${team}//li[@data-testid='operator'][contains(., '${name}')]`);
  };
  await invite("Dona Local", "dona@padaria.com.br", "owner", null);
  await invite("Atendente Local", "atendente@padaria.com.br", "agent", account.name);
  const users = (await session.invoke("users_list", {})).ok;
  const id = (name) => users.find((u) => u.name === name).id;

  // This desktop is now the agent's: the switcher lists only the account given.
  await (await session.find(`${team}//select[@aria-label='Eu sou']/option[normalize-space()='Atendente Local']`)).click();
  await until("the switcher down to the agent's account", async () =>
    (await session.findAll("//select[@id='account-switcher']/option")).length === 1);
  // And the gate refuses the other account to any command, not only the
  // screens: a read, a write, an export.
  const refused = await contactsOf(other.id);
  assert.equal(refused.err?.code, "account_not_granted", JSON.stringify(refused));
  const write = await session.invoke("tags_create", { account: other.id, input: { name: "Invasão", color: "#ff0000" } });
  assert.equal(write.err?.code, "account_not_granted", JSON.stringify(write));
  assert.equal(cli(["contacts", "list", "--account", other.id]).total, 0);
  const given = await contactsOf(account.id);
  assert.ok(given.ok, JSON.stringify(given));
  const garbage = await session.invoke("contacts_list", { account: "../../etc", query: {} });
  assert.equal(garbage.err?.code, "account_not_granted", JSON.stringify(garbage));

  // Back to the owner (without sync, who sits at a desktop is chosen there;
  // with sync it is the login, which the next test shows).
  const back = await session.invoke("users_set_me", { id: id("Dona Local") });
  assert.ok(back.ok, JSON.stringify(back));
  assert.ok((await contactsOf(other.id)).ok);
  cli(["accounts", "archive", other.id]);
});

test("sync: connected from Settings with the password in the Secret Service; the server gets the data; a change made elsewhere appears", async () => {
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "no D-Bus session: run under dbus-run-session with gnome-keyring (scripts/test-all.sh)");
  const [account] = cli(["accounts", "list"]);
  psql(PG, `CREATE DATABASE "${scratch.db}"`);
  scratch.created = true;
  const owner = atDb(scratch.db);
  cli(["remote", "provision", "--database-url", owner, "--operator-group", scratch.group]);
  const invited = cli(["remote", "invite", "--database-url", owner, "--email", `e2e-${suffix}@agencia.com.br`,
    "--name", "Operadora E2E", "--role", "owner", "--account", account.id]);
  scratch.roles.push(invited.role_name);
  assert.ok(invited.password, "a new operator gets a password");

  // Settings → Sincronização, as an operator types what the invite printed.
  await (await session.find("//button[@data-testid='sync-indicator'][contains(., 'Só neste computador')]")).click();
  const panel = "//div[@id='sync']";
  const field = async (id, value) => {
    await (await session.find(`${panel}//input[@id='${id}']`)).replace(value);
  };
  await field("sync-host", invited.host);
  await field("sync-port", String(invited.port));
  await field("sync-database", invited.database);
  await field("sync-operator", invited.operator);
  await field("sync-password", invited.password);
  await (await session.find(`${panel}//select[@id='sync-tls']/option[@value='disable']`)).click();
  await (await session.find(panel + button("Testar conexão"))).click();
  await session.find(`${panel}//p[@data-testid='sync-tested'][contains(., 'Operadora E2E')]`);
  await (await session.find(panel + button("Salvar e conectar"))).click();
  await session.find("//button[@data-testid='sync-indicator'][@data-state='synced']");

  // Every contact of the account reached the server.
  const local = cli(["contacts", "list", "--account", account.id]).total;
  const count = () => Number(psql(owner, `SELECT count(*) FROM zapdesk.contacts WHERE account_id = '${account.id}' AND deleted_at IS NULL`));
  await until(`${local} contacts on the server`, () => count() === local);
  // The password is in the Secret Service, and in no file of the data folder.
  const user = `${invited.operator}@${invited.host}:${invited.port}/${invited.database}`;
  const kept = execFileSync("secret-tool", ["lookup", "service", "app.zapdesk.desktop.dev/remote", "username", user], { encoding: "utf8" });
  assert.equal(kept, invited.password);
  const leaked = spawnSync("grep", ["-rlaF", invited.password, dataDir], { encoding: "utf8" });
  assert.equal(leaked.stdout, "", "the password is written to no file");

  // Another desktop adds a contact (written on the server as it would push it):
  // NOTIFY wakes the app, which pulls it; the open contacts list shows it.
  await (await session.find("//nav//button[contains(., 'Contatos')]")).click();
  const hlc = `${String(Date.now()).padStart(13, "0")}-00000-outrodesktop`;
  psql(owner, `INSERT INTO zapdesk.contacts (id, account_id, phone, name, created_at, updated_at, hlc)
    VALUES (gen_random_uuid(), '${account.id}', '+5548999990001', 'Zeca Remoto', 1, 1, '${hlc}')`);
  await session.find("//div[@data-testid='contact-row'][contains(., 'Zeca Remoto')]");
  assert.equal(cli(["contacts", "list", "--account", account.id]).total, local + 1);

  // A second operator invited in the app (issue 18): this desktop's operator
  // is the login, and the invitation makes the newcomer's own login on the
  // server with the owner's address, shown once as the CLI prints it.
  await (await session.find("//nav//button[contains(., 'Configurações')]")).click();
  const team = "//div[@id='team']";
  await session.find(`${team}//p[@data-testid='me-from-login'][contains(., 'Operadora E2E')]`);
  await (await session.find(team + button("Convidar"))).click();
  const dialog = "//div[@role='dialog']";
  const email = `segundo-${suffix}@agencia.com.br`;
  await (await session.find(`${dialog}//input[@id='member-name']`)).replace("Segundo Operador");
  await (await session.find(`${dialog}//input[@id='member-email']`)).replace(email);
  await (await session.find(`${dialog}//select[@id='member-role']/option[@value='agent']`)).click();
  await (await session.find(`${dialog}//label[contains(., '${account.name}')]/input`)).click();
  await (await session.find(`${dialog}//input[@id='member-owner-url']`)).replace(owner);
  await (await session.find(dialog + button("Convidar"))).click();
  const shown = await (await session.find("//pre[@data-testid='invited-login']")).text();
  const [roleName, role] = psql(owner, `SELECT o.role_name || ' ' || m.role FROM zapdesk.operators o
    JOIN zapdesk.memberships m ON m.operator = o.role_name
    WHERE o.email = '${email}' AND m.account_id = '${account.id}'`).split(" ");
  scratch.roles.push(roleName);
  assert.equal(role, "agent");
  assert.ok(shown.includes(roleName) && /Senha: \S+/.test(shown), shown);
  await session.find(`${team}//li[@data-testid='operator'][contains(., 'Segundo Operador')]`);
});
