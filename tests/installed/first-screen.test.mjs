// The INSTALLED ZapDesk reaches its first screen (issue 19, item 1): run by
// scripts/deb-smoke.sh after `apt-get install ./zapdesk_….deb`, with
// ZAPDESK_APP naming the installed binary (/usr/bin/zapdesk). Not part of
// `node --test tests/e2e/`: it needs the package installed first.
// Under Xvfb and a D-Bus session (the tray and the keyring use it), through
// tauri-driver + WebKitWebDriver, as tests/e2e does with the debug build.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "../e2e/webdriver.mjs";

const APP = process.env.ZAPDESK_APP;
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

before(async () => {
  assert.ok(APP, "ZAPDESK_APP is not set: scripts/deb-smoke.sh sets it to the installed binary");
  assert.ok(existsSync(APP), `${APP} is missing: is the package installed?`);
  assert.ok(process.env.DISPLAY, "no X display: run under xvfb-run");
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "no D-Bus session: run under dbus-run-session");
  dataDir = mkdtempSync(join(tmpdir(), "zapdesk-installed-"));
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
  await new Promise((resolve, reject) => {
    driver.once("exit", (code) => reject(new Error(`tauri-driver exited (${code}):\n${driverLog}`)));
    const poll = () => fetch(`${base}/status`).then(resolve, () => (driver.exitCode === null ? setImmediate(poll) : undefined));
    poll();
  });
  session = await Session.create(base, { "tauri:options": { application: APP } });
});

after(async () => {
  await session?.close().catch(() => {});
  driver?.kill();
  // Ending the session SIGKILLs the app; anything still running with this
  // data folder in its environment is ended by its pid, so the package can be
  // removed with nothing of it running.
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`ZAPDESK_DATA_DIR=${dataDir}`)) {
        process.kill(Number(pid), "SIGKILL");
      }
    } catch { /* gone, or not ours to read */ }
  }
  driver?.stdout?.destroy();
  driver?.stderr?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("the installed app opens on its first screen, with its files from the package", async () => {
  // An empty data folder opens on the welcome screen: the UI bundled into the
  // binary loaded, the core opened a new store and answered the first calls.
  await session.find("//h1[normalize-space()='Bem-vindo ao ZapDesk']");
  // The data folder is the one given, not the developer's.
  assert.ok(existsSync(join(dataDir, "zapdesk.lock")), "the app did not take its data folder");
});
