import { describe, expect, test } from "vitest";
import type { ImportPreview } from "../../src/ipc/call";
import { columnOf, columnValue, delimiterKey, initialColumns, mappingProblem, samplesOf } from "../../src/screens/contacts/importMapping";
import { eraseConfirmed } from "../../src/screens/contacts/lgpd";

const preview: ImportPreview = {
  encoding: "windows1252",
  delimiter: ";",
  headers: ["Nome", "Celular", "Plano"],
  sample: [
    { line: 2, cells: ["Ana", "11 98765-4321", "Ouro"] },
    { line: 3, cells: ["Bruno", "", "Prata", "extra"] },
    { line: 4, cells: ["Carla", "21 99999-0000", ""] },
    { line: 5, cells: ["Davi", "31 98888-1111", "Bronze"] },
  ],
  rows: 4,
  columns: [{ role: "name" }, { role: "phone" }],
};

describe("import mapping", () => {
  test("a column survives the round trip through a <select> value", () => {
    for (const c of [{ role: "ignore" }, { role: "phone" }, { role: "name" }, { role: "tags" }, { role: "field", field: "f-1" }] as const) {
      expect(columnOf(columnValue(c))).toEqual(c);
    }
    expect(columnOf("nonsense")).toEqual({ role: "ignore" });
  });
  test("Rust's suggestion is kept and every column gets a row", () => {
    expect(initialColumns(preview)).toEqual([{ role: "name" }, { role: "phone" }, { role: "ignore" }, { role: "ignore" }]);
  });
  test("exactly one phone, at most one name, a field once", () => {
    expect(mappingProblem([{ role: "name" }, { role: "tags" }])).toBe("import.needPhone");
    expect(mappingProblem([{ role: "phone" }, { role: "phone" }])).toBe("import.phoneTwice");
    expect(mappingProblem([{ role: "phone" }, { role: "name" }, { role: "name" }])).toBe("import.nameTwice");
    expect(mappingProblem([{ role: "phone" }, { role: "field", field: "a" }, { role: "field", field: "a" }])).toBe("import.fieldTwice");
    expect(mappingProblem([{ role: "phone" }, { role: "tags" }, { role: "tags" }, { role: "field", field: "a" }, { role: "field", field: "b" }])).toBeNull();
  });
  test("samples skip empty cells", () => {
    expect(samplesOf(preview, 1)).toEqual(["11 98765-4321", "21 99999-0000", "31 98888-1111"]);
    expect(samplesOf(preview, 2, 2)).toEqual(["Ouro", "Prata"]);
    expect(samplesOf(preview, 3)).toEqual(["extra"]);
  });
  test("delimiters in words", () => {
    expect(delimiterKey(";")).toBe("import.delimiter.semicolon");
    expect(delimiterKey("\t")).toBe("import.delimiter.tab");
    expect(delimiterKey("#")).toBeNull();
  });
});

describe("erasing a contact needs their name or phone typed", () => {
  const c = { name: "Conceição Araújo", phone: "+5511987654321" };
  test("the name, ignoring case, accents and spaces", () => {
    expect(eraseConfirmed("conceicao  araujo ", c)).toBe(true);
    expect(eraseConfirmed("Conceição", c)).toBe(false);
  });
  test("the phone digits, with or without the country code", () => {
    expect(eraseConfirmed("(11) 98765-4321", c)).toBe(true);
    expect(eraseConfirmed("+55 11 98765-4321", c)).toBe(true);
    expect(eraseConfirmed("98765-4321", c)).toBe(false);
    expect(eraseConfirmed("", c)).toBe(false);
  });
  test("a contact without a name is confirmed by phone only", () => {
    expect(eraseConfirmed("", { name: null, phone: "+5511987654321" })).toBe(false);
    expect(eraseConfirmed("11987654321", { name: null, phone: "+5511987654321" })).toBe(true);
  });
});
