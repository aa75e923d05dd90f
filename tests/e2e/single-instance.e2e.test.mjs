// One ZapDesk per data folder (issue 19, item 3): the real binary started
// twice on the same folder under Xvfb and a D-Bus session (scripts/test-all.sh
// runs the e2e suite inside both): the second launch hands over to the first
// and exits 0, the first keeps running. A missing display, D-Bus session or
// binary fails the test, it is never skipped.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TARGET = process.env.CARGO_TARGET_DIR ?? new URL("../../target", import.meta.url).pathname;
const APP = join(TARGET, "debug", "zapdesk");

const started = [];
after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function start(dataDir) {
  const child = spawn(APP, [], { env: { ...process.env, ZAPDESK_DATA_DIR: dataDir }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => { log += d; });
  child.log = () => log;
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  started.push(child);
  return child;
}

/** Resolves when `file` exists in `dir` (the first instance took the folder's lock, so its single-instance name is held); fails if `child` exits first. */
function appears(dir, file, child) {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => { if (existsSync(join(dir, file))) { watcher.close(); resolve(); } });
    child.exited.then(({ code, signal }) => { watcher.close(); reject(new Error(`the first ZapDesk exited (${code ?? signal}):\n${child.log()}`)); });
    if (existsSync(join(dir, file))) { watcher.close(); resolve(); }
  });
}

// The time limits only turn a hang (a second launch that never hands over)
// into a failure; nothing here is measured.
test("a second launch on the same data folder exits 0 and the first keeps running", { timeout: 120_000 }, async () => {
  assert.ok(process.env.DISPLAY, "no X display: run under xvfb-run");
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "no D-Bus session: run under dbus-run-session");
  assert.ok(existsSync(APP), `${APP} is missing: build it first`);
  const dataDir = mkdtempSync(join(tmpdir(), "zapdesk-single-"));

  const first = start(dataDir);
  await appears(dataDir, "zapdesk.lock", first);

  const second = start(dataDir);
  const { code, signal } = await second.exited;
  assert.equal(signal, null, second.log());
  assert.equal(code, 0, second.log());
  assert.equal(first.exitCode, null, "the first ZapDesk stopped when the second started");
  assert.equal(first.signalCode, null);
  // The second did not get as far as the data folder (it would have been
  // refused by the lock with words instead of exiting 0). Its exit 0 also
  // says the first answered: the plugin exits 0 only once the running
  // instance accepted the hand-over (and brought its window forward).
  assert.doesNotMatch(second.log(), /could not start|already/i);
  const third = start(dataDir);
  assert.equal((await third.exited).code, 0, third.log());
  assert.equal(first.exitCode, null);
});

test("another data folder is another ZapDesk: both run", { timeout: 120_000 }, async () => {
  assert.ok(process.env.DISPLAY, "no X display: run under xvfb-run");
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, "no D-Bus session: run under dbus-run-session");
  const one = mkdtempSync(join(tmpdir(), "zapdesk-single-a-"));
  const two = mkdtempSync(join(tmpdir(), "zapdesk-single-b-"));
  const a = start(one);
  await appears(one, "zapdesk.lock", a);
  const b = start(two);
  // The second opened its own folder (took its lock) instead of handing over.
  await appears(two, "zapdesk.lock", b);
  assert.equal(a.exitCode, null);
  assert.equal(b.exitCode, null);
});
