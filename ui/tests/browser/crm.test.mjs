// Contacts as a CRM base in real Chromium: tags on the rows, the filter panel
// with its live count, selecting a whole filter result for bulk actions,
// segments, custom fields in Settings and in the contact dialog.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BASE = {
  accounts: [{ name: "Academia Forma" }],
  tags: [{ name: "VIP", color: "#b91c1c" }, { name: "Lead", color: "#1d4ed8" }, { name: "Matrícula", color: "#7c3aed" }],
  contacts: [
    { phone: "+5511911112222", name: "Ana Lima", tags: ["VIP", "Lead"] },
    { phone: "+5521933334444", name: "Bruno Souza", tags: ["Lead"], optedOut: true },
    { phone: "+5531955556666", name: "Carla Dias", tags: ["VIP"] },
  ],
};

/** Waits until the header count reads exactly `text`. */
const countIs = (page, text) => page.getByTestId("contacts-count").filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
const rowOf = (page, name) => page.getByTestId("contact-row").filter({ hasText: name });
const tagsOfRow = (page, name) => rowOf(page, name).getByTestId("tag").allTextContents();
const tagId = (app, name) => app.page.evaluate((n) => window.__MOCK__.state.tags.find((x) => x.name === n).id, name);
const lastCall = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd).at(-1);
const filterButton = (page) => page.getByRole("button", { name: /^Filtros/ });

test("each row shows its tags as chips in the tag's colour", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await countIs(page, "3 contatos");
  assert.deepEqual(await tagsOfRow(page, "Ana Lima"), ["VIP", "Lead"]);
  assert.deepEqual(await tagsOfRow(page, "Bruno Souza"), ["Lead"]);
  const vip = rowOf(page, "Carla Dias").getByTestId("tag");
  assert.equal(await vip.evaluate((el) => getComputedStyle(el).color), "rgb(185, 28, 28)");
  // The opt-out badge is still there beside the name.
  await rowOf(page, "Bruno Souza").getByTestId("opted-out").waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("filtering by tag updates the live count and the list; the chip removes the filter", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await countIs(page, "3 contatos");
  await filterButton(page).click();
  const panel = page.getByRole("region", { name: "Filtros" });
  await panel.getByRole("group", { name: "Tem todas estas", exact: true }).getByRole("button", { name: "VIP", exact: true }).click();
  await countIs(page, "2 contatos");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=contact-row]").length === 2);
  assert.equal(await rowOf(page, "Bruno Souza").count(), 0);
  const vip = await tagId(app, "VIP");
  assert.deepEqual((await lastCall(app, "contacts_count")).args.filter, { tags_all: [vip] });
  assert.deepEqual((await lastCall(app, "contacts_list")).args.query.filter, { tags_all: [vip] });
  assert.equal(await filterButton(page).textContent(), "Filtros (1)");

  // Excluding Lead as well leaves only Carla.
  await panel.getByRole("group", { name: "Não tem nenhuma destas" }).getByRole("button", { name: "Lead", exact: true }).click();
  await countIs(page, "1 contato");
  await rowOf(page, "Carla Dias").waitFor();
  assert.deepEqual(await page.getByTestId("filter-chip").allTextContents(), ["Com VIP×", "Sem Lead×"]);

  // Only opted-out contacts among them: nobody, and the screen says so.
  await panel.getByLabel("Só descadastrados").check();
  await page.getByTestId("no-match").getByText("Nenhum contato corresponde a estes filtros.").waitFor();
  await countIs(page, "0 contatos");

  await page.getByRole("button", { name: "Remover filtro: Só descadastrados" }).click();
  await page.getByRole("button", { name: "Remover filtro: Sem Lead" }).click();
  await page.getByRole("button", { name: "Remover filtro: Com VIP" }).click();
  await countIs(page, "3 contatos");
  assert.deepEqual((await lastCall(app, "contacts_count")).args.filter, {});
  assert.equal(await page.getByTestId("filter-chip").count(), 0);
  await app.close();
});

