// Start to first screen and idle memory of built Tauri apps, side by side in
// one run (issue 19: the installed ZapDesk against a minimal Tauri window).
// Usage, under Xvfb and a D-Bus session (bench/installers.sh sets both up):
//   node bench/installers.mjs label=/usr/bin/zapdesk=XPATH [label2=BIN=XPATH …] [--rounds N] [--settle S] [--drop-caches]
// For each round, each build in turn:
//   start: through tauri-driver + WebKitWebDriver, from the WebDriver session
//          request until XPATH is drawn (fresh data and cache folders), as
//          bench/startup.mjs measures the debug builds; with --drop-caches
//          (root), the kernel's page cache is emptied before each start and
//          only the drivers are read back in (each run once with --help), so
//          the app's binary and libraries come from the disk: a cold start;
//   memory: the binary started on its own (no driver), left alone S seconds
//          (10 by default), then PSS from /proc/PID/smaps_rollup summed over
//          it and every process below it (WebKitWebProcess,
//          WebKitNetworkProcess, and bwrap/xdg-dbus-proxy when WebKit
//          sandboxes them).
// Prints medians. Measures only: nothing here passes or fails on a number.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Session } from "../tests/e2e/webdriver.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const rounds = option("--rounds", 5);
const settle = option("--settle", 10);
const dropCaches = args.includes("--drop-caches");
const builds = args
  .filter((a) => a.includes("="))
  .map((a) => {
    const [label, bin, ...xpath] = a.split("=");
    return { label, bin, xpath: xpath.join("=") };
  });
if (!builds.length) throw new Error("usage: node bench/installers.mjs label=/path/bin=XPATH …");
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

/** A fresh data, config and cache home, so every start is a first start. */
function freshEnv() {
  const home = mkdtempSync(join(tmpdir(), "zapdesk-bench-home-"));
  return {
    home,
    env: {
      ...process.env,
      ZAPDESK_DATA_DIR: join(home, "data"),
      XDG_DATA_HOME: join(home, "share"),
      XDG_CACHE_HOME: join(home, "cache"),
      XDG_CONFIG_HOME: join(home, "config"),
    },
  };
}

function children() {
  const byParent = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(pid));
    } catch { /* gone */ }
  }
  return byParent;
}

/** `pid` and every process below it. */
function tree(pid) {
  const byParent = children();
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

function pssKiB(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "latin1"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "latin1").trim();
  } catch {
    return "?";
  }
}

function killTree(pid) {
  for (const p of tree(pid).reverse()) {
    try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
  }
}

async function startOnce({ bin, xpath }) {
  if (dropCaches) {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    // The drivers back in the cache (their own libraries are not WebKitGTK's):
    // only what the app itself loads comes from the disk. `--help` exits 1.
    spawnSync("WebKitWebDriver", ["--help"], { stdio: "ignore" });
    spawnSync("tauri-driver", ["--help"], { stdio: "ignore" });
  }
  const { home, env } = freshEnv();
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  try {
    await new Promise((resolve, reject) => {
      driver.once("exit", (code) => reject(new Error(`tauri-driver exited (${code})`)));
      const poll = () => fetch(`${base}/status`).then(resolve, () => setImmediate(poll));
      poll();
    });
    const t0 = performance.now();
    const session = await Session.create(base, { "tauri:options": { application: bin } });
    const window = performance.now() - t0;
    await session.find(xpath);
    const screen = performance.now() - t0;
    await session.close().catch(() => {});
    return { window, screen };
  } finally {
    killTree(driver.pid);
    rmSync(home, { recursive: true, force: true });
  }
}

async function memoryOnce({ bin }) {
  const { home, env } = freshEnv();
  const app = spawn(bin, [], { env, stdio: "ignore" });
  try {
    await sleep(settle * 1000);
    if (app.exitCode !== null) throw new Error(`${bin} exited (${app.exitCode}) before it was measured`);
    const pids = tree(app.pid);
    const parts = pids.map((pid) => ({ name: comm(pid), kib: pssKiB(pid) }));
    return { total: parts.reduce((s, p) => s + p.kib, 0), parts };
  } finally {
    killTree(app.pid);
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = new Map(builds.map((b) => [b.label, { window: [], screen: [], pss: [], parts: null }]));
for (let r = 0; r < rounds; r++) {
  for (const build of builds) {
    const into = results.get(build.label);
    const start = await startOnce(build);
    into.window.push(start.window);
    into.screen.push(start.screen);
    const memory = await memoryOnce(build);
    into.pss.push(memory.total);
    into.parts = memory.parts;
    console.error(`round ${r + 1} ${build.label}: window ${start.window.toFixed(0)} ms, first screen ${start.screen.toFixed(0)} ms, PSS ${(memory.total / 1024).toFixed(1)} MiB`);
  }
}

const first = builds[0].label;
console.log("| build | window (ms) | first screen (ms) | idle PSS (MiB) | PSS by process (last round, MiB) |");
console.log("|---|---|---|---|---|");
for (const { label } of builds) {
  const m = results.get(label);
  const base = results.get(first);
  const ratio = (k) => (label === first ? "" : ` (${(median(m[k]) / median(base[k])).toFixed(2)}×)`);
  const parts = m.parts.filter((p) => p.kib > 0).map((p) => `${p.name} ${(p.kib / 1024).toFixed(1)}`).join(", ");
  console.log(`| ${label} | ${median(m.window).toFixed(0)}${ratio("window")} | ${median(m.screen).toFixed(0)}${ratio("screen")} | ${(median(m.pss) / 1024).toFixed(1)}${ratio("pss")} | ${parts} |`);
}
console.log(`\nmedians of ${rounds} rounds (each: one start through WebDriver${dropCaches ? " from an emptied page cache" : ""}, one start alone measured after ${settle} s); ratios against ${first}, same run`);
