// The CSV import wizard in real Chromium: the file Rust picked with what it
// detected, the suggested mapping checked before running, progress from the
// `import` events, and the report with the cells left empty, the rejected
// lines and the download of the rejected rows.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const FILE = {
  path: "/home/ana/Downloads/clientes.csv",
  name: "clientes.csv",
  preview: {
    encoding: "windows1252",
    delimiter: ";",
    headers: ["Nome", "Celular", "Plano", "Tags", "Cidade"],
    sample: [
      { line: 2, cells: ["Conceição Araújo", "(11) 98765-4321", "Ouro", "VIP", "São Paulo"] },
      { line: 3, cells: ["João Lima", "21 99999-0000", "Bronze", "", "Niterói"] },
      { line: 4, cells: ["Zé", "12ab", "", "Lead", ""] },
    ],
    rows: 100000,
    columns: [{ role: "name" }, { role: "phone" }, { role: "ignore" }, { role: "tags" }, { role: "ignore" }],
  },
};
const REPORT = {
  rows: 100000, created: 98000, updated: 500, unchanged: 200, merged: 100, tags_created: 2, rejected: 1200,
  warned: 3,
  warnings: [
    { line: 7, column: "Aniversário", value: "31/02/2024", reason: "\"31/02/2024\" não serve para o campo Aniversário: use uma data como 31/12/2024." },
    { line: 8, column: "Plano", value: "Platina", reason: "\"Platina\" não serve para o campo Plano: use uma das opções: Bronze, Ouro." },
  ],
  problems: [
    { line: 4, reason: "\"12ab\" não é um telefone válido." },
    { line: 9, reason: "\"Platina\" não serve para o campo Plano: use uma das opções: Bronze, Ouro." },
  ],
};
const SEED = {
  accounts: [{ name: "Academia Forma" }],
  fields: [{ label: "Plano", kind: "choice", choices: ["Bronze", "Ouro"] }],
  contacts: [{ phone: "+5511911112222", name: "Ana Lima" }],
  importFile: FILE,
  importReport: REPORT,
  importProgress: [{ done: 12000, total: 100000 }, { done: 100000, total: 100000 }],
  importHold: true,
  importContacts: [{ phone: "+5511987654321", name: "Conceição Araújo" }],
};

const columnSelect = (dialog, header) => dialog.getByLabel(`Importar a coluna “${header}” como`);