test("a custom field condition filters by value; a value Rust refuses is shown beside the filter", async () => {
  const app = await openApp(browser, server.url, {
    ...BASE,
    fields: [{ label: "Pontos", kind: "number" }, { label: "Plano", kind: "choice", choices: ["Bronze", "Ouro"] }],
    contacts: [
      { phone: "+5511911112222", name: "Ana Lima", fields: { Pontos: "1500", Plano: "Ouro" } },
      { phone: "+5521933334444", name: "Bruno Souza", fields: { Pontos: "200" } },
      { phone: "+5531955556666", name: "Carla Dias" },
    ],
  });
  const { page } = app;
  await countIs(page, "3 contatos");
  await filterButton(page).click();
  const panel = page.getByRole("region", { name: "Filtros" });
  await panel.getByRole("button", { name: "+ Adicionar condição" }).click();
  const condition = panel.getByRole("group", { name: "Condição 1" });
  await condition.getByLabel("Campo").selectOption({ label: "Pontos" });
  await condition.getByLabel("Condição", { exact: true }).selectOption({ label: "maior que" });
  await condition.getByLabel("Valor").fill("1.000");
  await countIs(page, "1 contato");
  await rowOf(page, "Ana Lima").waitFor();
  await page.getByTestId("filter-chip").filter({ hasText: "Pontos maior que 1.000" }).waitFor();

  await condition.getByLabel("Valor").fill("mil");
  await panel.getByRole("alert").filter({ hasText: "\"mil\" não serve para o campo Pontos" }).waitFor();

  await condition.getByLabel("Condição", { exact: true }).selectOption({ label: "vazio" });
  await countIs(page, "1 contato");
  await rowOf(page, "Carla Dias").waitFor();
  assert.equal(await panel.getByRole("alert").count(), 0);
  assert.deepEqual((await lastCall(app, "contacts_count")).args.filter.fields[0].op, "is_empty");
  await app.close();
});

test("select all of the filter result and add a tag: the selection is the filter, not the loaded rows", async () => {
  // 150 leads: more than one page, so only a filter selection can reach them all.
  const leads = Array.from({ length: 150 }, (_, i) => ({ phone: `+55119${String(20000000 + i)}`, name: `Lead ${String(i).padStart(3, "0")}`, tags: ["Lead"] }));
  const app = await openApp(browser, server.url, { ...BASE, contacts: [...BASE.contacts, ...leads] });
  const { page } = app;
  await countIs(page, "153 contatos");
  await filterButton(page).click();
  await page.getByRole("group", { name: "Tem pelo menos uma destas" }).getByRole("button", { name: "Lead", exact: true }).click();
  await countIs(page, "152 contatos");

  await page.getByLabel("Selecionar todos os 152 contatos").check();
  const bar = page.getByRole("toolbar", { name: "Ações com os selecionados" });
  assert.equal(await bar.getByTestId("selected-count").textContent(), "152 selecionados");
  // Rows cannot be unpicked one by one while the whole result is selected.
  assert.ok(await rowOf(page, "Ana Lima").getByRole("checkbox").isChecked());
  assert.ok(await rowOf(page, "Ana Lima").getByRole("checkbox").isDisabled());

  await bar.getByLabel("Adicionar etiqueta").selectOption({ label: "Matrícula" });
  await page.getByText("Etiqueta “Matrícula” adicionada a 152 contatos.").waitFor();
  const call = await lastCall(app, "tags_apply_selection");
  const [lead, matricula] = [await tagId(app, "Lead"), await tagId(app, "Matrícula")];
  assert.deepEqual(call.args, { account: call.args.account, tag: matricula, selection: { kind: "filter", filter: { tags_any: [lead] } }, on: true });
  // The list was reloaded: the new chip is on the rows, and the selection is gone.
  await rowOf(page, "Ana Lima").getByTestId("tag").filter({ hasText: "Matrícula" }).waitFor();
  assert.deepEqual(await tagsOfRow(page, "Bruno Souza"), ["Lead", "Matrícula"]);
  assert.equal(await bar.count(), 0);
  const tagged = await page.evaluate((tag) => window.__MOCK__.state.contactTags.filter((x) => x.tag === tag).length, matricula);
  assert.equal(tagged, 152);
  await app.close();
});

