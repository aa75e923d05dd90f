import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { commands } from "../../src/ipc/bindings";
import { AGENCY_COMMANDS, DEPENDENTS, ONCE_READS, SYNC_READS, WRITES, readersOf } from "../../src/data/tables";

const bindings = readFileSync(new URL("../../src/ipc/bindings.ts", import.meta.url), "utf8");
const all = Object.keys(commands);

test("every command of bindings.ts is classified once: read (by table, by sync, once) or write", () => {
  const byTable = new Set(Object.values(DEPENDENTS).flat());
  const places = (c: string) => [
    byTable.has(c as never) && "read by table",
    (SYNC_READS as readonly string[]).includes(c) && "read by sync",
    (ONCE_READS as readonly string[]).includes(c) && "read once",
    c in WRITES && "write",
  ].filter(Boolean);
  for (const c of all) expect(places(c), c).toHaveLength(1);
  // Nothing listed that bindings.ts no longer has.
  for (const c of [...byTable, ...SYNC_READS, ...ONCE_READS, ...Object.keys(WRITES)]) expect(all, c).toContain(c);
});

test("the tables are Rust's (crates/core/src/changes.rs), each with the reads that depend on it", () => {
  const rust = readFileSync(new URL("../../../crates/core/src/changes.rs", import.meta.url), "utf8");
  const body = /pub enum Table \{([\s\S]*?)\}/.exec(rust)?.[1] ?? "";
  const variants = [...body.matchAll(/^\s*([A-Z]\w*),/gm)].map((m) => (m[1] ?? "").replace(/[A-Z]/g, (x, i) => (i ? "_" : "") + x.toLowerCase()));
  expect(variants.length).toBeGreaterThan(10);
  expect(Object.keys(DEPENDENTS).sort()).toEqual([...variants].sort());
  for (const [table, reads] of Object.entries(DEPENDENTS)) expect(reads.length, table).toBeGreaterThan(0);
});

test("the agency's commands are exactly those whose first argument is not the account", () => {
  const firstArg = new Map(
    [...bindings.matchAll(/^\t(\w+): \((\w*)/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
  expect([...firstArg.keys()].sort()).toEqual([...all].sort());
  const agency = all.filter((c) => firstArg.get(c) !== "account");
  expect([...AGENCY_COMMANDS].sort()).toEqual(agency.sort());
});

test("a write's tables are read by something, or it is a write no screen shows", () => {
  for (const [command, tables] of Object.entries(WRITES)) {
    for (const table of tables) expect(readersOf(table).size, `${command} → ${table}`).toBeGreaterThan(0);
  }
  expect(readersOf("messages").has("inboxThread")).toBe(true);
  expect(readersOf("instances").has("numbersList")).toBe(true);
  expect(readersOf("tags").has("contactsList")).toBe(false);
});
