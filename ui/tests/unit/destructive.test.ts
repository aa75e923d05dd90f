import { expect, test } from "vitest";
import { sourceIndex } from "../../src/components/virtual";
import { alreadyGone } from "../../src/components/useUndoableDelete";
import { nameConfirmed } from "../../src/screens/numbers/RemoveNumberDialog";
import { AppError } from "../../src/ipc/call";
import { UNDO_MS } from "../../src/components/undo";

test("a row held for Desfazer is skipped: later rows move up one", () => {
  expect([0, 1, 2, 3].map((i) => sourceIndex(i, []))).toEqual([0, 1, 2, 3]);
  expect([0, 1, 2, 3].map((i) => sourceIndex(i, [1]))).toEqual([0, 2, 3, 4]);
  expect([0, 1, 2].map((i) => sourceIndex(i, [0, 1]))).toEqual([2, 3, 4]);
  expect([0, 1, 2].map((i) => sourceIndex(i, [1, 3]))).toEqual([0, 2, 4]);
});

test("removing a number unlocks only with its name, give or take case and spaces", () => {
  expect(nameConfirmed("balcão ", "Balcão")).toBe(true);
  expect(nameConfirmed("Balc", "Balcão")).toBe(false);
  expect(nameConfirmed("", "Balcão")).toBe(false);
});

test("a held delete of something already gone is no error; anything else still is", () => {
  expect(alreadyGone("contact_unknown")(new AppError("contact_unknown", "x"))).toBeNull();
  expect(() => alreadyGone("contact_unknown")(new AppError("tag_unknown", "x"))).toThrow();
  expect(() => alreadyGone("contact_unknown")(new Error("boom"))).toThrow();
});

test("Desfazer is offered for a few seconds", () => {
  expect(UNDO_MS).toBeGreaterThanOrEqual(5000);
  expect(UNDO_MS).toBeLessThanOrEqual(10000);
});
