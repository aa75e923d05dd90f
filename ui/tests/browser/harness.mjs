// Runs the built UI (ui/dist) in Debian's real Chromium through playwright-core,
// with Tauri's IPC replaced by an in-page fake backend (mock-backend.mjs).
// A missing browser or build is an error, never a skipped test.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { installApiMock } from "./mock-api.mjs";
import { installCloudCommandsMock } from "./mock-cloud-commands.mjs";
import { installReportsMock } from "./mock-reports.mjs";
import { installAssignmentMock } from "./mock-assignment.mjs";
import { installAutomationMock } from "./mock-automation.mjs";
import { installBackupMock } from "./mock-backup.mjs";
import { installDesktopMock } from "./mock-desktop.mjs";
import { installMockBackend } from "./mock-backend.mjs";
import { installPipelineMock } from "./mock-pipeline.mjs";
import { installPlansMock } from "./mock-plans.mjs";
import { installUpdatesMock } from "./mock-updates.mjs";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml" };

export async function startServer() {
  await stat(join(DIST, "index.html")).catch(() => {
    throw new Error(`ui/dist is missing: run "npm run build" first (looked in ${DIST})`);
  });
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(DIST, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  await stat(CHROMIUM).catch(() => {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's "chromium" package`);
  });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
}

/**
 * Opens the UI with a fake backend seeded from `seed` ({accounts, contacts, language, startError, and
 * the others listed at the top of mock-backend.mjs}).
 * Returns the page and a `calls()` reader of every IPC call the UI made.
 */
export async function openApp(browser, url, seed = {}) {
  // `seed.timezone` sets the page's clock zone (default: the machine's).
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "pt-BR", timezoneId: seed.timezone });
  // A returning operator opens where they left off: Contacts unless the
  // test names a screen, or `firstRun` (nothing kept yet: the Painel). With
  // `rememberScreen` the screen is set on the first load only, so a reload
  // opens where the UI left it (the tab's sessionStorage survives reloads).
  if (!seed.firstRun) {
    await context.addInitScript(({ screen, once }) => {
      if (once && sessionStorage.getItem("zapdesk.test.screenSet")) return;
      localStorage.setItem("zapdesk.screen", screen);
      sessionStorage.setItem("zapdesk.test.screenSet", "1");
    }, { screen: seed.screen ?? "contacts", once: Boolean(seed.rememberScreen) });
  }
  await context.addInitScript(installMockBackend, seed);
  // Keywords, flows and the bot's settings, on the state the first installed.
  await context.addInitScript(installAutomationMock, seed);
  // The local API's status, tokens and webhooks (issue 17), on the same state.
  await context.addInitScript(installApiMock, seed);
  // Settings → Comandos da nuvem: the agency's commands rows (issue 17, item 5).
  await context.addInitScript(installCloudCommandsMock, seed);
  // The pipeline's stages and cards (issue 18, item 7), on the same state.
  await context.addInitScript(installPipelineMock, seed);
  // Fair assignment: switch, caps, availability, queue, transfers (issue 18, item 6).
  await context.addInitScript(installAssignmentMock, seed);
  // Plans per account: limits, overrides, usage, refused creates (issue 18, item 4).
  await context.addInitScript(installPlansMock, seed);
  // The dashboard's reports and their CSV exports (issue 18, items 1 and 2).
  await context.addInitScript(installReportsMock, seed);
  // Settings → Backup: the list, back up now, settings, restore (issue 19, item 5).
  await context.addInitScript(installBackupMock, seed);
  // The browser numbers run on, the tray and autostart settings (issue 19).
  await context.addInitScript(installDesktopMock, seed);
  // Settings → Sobre → Atualizações: the updater's state, check and install (issue 19, item 4).
  await context.addInitScript(installUpdatesMock, seed);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(url);
  return {
    page,
    errors,
    calls: () => page.evaluate(() => window.__MOCK__.calls),
    close: () => context.close(),
  };
}
