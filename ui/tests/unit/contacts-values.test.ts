import { describe, expect, test } from "vitest";
import type { CustomField } from "../../src/ipc/call";
import {
  changedValues, dateInputToMs, displayValue, fieldOfError, formatIsoDate, formatNumber, msToDateInput, needsValue, numberForInput,
} from "../../src/screens/contacts/values";

const field = (id: string, label: string, kind: CustomField["kind"], choices: string[] = []): CustomField =>
  ({ id, account_id: "a", key: label.toLowerCase(), label, kind, choices, created_at: 0 });
const words = { yes: "Sim", no: "Não" };

describe("canonical values as people read them", () => {
  test("numbers: Brazilian grouping and decimal comma, English the other way", () => {
    expect(formatNumber("1234.5", "pt-BR")).toBe("1.234,5");
    expect(formatNumber("1234.5", "en")).toBe("1,234.5");
    expect(formatNumber("-3", "pt-BR")).toBe("-3");
    expect(formatNumber("1.234,5", "pt-BR")).toBe("1.234,5"); // not canonical: shown as typed
  });
  test("numbers for editing have no grouping, so Rust cannot misread them", () => {
    expect(numberForInput("1234.5", "pt-BR")).toBe("1234,5");
    expect(numberForInput("1500", "pt-BR")).toBe("1500");
    expect(numberForInput("1234.5", "en")).toBe("1234.5");
  });
  test("dates are dd/mm/aaaa in pt-BR and survive time zones", () => {
    expect(formatIsoDate("2024-12-31", "pt-BR")).toBe("31/12/2024");
    expect(formatIsoDate("2024-01-01", "pt-BR")).toBe("01/01/2024");
    expect(formatIsoDate("2024-02-30", "pt-BR")).toBe("2024-02-30");
    expect(formatIsoDate("amanhã", "pt-BR")).toBe("amanhã");
  });
  test("yes/no in words, choices and text as stored", () => {
    expect(displayValue("yes_no", "true", "pt-BR", words)).toBe("Sim");
    expect(displayValue("yes_no", "false", "pt-BR", words)).toBe("Não");
    expect(displayValue("choice", "Ouro", "pt-BR", words)).toBe("Ouro");
    expect(displayValue("date", "2026-11-01", "pt-BR", words)).toBe("01/11/2026");
    expect(displayValue("number", "0.5", "pt-BR", words)).toBe("0,5");
  });
});

describe("date inputs and Unix ms", () => {
  test("a day becomes local midnight, and back", () => {
    const ms = dateInputToMs("2026-11-01");
    expect(ms).toBe(new Date(2026, 10, 1).getTime());
    const d = new Date(ms ?? 0);
    expect([d.getHours(), d.getMinutes()]).toEqual([0, 0]);
    expect(msToDateInput(ms)).toBe("2026-11-01");
  });
  test("empty and impossible days are no date", () => {
    expect(dateInputToMs("")).toBeNull();
    expect(dateInputToMs("2023-02-29")).toBeNull();
    expect(msToDateInput(null)).toBe("");
    expect(msToDateInput(undefined)).toBe("");
  });
});


describe("saving the contact dialog", () => {
  const fields = [field("f1", "Plano", "choice", ["Bronze", "Ouro"]), field("f2", "Pontos", "number"), field("f3", "Cidade", "text")];
  test("only changed values are sent; emptied ones clear", () => {
    const stored = [{ field_id: "f1", value: "Ouro" }, { field_id: "f2", value: "1500" }];
    expect(changedValues(fields, stored, {}, "pt-BR")).toEqual([]);
    expect(changedValues(fields, stored, { f2: "1500" }, "pt-BR")).toEqual([]);
    expect(changedValues(fields, stored, { f2: "1.600,5", f3: "  Recife " }, "pt-BR")).toEqual([
      { field_id: "f2", value: "1.600,5" },
      { field_id: "f3", value: "Recife" },
    ]);
    expect(changedValues(fields, stored, { f1: "" }, "pt-BR")).toEqual([{ field_id: "f1", value: "" }]);
  });
  test("a refused value is matched to its field, not to a label inside the value", () => {
    const sent = [{ field_id: "f2", value: "Plano" }];
    expect(fieldOfError("\"Plano\" não serve para o campo Pontos: use um número, como 1.234,56.", fields, sent)?.id).toBe("f2");
    expect(fieldOfError("\"abc\" does not fit the field Cidade: use a text.", fields, [{ field_id: "f3", value: "abc" }])?.id).toBe("f3");
    expect(fieldOfError("Algo deu errado.", fields, sent)).toBeNull();
  });
});

test("is_set and is_empty compare with nothing", () => {
  expect(needsValue("is_set")).toBe(false);
  expect(needsValue("is_empty")).toBe(false);
  expect(needsValue("is")).toBe(true);
});
