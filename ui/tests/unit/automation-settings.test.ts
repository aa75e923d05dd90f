import { expect, test } from "vitest";
import type { AutomationSettings } from "../../src/ipc/call";
import { addressKind, BRAZIL_ZONES, fold, refusedPart, timeIn, timeZones } from "../../src/screens/automation/settingsForm";

const ok: AutomationSettings = {
  enabled: true, time_zone: "America/Sao_Paulo", handoff_words: ["atendente"], handoff_reply: "Já vem uma pessoa.",
  session_expiry_minutes: 1440, allow_private_http: false, ai_base_url: null, ai_model: null, ai_instructions: "",
};
const zones = ["America/Sao_Paulo", "Europe/Lisbon", "America/Manaus", "Asia/Tokyo"];

test("Brazil's zones come first, São Paulo at the top, then the rest by name, each once", () => {
  const list = timeZones(zones).map((z) => z.zone);
  expect(list[0]).toBe("America/Sao_Paulo");
  expect(list.slice(0, BRAZIL_ZONES.length)).toEqual(BRAZIL_ZONES.map((z) => z.zone));
  expect(list.slice(BRAZIL_ZONES.length)).toEqual(["Asia/Tokyo", "Europe/Lisbon", "UTC"]);
  expect(new Set(list).size).toBe(list.length);
});

test("the time in a zone, or null for a zone nobody knows", () => {
  const at = new Date(Date.UTC(2026, 0, 15, 15, 30));
  expect(timeIn("America/Sao_Paulo", at, "pt-BR")).toBe("12:30");
  expect(timeIn("America/Sao Paulo", at, "pt-BR")).toBeNull();
});

test("a settings refusal lands under the rule the values break, in Rust's order", () => {
  const part = (s: Partial<AutomationSettings>) => refusedPart({ ...ok, ...s }, zones, 4096);
  expect(part({ time_zone: "America/Sao Paulo" })).toBe("time_zone");
  expect(part({ time_zone: " america/sao_paulo " })).toBe("form");
  // The time zone is checked first: with it wrong, that is the refusal.
  expect(part({ time_zone: "Marte/Base", handoff_words: [] })).toBe("time_zone");
  expect(part({ handoff_words: [] })).toBe("handoff_words");
  expect(part({ handoff_words: ["  ", ""] })).toBe("handoff_words");
  expect(part({ handoff_words: ["Atendente", "atendênte"] })).toBe("handoff_words");
  expect(part({ handoff_words: ["?!"] })).toBe("handoff_words");
  expect(part({ handoff_reply: "  " })).toBe("handoff_reply");
  expect(part({ handoff_reply: "x".repeat(4097) })).toBe("handoff_reply");
  expect(part({ session_expiry_minutes: 4 })).toBe("expiry");
  expect(part({ session_expiry_minutes: 31 * 1440 })).toBe("expiry");
  expect(part({ ai_base_url: "localhost:11434" })).toBe("ai_base_url");
  expect(part({ ai_base_url: "http://localhost:11434/v1", ai_model: " " })).toBe("ai_model");
  expect(part({ ai_base_url: "http://localhost:11434/v1", ai_model: "llama3.1" })).toBe("form");
});

test("folding leaves case and accents aside", () => {
  expect(fold("Ação São JOÃO")).toBe("acao sao joao");
});

test("an AI address on this computer or the local network is told apart from a public one; link-local is its own", () => {
  for (const url of ["http://localhost:11434/v1", "http://127.0.0.1:11434/v1", "http://2130706433/v1", "http://192.168.0.10/v1", "http://10.1.2.3",
    "http://172.20.0.5:8080", "http://100.64.1.1", "http://[::1]:11434/v1", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://ollama:11434/v1",
    "http://ollama.local/v1", "http://0.0.0.0:11434"]) {
    expect(addressKind(url), url).toBe("private");
  }
  for (const url of ["http://169.254.169.254/latest", "http://[fe80::1]/"]) expect(addressKind(url), url).toBe("link_local");
  for (const url of ["https://api.openai.com/v1", "http://172.32.0.1", "http://8.8.8.8", "http://[2001:db8::1]/"]) expect(addressKind(url), url).toBe("public");
  expect(addressKind("não é endereço")).toBeNull();
  expect(addressKind("")).toBeNull();
});
