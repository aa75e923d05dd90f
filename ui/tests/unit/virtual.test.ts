import { expect, test } from "vitest";
import { pagesFor, visibleWindow } from "../../src/components/virtual";

test("the window covers the viewport plus overscan, clamped to the list", () => {
  expect(visibleWindow(0, 560, 56, 10_000, 8)).toEqual({ start: 0, end: 19 });
  expect(visibleWindow(56 * 1000, 560, 56, 10_000, 8)).toEqual({ start: 992, end: 1019 });
  expect(visibleWindow(56 * 9_995, 560, 56, 10_000, 8)).toEqual({ start: 9_987, end: 10_000 });
  expect(visibleWindow(0, 560, 56, 0)).toEqual({ start: 0, end: 0 });
});

test("pages needed for a window", () => {
  expect(pagesFor({ start: 0, end: 19 }, 100)).toEqual([0]);
  expect(pagesFor({ start: 95, end: 205 }, 100)).toEqual([0, 100, 200]);
  expect(pagesFor({ start: 5, end: 5 }, 100)).toEqual([]);
});