test("mapping from the preview, checked before running; progress; report with the rejected lines", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await page.getByTestId("contact-row").first().waitFor();
  await page.getByRole("button", { name: "Importar CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Importar contatos de CSV" });

  // Step 2: what Rust detected, in words.
  await dialog.getByTestId("import-file").filter({ hasText: "clientes.csv" }).waitFor();
  await dialog.getByText("Windows-1252 (Excel)").waitFor();
  await dialog.getByText("ponto e vírgula", { exact: true }).waitFor();
  await dialog.getByText("100.000", { exact: true }).waitFor();
  const celular = dialog.getByTestId("mapping-row").filter({ hasText: "Celular" });
  assert.match(await celular.textContent(), /\(11\) 98765-4321 · 21 99999-0000 · 12ab/);

  // The suggested mapping is selected.
  assert.equal(await columnSelect(dialog, "Nome").inputValue(), "name");
  assert.equal(await columnSelect(dialog, "Celular").inputValue(), "phone");
  assert.equal(await columnSelect(dialog, "Plano").inputValue(), "ignore");
  assert.equal(await columnSelect(dialog, "Tags").inputValue(), "tags");
  const plano = await page.evaluate(() => window.__MOCK__.state.fields[0].id);
  await columnSelect(dialog, "Plano").selectOption({ label: "Campo: Plano" });

  // Without a phone column the import cannot run, and the wizard says why.
  const run = dialog.getByRole("button", { name: "Importar 100.000 linhas" });
  await columnSelect(dialog, "Celular").selectOption({ label: "Ignorar" });
  await dialog.getByRole("alert").filter({ hasText: "Escolha a coluna que tem o telefone" }).waitFor();
  assert.ok(await run.isDisabled());
  await columnSelect(dialog, "Celular").selectOption({ label: "Telefone" });
  await columnSelect(dialog, "Cidade").selectOption({ label: "Telefone" });
  await dialog.getByRole("alert").filter({ hasText: "Mais de uma coluna está marcada como Telefone" }).waitFor();
  await columnSelect(dialog, "Cidade").selectOption({ label: "Ignorar" });
  await dialog.getByRole("alert").waitFor({ state: "detached" });
  assert.equal((await app.calls()).filter((c) => c.cmd === "contacts_import_run").length, 0);

  // Step 3: progress from the `import` events (the mock holds the import halfway).
  await run.click();
  const bar = dialog.getByRole("progressbar", { name: "Progresso da importação" });
  await dialog.getByTestId("import-progress-text").filter({ hasText: /^12\.000 de 100\.000$/ }).waitFor();
  assert.equal(await bar.evaluate((el) => [el.value, el.max].join("/")), "12000/100000");
  const call = (await app.calls()).find((c) => c.cmd === "contacts_import_run");
  assert.equal(call.args.path, FILE.path);
  assert.deepEqual(call.args.columns, [{ role: "name" }, { role: "phone" }, { role: "field", field: plano }, { role: "tags" }, { role: "ignore" }]);
  // Escape does not close the dialog while an import runs.
  await page.keyboard.press("Escape");
  assert.ok(await bar.isVisible());
  await page.evaluate(() => window.__MOCK__.releaseImport());

  // Step 4: the report.
  const counts = dialog.getByRole("definition");
  await dialog.getByTestId("report-created").filter({ hasText: "98.000" }).waitFor();
  assert.equal(await dialog.getByTestId("report-rejected").textContent(), "Recusados1.200");
  assert.equal(await dialog.getByTestId("report-merged").textContent(), "Mesclados (telefone repetido)100");
  assert.equal(await dialog.getByTestId("report-warned").textContent(), "Valores em branco3");
  assert.equal(await counts.count(), 7);
  // Cells left empty: their rows were imported, the person sees which value and why.
  const warnings = dialog.getByRole("table", { name: "Valores deixados em branco" });
  assert.deepEqual(await warnings.getByTestId("warning").allTextContents(), [
    "7Aniversário31/02/2024\"31/02/2024\" não serve para o campo Aniversário: use uma data como 31/12/2024.",
    "8PlanoPlatina\"Platina\" não serve para o campo Plano: use uma das opções: Bronze, Ouro.",
  ]);
  assert.equal(await dialog.getByTestId("warnings-more").textContent(), "Aparecem aqui os primeiros 2 de 3 valores deixados em branco.");
  const problems = dialog.getByRole("table", { name: "Linhas recusadas" });
  assert.deepEqual(await problems.getByTestId("problem").allTextContents(), [
    "4\"12ab\" não é um telefone válido.",
    "9\"Platina\" não serve para o campo Plano: use uma das opções: Bronze, Ouro.",
  ]);
  assert.equal(await dialog.getByTestId("problems-more").textContent(), "Aparecem aqui as primeiras 2 de 1.200 linhas recusadas.");

  // The rejected rows as a CSV to fix: Rust reads the same file with the same mapping.
  await dialog.getByRole("button", { name: "Baixar linhas rejeitadas" }).click();
  await page.getByText("Linhas rejeitadas salvas em /home/ana/Documentos/linhas-rejeitadas.csv. Corrija e importe de novo.").waitFor();
  const saved = (await app.calls()).find((c) => c.cmd === "contacts_import_rejected");
  assert.equal(saved.args.path, FILE.path);
  assert.deepEqual(saved.args.columns, call.args.columns);

  await dialog.getByRole("button", { name: "Concluir" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByTestId("contact-row").filter({ hasText: "Conceição Araújo" }).waitFor();
  await page.getByTestId("contacts-count").filter({ hasText: /^2 contatos$/ }).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a column can become a new custom field from the mapping", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  await page.getByRole("button", { name: "Importar CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Importar contatos de CSV" });
  await columnSelect(dialog, "Cidade").selectOption({ label: "+ Criar campo…" });
  const create = page.getByRole("dialog", { name: "Novo campo" });
  assert.equal(await create.getByLabel("Nome do campo").inputValue(), "Cidade");
  await create.getByRole("button", { name: "Criar" }).click();
  await create.waitFor({ state: "detached" });
  const cidade = await page.evaluate(() => window.__MOCK__.state.fields.find((f) => f.label === "Cidade").id);
  assert.equal(await columnSelect(dialog, "Cidade").inputValue(), `field:${cidade}`);
  // The wizard is still open, on the mapping.
  await dialog.getByRole("button", { name: "Importar 100.000 linhas" }).waitFor();
  await app.close();
});

test("cancelling the file picker closes the wizard without importing", async () => {
  const app = await openApp(browser, server.url, { ...SEED, importFile: null });
  const { page } = app;
  await page.getByTestId("contact-row").first().waitFor();
  await page.getByRole("button", { name: "Importar CSV" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.some((c) => c.cmd === "contacts_import_pick"));
  await page.getByRole("dialog", { name: "Importar contatos de CSV" }).waitFor({ state: "detached" });
  assert.equal((await app.calls()).filter((c) => c.cmd === "contacts_import_run").length, 0);
  await app.close();
});

test("an unreadable file is explained, with a way to choose another", async () => {
  const message = "Este arquivo parece ser uma planilha do Excel (.xlsx). Salve como CSV e tente de novo.";
  const app = await openApp(browser, server.url, { ...SEED, importPickError: { code: "import_file_unreadable", message } });
  const { page } = app;
  await page.getByRole("button", { name: "Importar CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Importar contatos de CSV" });
  await dialog.getByRole("alert").filter({ hasText: message }).waitFor();
  await dialog.getByRole("button", { name: "Escolher outro arquivo" }).click();
  await page.waitForFunction(() => window.__MOCK__.calls.filter((c) => c.cmd === "contacts_import_pick").length === 2);
  await app.close();
});

test("a clean import offers no rejected rows to download; in English the report speaks English", async () => {
  const clean = { ...REPORT, rejected: 0, problems: [], warned: 0, warnings: [] };
  const app = await openApp(browser, server.url, { ...SEED, importReport: clean, importHold: false, language: "en" });
  const { page } = app;
  await page.getByRole("button", { name: "Import CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Import contacts from CSV" });
  await dialog.getByRole("button", { name: "Import 100,000 rows" }).click();
  await dialog.getByTestId("report-created").filter({ hasText: "98,000" }).waitFor();
  assert.equal(await dialog.getByTestId("report-warned").textContent(), "Values left empty0");
  assert.equal(await dialog.getByRole("button", { name: "Download rejected rows" }).count(), 0);
  assert.equal(await dialog.getByRole("table").count(), 0);
  await app.close();
});
