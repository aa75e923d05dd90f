import { describe, expect, test } from "vitest";
import { translator } from "../../src/i18n";
import type { ContactFilter, CustomField, Tag } from "../../src/ipc/call";
import { activeCount, effectiveFilter, filterChips, isEmptyFilter, sameFilter } from "../../src/screens/contacts/filter";

const tags: Tag[] = [
  { id: "t1", account_id: "a", name: "VIP", color: "#f00", created_at: 0 },
  { id: "t2", account_id: "a", name: "Lead", color: "#0f0", created_at: 0 },
];
const fields: CustomField[] = [
  { id: "f1", account_id: "a", key: "pontos", label: "Pontos", kind: "number", choices: [], created_at: 0 },
  { id: "f2", account_id: "a", key: "aniversario", label: "Aniversário", kind: "date", choices: [], created_at: 0 },
  { id: "f3", account_id: "a", key: "cliente", label: "Cliente", kind: "yes_no", choices: [], created_at: 0 },
];
const t = translator("pt-BR");

describe("what is sent", () => {
  test("empty parts are left out, so nothing asked is {}", () => {
    expect(effectiveFilter({ search: "  ", tags_all: [], fields: [], opted_out: null, created_after: null })).toEqual({});
    expect(isEmptyFilter({ search: null, tags_any: [] })).toBe(true);
  });
  test("an unfinished condition is not sent (an empty 'is' would mean 'is empty')", () => {
    const f: ContactFilter = { fields: [{ field: "f1", op: "greater", value: " " }, { field: "f3", op: "is_set", value: "x" }] };
    expect(effectiveFilter(f)).toEqual({ fields: [{ field: "f3", op: "is_set", value: "" }] });
  });
  test("search is trimmed; false opt-out and zero times are kept", () => {
    expect(effectiveFilter({ search: " ana ", opted_out: false, created_after: 0 })).toEqual({ search: "ana", opted_out: false, created_after: 0 });
  });
});

describe("a loaded segment was changed or not", () => {
  test("Rust's full form equals the compact one; tag order does not matter", () => {
    const stored: ContactFilter = { search: null, tags_all: ["t2", "t1"], tags_any: [], tags_none: [], fields: [], created_after: null, created_before: null, last_message_after: null, last_message_before: null, opted_out: null };
    expect(sameFilter(stored, { tags_all: ["t1", "t2"] })).toBe(true);
    expect(sameFilter(stored, { tags_all: ["t1"] })).toBe(false);
    expect(sameFilter({ created_after: 5 }, { created_before: 5 })).toBe(false);
    expect(sameFilter({ fields: [{ field: "f1", op: "is", value: "1" }] }, { fields: [{ field: "f1", op: "is", value: "2" }] })).toBe(false);
  });
});

describe("chips", () => {
  test("one chip per thing asked, in words and Brazilian formats", () => {
    const created = new Date(2026, 10, 1).getTime();
    const f: ContactFilter = {
      search: "ana",
      tags_all: ["t1"],
      tags_any: ["t1", "t2"],
      tags_none: ["t2"],
      fields: [
        { field: "f1", op: "greater", value: "1.000" },
        { field: "f2", op: "less", value: "2024-12-31" },
        { field: "f3", op: "is", value: "true" },
        { field: "f1", op: "is_empty", value: "" },
        { field: "f1", op: "is", value: "" },
      ],
      created_after: created,
      opted_out: false,
    };
    expect(filterChips(f, { tags, fields, t, lang: "pt-BR" }).map((c) => c.label)).toEqual([
      "Com VIP",
      "Com alguma: VIP, Lead",
      "Sem Lead",
      "Pontos maior que 1.000",
      "Aniversário antes de 31/12/2024",
      "Cliente é Sim",
      "Pontos vazio",
      "Cadastrado a partir de 01/11/2026",
      "Só quem aceita mensagens",
    ]);
    expect(activeCount(f)).toBe(9);
  });
  test("removing a chip removes only its part", () => {
    const f: ContactFilter = { tags_all: ["t1", "t2"], fields: [{ field: "f1", op: "is", value: "" }, { field: "f3", op: "is_set", value: "" }], opted_out: true };
    const chips = filterChips(f, { tags, fields, t, lang: "pt-BR" });
    const byLabel = (label: string) => chips.find((c) => c.label === label);
    expect(effectiveFilter(byLabel("Com VIP")?.remove(f) ?? {}).tags_all).toEqual(["t2"]);
    // The condition chip keeps the unfinished one before it (its index is the original one).
    expect(byLabel("Cliente preenchido")?.remove(f).fields).toEqual([{ field: "f1", op: "is", value: "" }]);
    expect(byLabel("Só descadastrados")?.remove(f).opted_out).toBeNull();
  });
  test("a deleted tag or field still shows a chip that can be removed", () => {
    const chips = filterChips({ tags_none: ["gone"], fields: [{ field: "gone", op: "is_set", value: "" }] }, { tags, fields, t, lang: "pt-BR" });
    expect(chips.map((c) => c.label)).toEqual(["Sem (etiqueta excluída)", "(campo excluído) preenchido"]);
  });
});
