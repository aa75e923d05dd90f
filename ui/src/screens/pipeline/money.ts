// Card values are integer cents of reais (Rust's `value_cents`): shown the
// Brazilian way in pt-BR (R$ 1.234,56) and read back from what people type.

/** `123456` → "R$ 1.234,56" (pt-BR) or "R$1,234.56" (English). */
export function formatBRL(cents: number, lang: string): string {
  return new Intl.NumberFormat(lang === "en" ? "en-US" : "pt-BR", { style: "currency", currency: "BRL" }).format(cents / 100);
}

/**
 * "1.234,56", "1234,5", "R$ 10", "10.50" (English) → cents; null when it is
 * not a non-negative amount. In pt-BR the comma is the decimal mark and dots
 * group thousands; in English the other way round.
 */
export function parseBRL(text: string, lang: string): number | null {
  let s = text.replace(/R\$|\s/g, "");
  if (s === "") return 0;
  if (lang === "en") s = s.replace(/,/g, "");
  else s = s.replace(/\./g, "").replace(",", ".");
  if (!/^\d+(\.\d{0,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

/** Cents → what the value field shows for editing ("1234,56"). */
export function centsToInput(cents: number, lang: string): string {
  const whole = (cents / 100).toFixed(2);
  return lang === "en" ? whole : whole.replace(".", ",");
}
