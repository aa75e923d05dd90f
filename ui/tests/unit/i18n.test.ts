import { expect, test } from "vitest";
import { translator } from "../../src/i18n";
import { ptBR } from "../../src/i18n/pt-BR";
import { en } from "../../src/i18n/en";

test("Portuguese is the default text and variables are filled in", () => {
  expect(translator("pt-BR")("contacts.count", { count: "1.234" })).toBe("1.234 contatos");
  expect(translator("en")("contacts.count", { count: "1,234" })).toBe("1,234 contacts");
});

test("every key has a non-empty text in both languages, with the same variables", () => {
  const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(ptBR) as (keyof typeof ptBR)[]) {
    expect(ptBR[key].length, key).toBeGreaterThan(0);
    expect(en[key].length, key).toBeGreaterThan(0);
    expect(vars(en[key]), key).toEqual(vars(ptBR[key]));
  }
});
