import { expect, test } from "vitest";
import { highlightParts, parseVcard, quickMatches, textLength } from "../../src/screens/inbox/text";

test("search snippets split into plain and matched parts", () => {
  expect(highlightParts("Qual é a \u0002PROMOÇÃO\u0003 de \u0002hoje\u0003?")).toEqual([
    { text: "Qual é a ", match: false },
    { text: "PROMOÇÃO", match: true },
    { text: " de ", match: false },
    { text: "hoje", match: true },
    { text: "?", match: false },
  ]);
  expect(highlightParts("nada")).toEqual([{ text: "nada", match: false }]);
});

test("vCards give a name and a phone", () => {
  expect(parseVcard("BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nTEL;type=CELL:+55 11 98765-4321\nEND:VCARD")).toEqual({ name: "Ana Lima", phone: "+55 11 98765-4321" });
});

test("a leading slash offers quick replies by shortcut prefix", () => {
  const replies = [{ shortcut: "horario" }, { shortcut: "pix" }, { shortcut: "hoje" }];
  expect(quickMatches("/ho", replies).map((r) => r.shortcut)).toEqual(["horario", "hoje"]);
  expect(quickMatches("/", replies).length).toBe(3);
  expect(quickMatches("oi /ho", replies)).toEqual([]);
  expect(quickMatches("/ho ", replies)).toEqual([]);
});

test("a message's length is counted as Rust counts it: trimmed, an emoji is one character", () => {
  expect(textLength("  Olá!  ")).toBe(4);
  expect(textLength("👍🎉")).toBe(2);
  expect("👍🎉".length).toBe(4);
  expect(textLength("")).toBe(0);
});