test("rows picked by hand: export them, then delete them after a confirmation that gives the count", async () => {
  const app = await openApp(browser, server.url, BASE);
  const { page } = app;
  await rowOf(page, "Ana Lima").getByRole("checkbox").check();
  await rowOf(page, "Carla Dias").getByRole("checkbox").check();
  const bar = page.getByRole("toolbar", { name: "Ações com os selecionados" });
  assert.equal(await bar.getByTestId("selected-count").textContent(), "2 selecionados");
  const ids = await page.evaluate(() => window.__MOCK__.state.contacts.filter((c) => c.name !== "Bruno Souza").map((c) => c.id));

  await bar.getByRole("button", { name: "Exportar CSV" }).click();
  await page.getByText("Contatos exportados para /home/ana/Documentos/contatos.csv").waitFor();
  const exported = (await lastCall(app, "contacts_export")).args.selection;
  assert.equal(exported.kind, "ids");
  assert.deepEqual([...exported.ids].sort(), [...ids].sort());

  await bar.getByRole("button", { name: "Excluir" }).click();
  const dialog = page.getByRole("dialog", { name: "Excluir contatos" });
  await dialog.getByText("Excluir 2 contatos?", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Excluir 2 contatos" }).click();
  await page.getByText("2 contatos excluídos.").waitFor();
  await countIs(page, "1 contato");
  assert.equal(await page.getByTestId("contact-row").count(), 1);
  const deleted = (await lastCall(app, "contacts_delete_selection")).args.selection;
  assert.deepEqual([...deleted.ids].sort(), [...ids].sort());
  await app.close();
});

test("save the filter as a segment, pick it from the dropdown with its count, update it, delete it", async () => {
  const app = await openApp(browser, server.url, { ...BASE, segments: [{ name: "Leads", filter: { tags_any: [] } }] });
  const { page } = app;
  await countIs(page, "3 contatos");
  const picker = page.getByLabel("Segmento", { exact: true });
  await filterButton(page).click();
  await page.getByRole("group", { name: "Tem todas estas" }).getByRole("button", { name: "VIP", exact: true }).click();
  await countIs(page, "2 contatos");

  await page.getByRole("button", { name: "Salvar como segmento" }).click();
  const dialog = page.getByRole("dialog", { name: "Salvar como segmento" });
  await dialog.getByLabel("Nome do segmento").fill("leads");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.locator("#segment-name-note[role=alert]").filter({ hasText: "Já existe um segmento \"leads\" nesta conta." }).waitFor();
  await dialog.getByLabel("Nome do segmento").fill("Clientes VIP");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await dialog.waitFor({ state: "detached" });
  const vip = await tagId(app, "VIP");
  assert.deepEqual((await lastCall(app, "segments_create")).args.input, { name: "Clientes VIP", filter: { tags_all: [vip] } });
  await picker.locator("option", { hasText: "Clientes VIP (2)" }).waitFor({ state: "attached" });
  assert.equal(await picker.locator("option:checked").textContent(), "Clientes VIP (2)");

  // Back to everyone, then the segment again: its filter comes back with it.
  await picker.selectOption({ label: "Todos os contatos" });
  await countIs(page, "3 contatos");
  assert.equal(await page.getByTestId("filter-chip").count(), 0);
  await picker.selectOption({ label: "Clientes VIP (2)" });
  await countIs(page, "2 contatos");
  await page.getByTestId("filter-chip").filter({ hasText: "Com VIP" }).waitFor();
  const pressed = page.getByRole("group", { name: "Tem todas estas" }).getByRole("button", { name: "VIP", exact: true });
  assert.equal(await pressed.getAttribute("aria-pressed"), "true");
  assert.equal(await page.getByRole("button", { name: "Atualizar segmento" }).count(), 0);

  // Changing the loaded segment's filter offers to update it.
  await page.getByRole("region", { name: "Filtros" }).getByLabel("Só quem aceita mensagens").check();
  await countIs(page, "2 contatos");
  await page.getByRole("button", { name: "Atualizar segmento" }).click();
  await page.getByText("Segmento “Clientes VIP” atualizado.").waitFor();
  assert.deepEqual((await lastCall(app, "segments_update")).args.input, { name: "Clientes VIP", filter: { tags_all: [vip], opted_out: false } });
  await page.getByRole("button", { name: "Atualizar segmento" }).waitFor({ state: "detached" });

  await page.getByRole("button", { name: "Excluir segmento" }).click();
  const confirm = page.getByRole("dialog", { name: "Excluir segmento" });
  await confirm.getByText("Excluir o segmento “Clientes VIP”?", { exact: false }).waitFor();
  await confirm.getByRole("button", { name: "Excluir segmento" }).click();
  await confirm.waitFor({ state: "detached" });
  await countIs(page, "3 contatos");
  assert.deepEqual(await picker.locator("option").allTextContents(), ["Todos os contatos", "Leads (3)"]);
  // Desfazer: the segment is back in the list, and Rust never deleted it.
  await page.getByTestId("undo-toast").getByText("Segmento “Clientes VIP” excluído").waitFor();
  await page.getByTestId("undo-toast").getByRole("button", { name: "Desfazer" }).click();
  await picker.locator("option", { hasText: "Clientes VIP" }).waitFor({ state: "attached" });
  assert.equal((await app.calls()).filter((c) => c.cmd === "segments_delete").length, 0);
  // Deleted again and left alone: sent when the window ends.
  await picker.selectOption({ label: "Clientes VIP (2)" });
  await page.getByRole("button", { name: "Excluir segmento" }).click();
  await confirm.getByRole("button", { name: "Excluir segmento" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.segments.every((s) => s.name !== "Clientes VIP"), null, { timeout: 15_000 });
  assert.deepEqual(await picker.locator("option").allTextContents(), ["Todos os contatos", "Leads (3)"]);
  await app.close();
});

test("a custom field created in Settings appears in the contact dialog; a bad number is refused under it", async () => {
  const app = await openApp(browser, server.url, { ...BASE, contacts: [BASE.contacts[0]] });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "Campos personalizados" });
  await panel.getByRole("button", { name: "+ Novo campo" }).click();
  let dialog = page.getByRole("dialog", { name: "Novo campo" });
  await dialog.getByLabel("Nome do campo").fill("Pontos");
  await dialog.getByLabel("Tipo").selectOption({ label: "Número" });
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.waitFor({ state: "detached" });
  const item = panel.getByTestId("custom-field").filter({ hasText: "Pontos" });
  await item.getByText("{{pontos}}").waitFor();
  assert.match(await item.textContent(), /Número/);

  // The same name again is refused under the name.
  await panel.getByRole("button", { name: "+ Novo campo" }).click();
  dialog = page.getByRole("dialog", { name: "Novo campo" });
  await dialog.getByLabel("Nome do campo").fill("pontos");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.locator("#field-label-note[role=alert]").filter({ hasText: "Já existe um campo \"pontos\" nesta conta." }).waitFor();
  await dialog.getByRole("button", { name: "Cancelar" }).click();

  // A choice field with its options, one per line.
  await panel.getByRole("button", { name: "+ Novo campo" }).click();
  dialog = page.getByRole("dialog", { name: "Novo campo" });
  await dialog.getByLabel("Nome do campo").fill("Plano");
  await dialog.getByLabel("Tipo").selectOption({ label: "Escolha" });
  await dialog.getByLabel("Opções (uma por linha)").fill("Bronze\nOuro\n");
  await dialog.getByRole("button", { name: "Criar" }).click();
  await panel.getByTestId("custom-field").filter({ hasText: "Bronze, Ouro" }).waitFor();

  await page.getByRole("button", { name: "Contatos" }).click();
  await rowOf(page, "Ana Lima").getByRole("button", { name: "Editar" }).click();
  const edit = page.getByRole("dialog", { name: "Editar contato" });
  await edit.getByLabel("Pontos").fill("abc");
  await edit.getByLabel("Plano").selectOption("Ouro");
  await edit.getByRole("button", { name: "Salvar" }).click();
  const fieldId = await page.evaluate(() => window.__MOCK__.state.fields.find((f) => f.label === "Pontos").id);
  const note = edit.locator(`#contact-field-${fieldId}-note[role=alert]`);
  await note.waitFor();
  assert.equal(await note.textContent(), "\"abc\" não serve para o campo Pontos: use um número, como 1.234,56.");
  // All or nothing: the valid choice was not written either.
  assert.equal(await page.evaluate(() => window.__MOCK__.state.fieldValues.length), 0);

  await edit.getByLabel("Pontos").fill("1.234,5");
  await edit.getByRole("button", { name: "Salvar" }).click();
  await edit.waitFor({ state: "detached" });
  await page.getByText("Contato salvo.").waitFor();
  const values = await page.evaluate(() => window.__MOCK__.state.fieldValues.map((v) => v.value).sort());
  assert.deepEqual(values, ["1234.5", "Ouro"]);

  // Opened again, the values read the Brazilian way.
  await rowOf(page, "Ana Lima").getByRole("button", { name: "Editar" }).click();
  const again = page.getByRole("dialog", { name: "Editar contato" });
  await again.getByLabel("Plano").filter({ has: page.locator("option:checked", { hasText: "Ouro" }) }).waitFor();
  assert.equal(await again.getByLabel("Pontos").inputValue(), "1234,5");
  await app.close();
});

