import { describe, expect, test } from "vitest";
import { formatPhone, initials } from "../../src/format";

describe("formatPhone", () => {
  test("Brazilian mobiles and landlines", () => {
    expect(formatPhone("+5511987654321")).toBe("+55 (11) 98765-4321");
    expect(formatPhone("+551134567890")).toBe("+55 (11) 3456-7890");
  });
  test("other countries are left as stored", () => {
    expect(formatPhone("+12025550143")).toBe("+12025550143");
  });
});

describe("initials", () => {
  test("first and last word, or the phone's last digits", () => {
    expect(initials("Ana Paula Souza", "+5511987654321")).toBe("AS");
    expect(initials("maria", "+5511987654321")).toBe("M");
    expect(initials(null, "+5511987654321")).toBe("21");
  });
});
