// Settings → Backup (issue 19, item 5) in real Chromium against the fake
// backend (mock-backend.mjs + mock-backup.mjs): the last backup and the
// list, "Fazer backup agora", the folder and days kept (Rust's refusal
// shown), and a restore whose confirmation says what happens, with the sync
// warning that must be ticked, a refused file, and the restart.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

let browser, server;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 12);
const SEED = {
  accounts: [{ name: "Padaria Pão Quente" }],
  backup: {
    backups: [
      { kind: "daily", takenAt: T0 - 2 * DAY },
      { kind: "daily", takenAt: T0 - DAY, bytes: 2_600_000 },
      { kind: "before_migration", takenAt: T0 - 5 * DAY, media: false, version: 29 },
    ],
    pickFolder: "/media/pendrive/zapdesk",
  },
};

const callsOf = async (app, cmd) => (await app.calls()).filter((c) => c.cmd === cmd);

async function backupPanel(page) {
  await page.getByRole("button", { name: "Configurações" }).click();
  const panel = page.getByRole("region", { name: "Backup" });
  await panel.getByTestId("backup-last").waitFor();
  return panel;
}

test("the list, back up now, and the folder and days kept", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const panel = await backupPanel(page);
  assert.match(await panel.getByTestId("backup-last").textContent(), /Último backup: .*2,5 MB/);
  assert.match(await panel.getByTestId("backup-media").textContent(), /arquivos de mídia/);
  assert.match(await panel.getByTestId("backup-media").textContent(), /Não incluído/);
  const items = panel.getByTestId("backup-item");
  assert.equal(await items.count(), 3);
  assert.match(await items.nth(2).textContent(), /antes de atualizar.*versão 29.*sem mídia/);

  await panel.getByRole("button", { name: "Fazer backup agora" }).click();
  await page.getByText(/Backup feito: zapdesk-backup-.*-manual\.sqlite3/).waitFor();
  await panel.getByTestId("backup-item").nth(3).waitFor();
  assert.match(await items.first().textContent(), /manual/);
  assert.match(await panel.getByTestId("backup-last").textContent(), /3 MB/);

  // Days kept: Rust refuses 0, in its words.
  const days = panel.getByLabel("Dias guardados");
  assert.equal(await days.inputValue(), "7");
  await days.fill("0");
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Os dias guardados devem ficar entre 1 e 365.").waitFor();
  await days.fill("14");
  await panel.getByRole("button", { name: "Escolher pasta" }).click();
  await panel.getByTestId("backup-folder").getByText("/media/pendrive/zapdesk").waitFor();
  await panel.getByRole("button", { name: "Salvar" }).click();
  await page.getByText("Configurações de backup salvas.").waitFor();
  assert.deepEqual((await callsOf(app, "backup_set_settings")).at(-1).args, {
    settings: { folder: "/media/pendrive/zapdesk", keep_days: 14 },
  });
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a restore says what happens, keeps the current data aside, and restarts", async () => {
  const app = await openApp(browser, server.url, SEED);
  const { page } = app;
  const panel = await backupPanel(page);
  await panel.getByTestId("backup-item").first().getByRole("button", { name: "Restaurar" }).click();
  const dialog = page.getByRole("dialog", { name: "Restaurar este backup?" });
  await dialog.getByText("Os números, campanhas e robôs param agora.").waitFor();
  await dialog.getByText("Os dados atuais não são apagados: ficam guardados em /home/agencia/.local/share/app.zapdesk.desktop/backups.").waitFor();
  await dialog.getByText("O ZapDesk reinicia em seguida e os números voltam a rodar.").waitFor();
  assert.equal(await dialog.getByRole("checkbox").count(), 0);
  // Cancel changes nothing.
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  assert.equal((await callsOf(app, "backup_restore")).length, 0);

  await panel.getByTestId("backup-item").first().getByRole("button", { name: "Restaurar" }).click();
  await dialog.getByRole("button", { name: "Restaurar" }).click();
  const done = page.getByTestId("backup-restored");
  await done.getByText(/Os dados anteriores estão guardados em .*before-restore\.sqlite3/).waitFor();
  await done.getByText("Arquivos de mídia recolocados: 3.").waitFor();
  const restore = (await callsOf(app, "backup_restore")).at(-1).args;
  assert.match(restore.path, /zapdesk-backup-.*-daily\.sqlite3$/);
  assert.equal(restore.syncAcknowledged, false);
  assert.equal((await callsOf(app, "app_restart")).length, 0);
  await done.getByRole("button", { name: "Reiniciar o ZapDesk" }).click();
  await page.waitForFunction(() => window.__MOCK__.state.backup.restarted);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("with sync on the warning must be ticked, and a file that is no backup is refused in the dialog", async () => {
  const app = await openApp(browser, server.url, {
    ...SEED,
    backup: { ...SEED.backup, syncOn: true, pickFile: "/home/agencia/Downloads/planilha.sqlite3", invalid: ["/home/agencia/Downloads/planilha.sqlite3"] },
  });
  const { page } = app;
  const panel = await backupPanel(page);
  await panel.getByRole("button", { name: "Restaurar de um arquivo…" }).click();
  const dialog = page.getByRole("dialog", { name: "Restaurar este backup?" });
  await dialog.getByText("Os dados do ZapDesk voltarão a ser os do arquivo /home/agencia/Downloads/planilha.sqlite3. O que mudou depois dele não estará mais na tela.").waitFor();
  await dialog.getByText(/A sincronização está ligada\. .*não desfaz uma mudança já sincronizada\./).waitFor();
  const confirm = dialog.getByRole("button", { name: "Restaurar" });
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel("Entendi: o que está no servidor volta depois de restaurar.").check();
  await confirm.click();
  await dialog.getByText("Este arquivo não é um backup do ZapDesk. Escolha um arquivo zapdesk-backup-….sqlite3; nada foi alterado.").waitFor();
  assert.equal((await callsOf(app, "backup_restore")).at(-1).args.syncAcknowledged, true);
  assert.equal(await page.evaluate(() => window.__MOCK__.state.backup.restored), null);
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("an agent does not see the backups", async () => {
  const app = await openApp(browser, server.url, { ...SEED, users: [{ name: "Dona", role: "owner" }, { name: "Beto", role: "agent" }], me: 1 });
  const { page } = app;
  await page.getByRole("button", { name: "Configurações" }).click();
  await page.getByRole("heading", { name: "Configurações" }).waitFor();
  await page.getByRole("heading", { name: "Equipe" }).waitFor();
  assert.equal(await page.getByRole("region", { name: "Backup" }).count(), 0);
  assert.equal((await callsOf(app, "backup_status")).length, 0);
  await app.close();
});
