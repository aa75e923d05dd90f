// The bot's settings form, its pure parts: the time zones offered (Brazil's
// first) and which field a refusal of `automation_settings_save` belongs under.
import type { AutomationSettings } from "../../ipc/call";

/** Brazil's IANA zones, most people first, with the places each covers. */
export const BRAZIL_ZONES: readonly { zone: string; places: string }[] = [
  { zone: "America/Sao_Paulo", places: "Brasília, SP, RJ, MG, ES, GO, DF, Sul" },
  { zone: "America/Bahia", places: "BA" },
  { zone: "America/Fortaleza", places: "CE, RN, PB, PI, MA" },
  { zone: "America/Recife", places: "PE" },
  { zone: "America/Maceio", places: "AL, SE" },
  { zone: "America/Belem", places: "PA (leste), AP" },
  { zone: "America/Santarem", places: "PA (oeste)" },
  { zone: "America/Araguaina", places: "TO" },
  { zone: "America/Manaus", places: "AM" },
  { zone: "America/Cuiaba", places: "MT" },
  { zone: "America/Campo_Grande", places: "MS" },
  { zone: "America/Porto_Velho", places: "RO" },
  { zone: "America/Boa_Vista", places: "RR" },
  { zone: "America/Rio_Branco", places: "AC" },
  { zone: "America/Eirunepe", places: "AM (oeste)" },
  { zone: "America/Noronha", places: "Fernando de Noronha" },
];

/** Every zone to offer: Brazil's, then the others `supported` lists, each once, the others by name. */
export function timeZones(supported: readonly string[]): { zone: string; places: string | null }[] {
  const brazil = new Set(BRAZIL_ZONES.map((z) => z.zone));
  const rest = [...new Set([...supported, "UTC"])].filter((z) => !brazil.has(z)).sort();
  return [...BRAZIL_ZONES, ...rest.map((zone) => ({ zone, places: null }))];
}

/** The zones this browser knows (IANA names), for the picker and for placing a refusal. */
export function browserZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return BRAZIL_ZONES.map((z) => z.zone);
  }
}

/** "14:32" now in `zone`, or null when the browser does not know the zone. */
export function timeIn(zone: string, at: Date, lang: string): string | null {
  try {
    return new Intl.DateTimeFormat(lang, { timeZone: zone.trim(), hour: "2-digit", minute: "2-digit" }).format(at);
  } catch {
    return null;
  }
}

export type SettingsPart = "time_zone" | "handoff_words" | "handoff_reply" | "expiry" | "ai_base_url" | "ai_model" | "form";

/** Case and accents aside, as Rust's `text::fold`. */
export function fold(s: string): string {
  return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

const EXPIRY = { min: 5, max: 30 * 24 * 60 };

function httpUrl(url: string): boolean {
  const m = /^https?:\/\/([^/?#]*)/i.exec(url);
  return !!m && m[1] !== "" && !m[1]!.startsWith(":") && !/\s/.test(url);
}

/**
 * The field a refusal of `automation_settings_save` is shown under. Rust
 * refuses every setting with one code (`automation_settings_invalid`), so the
 * form finds the field by asking, in Rust's order (settings.rs `validate`),
 * which rule the values break: the time zone first (one this browser does not
 * know), then the hand-off words, the reply, the expiry, the AI address and
 * model. A refusal no rule here explains stays at the form's foot.
 */
export function refusedPart(s: AutomationSettings, knownZones: readonly string[], messageMax: number): SettingsPart {
  const zone = s.time_zone.trim().toLowerCase();
  if (!knownZones.some((z) => z.toLowerCase() === zone)) return "time_zone";
  const words = s.handoff_words.map((w) => w.split(/\s+/).filter(Boolean).join(" ")).filter(Boolean);
  const folded = words.map(fold);
  if (words.length === 0 || new Set(folded).size !== folded.length || words.some((w) => !/[\p{L}\p{N}]/u.test(w))) return "handoff_words";
  const reply = s.handoff_reply.trim();
  if (reply === "" || [...reply].length > messageMax) return "handoff_reply";
  if (s.session_expiry_minutes < EXPIRY.min || s.session_expiry_minutes > EXPIRY.max) return "expiry";
  const url = s.ai_base_url?.trim() ?? "";
  if (url !== "") {
    if (!httpUrl(url)) return "ai_base_url";
    if (!s.ai_model?.trim()) return "ai_model";
  }
  return "form";
}

/**
 * Where an AI or HTTP address points, as far as its text tells: "link_local"
 * (169.254…, fe80…: never reachable), "private" (this computer, the local
 * network, and names that usually mean one: `localhost`, `*.local`, a name
 * without a dot), "public", or null when it is not an address yet. Rust
 * decides on the addresses a name resolves to (crates/automation/src/address.rs);
 * this only warns beside the field.
 */
export type AddressKind = "link_local" | "private" | "public";

export function addressKind(url: string): AddressKind | null {
  let host: string;
  try {
    host = new URL(url.trim()).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (!host) return null;
  host = host.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || (!host.includes(".") && !host.includes(":"))) return "private";
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return v4Kind(v4.slice(1).map(Number));
  if (host.includes(":")) {
    // IPv4 written inside IPv6 (::ffff:127.0.0.1, which URL spells ::ffff:7f00:1).
    const mapped = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const hi = parseInt(mapped[1]!, 16);
      const lo = parseInt(mapped[2]!, 16);
      return v4Kind([hi >> 8, hi & 255, lo >> 8, lo & 255]);
    }
    if (host === "::" || host === "::1") return "private";
    const first = parseInt(host.split(":")[0] || "0", 16);
    if ((first & 0xffc0) === 0xfe80) return "link_local";
    if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfec0) return "private";
    return "public";
  }
  return "public";
}

function v4Kind([a, b]: number[]): AddressKind {
  if (a === 169 && b === 254) return "link_local";
  if (a === 0 || a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b! >= 16 && b! <= 31) || (a === 100 && b! >= 64 && b! <= 127)) return "private";
  return "public";
}
