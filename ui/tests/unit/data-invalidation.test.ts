import { QueryClient } from "@tanstack/react-query";
import { expect, test } from "vitest";
import { changesOf, commandKey, dependsOn, invalidateChanges } from "../../src/data/commands";
import { AppError } from "../../src/ipc/call";
import { errorText } from "../../src/ipc/errorText";

const A = "0190f3b4-0000-7000-8000-00000000000a";
const B = "0190f3b4-0000-7000-8000-00000000000b";

test("a query's key is [command, account, the other arguments]", () => {
  expect(commandKey("contactsList", [A, { filter: {}, offset: 0, limit: 100 }])).toEqual(["contactsList", A, [{ filter: {}, offset: 0, limit: 100 }]]);
  expect(commandKey("tagsList", [A])).toEqual(["tagsList", A, []]);
  expect(commandKey("accountsList", [false])).toEqual(["accountsList", null, [false]]);
  expect(commandKey("usersList", [])).toEqual(["usersList", null, []]);
});

function seeded() {
  const client = new QueryClient();
  const keys = {
    contactsA: commandKey("contactsList", [A, { filter: {}, offset: 0, limit: 100 }]),
    contactsB: commandKey("contactsList", [B, { filter: {}, offset: 0, limit: 100 }]),
    countA: commandKey("contactsCount", [A, {}]),
    tagsA: commandKey("tagsList", [A]),
    users: commandKey("usersList", []),
    threadA: commandKey("inboxThread", [A, "c1", null]),
  };
  for (const key of Object.values(keys)) client.setQueryData(key, []);
  const stale = () => Object.entries(keys).filter(([, key]) => client.getQueryState(key)?.isInvalidated).map(([name]) => name).sort();
  return { client, stale };
}

test("a change of one account's table makes only that account's dependent queries stale", async () => {
  const { client, stale } = seeded();
  await invalidateChanges(client, [{ account: A, table: "contacts" }]);
  expect(stale()).toEqual(["contactsA", "countA"]);
});

test("a change for another account leaves the current account's queries alone", async () => {
  const { client, stale } = seeded();
  await invalidateChanges(client, [{ account: B, table: "messages" }, { account: B, table: "tags" }]);
  expect(stale()).toEqual(["contactsB"]);
});

test("account null means every account; the agency's queries follow any account", async () => {
  const { client, stale } = seeded();
  await invalidateChanges(client, [{ account: null, table: "contacts" }]);
  expect(stale()).toEqual(["contactsA", "contactsB", "countA"]);
  const other = seeded();
  await invalidateChanges(other.client, [{ account: B, table: "users" }]);
  expect(other.stale()).toEqual(["users"]);
});

test("dependsOn ignores keys that are not commands", () => {
  expect(dependsOn(["something"], { account: null, table: "contacts" })).toBe(false);
  expect(dependsOn(["inboxThread", A, ["c1", null]], { account: A, table: "messages" })).toBe(true);
});

test("a write changes its tables for the account it was made in (null for the agency's)", () => {
  expect(changesOf("tagsCreate", [A, { name: "VIP", color: "#000" }])).toEqual([{ account: A, table: "tags" }]);
  expect(changesOf("accountsCreate", [{ name: "Loja", phone: null, plan: "free", status: "active" }])).toEqual([{ account: null, table: "accounts" }]);
  expect(changesOf("contactsExport", [A, { kind: "ids", ids: [] }])).toEqual([]);
});

test("errors become words: Rust's refusal as it came, anything else as unexpected, never 'Error: …'", () => {
  expect(errorText(new AppError("tag_duplicate", "Já existe a etiqueta \"VIP\" nesta conta."))).toBe("Já existe a etiqueta \"VIP\" nesta conta.");
  expect(errorText(new Error("boom"))).toBe("Algo deu errado: boom");
  expect(errorText("unknown command x")).toBe("Algo deu errado: unknown command x");
});
