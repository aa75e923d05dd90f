// The app's start to its first screen, for one or more builds of the desktop
// binary side by side in the same run (the VMs vary up to 3x from day to day;
// the ratio between builds measured together does not). Each round starts
// every binary once, in turn, through tauri-driver + WebKitWebDriver under
// Xvfb, in a fresh data folder, and measures:
//   window: from the WebDriver session request until it is answered (the
//           webview is up and the driver attached: the floor the app's own
//           work sits on);
//   welcome: until the first screen of an empty data folder is drawn;
//   account: with one account created beforehand by the CLI, until its
//           screen (the account switcher naming it) is drawn.
// Usage: xvfb-run -a node bench/startup.mjs label=/path/zapdesk [label2=…] [--rounds N]
// Needs tauri-driver on PATH (scripts/setup.sh installs it) and zapdesk-cli
// next to each binary.
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Session } from "../tests/e2e/webdriver.mjs";

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const builds = args
  .filter((a, i) => a.includes("=") && (roundsAt < 0 || i !== roundsAt + 1))
  .map((a) => {
    const [label, bin] = a.split("=");
    return { label, bin };
  });
if (!builds.length) throw new Error("usage: node bench/startup.mjs label=/path/zapdesk …");
if (!process.env.DISPLAY) throw new Error("no X display: run under xvfb-run");

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

async function startDriver(dataDir) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ZAPDESK_DATA_DIR: dataDir },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  await new Promise((resolve, reject) => {
    driver.once("exit", (code) => reject(new Error(`tauri-driver exited (${code})`)));
    const poll = () => fetch(`${base}/status`).then(resolve, () => setImmediate(poll));
    poll();
  });
  return { driver, base };
}

/** One start: milliseconds to the session and to `xpath` being drawn. */
async function once(bin, withAccount) {
  const dataDir = mkdtempSync(join(tmpdir(), "zapdesk-bench-"));
  if (withAccount) {
    execFileSync(join(dirname(bin), "zapdesk-cli"), ["--data-dir", dataDir, "accounts", "create", "--name", "Padaria Pão Quente"]);
  }
  const { driver, base } = await startDriver(dataDir);
  try {
    const t0 = performance.now();
    const session = await Session.create(base, { "tauri:options": { application: bin } });
    const window = performance.now() - t0;
    await session.find(
      withAccount
        ? "//select[@id='account-switcher']/option[normalize-space()='Padaria Pão Quente']"
        : "//h1[normalize-space()='Bem-vindo ao ZapDesk']",
    );
    const screen = performance.now() - t0;
    await session.close().catch(() => {});
    return { window, screen };
  } finally {
    driver.kill("SIGKILL");
    spawnSync("pkill", ["-KILL", "-f", dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const results = new Map(
  builds.map((b) => [b.label, { emptyWindow: [], welcome: [], accountWindow: [], account: [] }]),
);
for (let r = 0; r < rounds; r++) {
  for (const { label, bin } of builds) {
    const empty = await once(bin, false);
    const full = await once(bin, true);
    const into = results.get(label);
    into.emptyWindow.push(empty.window);
    into.welcome.push(empty.screen);
    into.accountWindow.push(full.window);
    into.account.push(full.screen);
  }
}

console.log(`| build | empty: window (ms) | empty: first screen (ms) | one account: window (ms) | one account: first screen (ms) |`);
console.log(`|---|---|---|---|---|`);
const first = builds[0].label;
for (const { label } of builds) {
  const m = results.get(label);
  const base = results.get(first);
  const ratio = (k) => (label === first ? "" : ` (${(median(m[k]) / median(base[k])).toFixed(2)}×)`);
  console.log(
    `| ${label} | ${["emptyWindow", "welcome", "accountWindow", "account"].map((k) => median(m[k]).toFixed(0) + ratio(k)).join(" | ")} |`,
  );
}
console.log(`\nmedians of ${rounds} rounds; ratios against ${first}, measured in the same run`);