test("a new contact with tags and a date field is created in one save", async () => {
  const app = await openApp(browser, server.url, { ...BASE, contacts: [], fields: [{ label: "Aniversário", kind: "date" }] });
  const { page } = app;
  await page.getByRole("button", { name: "+ Novo contato" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Novo contato" });
  await dialog.getByLabel("Telefone (WhatsApp)").fill("(11) 98765-4321");
  await dialog.getByLabel("Nome", { exact: true }).fill("Dora");
  await dialog.getByLabel("Aniversário").fill("1990-03-15");
  await dialog.getByLabel("Adicionar etiqueta").selectOption({ label: "VIP" });
  await dialog.getByTestId("tag").filter({ hasText: "VIP" }).waitFor();
  await dialog.getByRole("button", { name: "Criar" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.deepEqual(await tagsOfRow(page, "Dora"), ["VIP"]);
  const vip = await tagId(app, "VIP");
  const apply = await lastCall(app, "tags_apply_selection");
  assert.equal(apply.args.tag, vip);
  assert.equal(apply.args.selection.kind, "ids");
  assert.equal(apply.args.selection.ids.length, 1);
  assert.deepEqual((await lastCall(app, "fields_set_values")).args.values.map((v) => v.value), ["1990-03-15"]);
  await app.close();
});

test("custom fields as columns of the contact list, picked in Colunas and kept for the account", async () => {
  const app = await openApp(browser, server.url, {
    accounts: [{ name: "Loja" }],
    fields: [{ label: "Plano", kind: "choice", choices: ["Ouro", "Prata"] }, { label: "Pontos", kind: "number" }, { label: "Nascimento", kind: "date" }],
    contacts: [
      { phone: "+5511987654321", name: "Ana", fields: { Plano: "ouro", Pontos: "1234,5", Nascimento: "31/12/1990" } },
      { phone: "+5511912345678", name: "Bruno" },
    ],
  });
  const { page } = app;
  const ana = page.getByTestId("contact-row").filter({ hasText: "Ana" });
  await ana.waitFor();
  assert.equal(await ana.getByTestId("contact-field").count(), 0, "no columns until picked");
  await page.getByText("Colunas").click();
  const menu = page.getByRole("group", { name: "Colunas" });
  await menu.getByLabel("Pontos").check();
  await menu.getByLabel("Plano").check();
  // In the fields' order, formatted in pt-BR; empty for a contact without a value.
  await ana.getByTestId("contact-field").nth(1).waitFor();
  assert.deepEqual(await ana.getByTestId("contact-field").allTextContents(), ["Ouro", "1.234,5"]);
  assert.deepEqual(await page.getByTestId("contact-row").filter({ hasText: "Bruno" }).getByTestId("contact-field").allTextContents(), ["", ""]);
  await menu.getByLabel("Nascimento").check();
  await ana.getByTestId("contact-field").nth(2).filter({ hasText: "31/12/1990" }).waitFor();

  // Kept on this computer for the account: a reload shows the same columns.
  await page.reload();
  await page.getByTestId("contact-row").filter({ hasText: "Ana" }).getByTestId("contact-field").nth(2).waitFor();
  assert.deepEqual(app.errors, []);
  await app.close();
});
