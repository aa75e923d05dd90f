// Display helpers. Phones are stored in E.164; people read them formatted.

/** `+5511987654321` → `+55 (11) 98765-4321`; other countries stay as stored. */
export function formatPhone(e164: string): string {
  const br = /^\+55(\d{2})(\d{4,5})(\d{4})$/.exec(e164);
  if (br) return `+55 (${br[1]}) ${br[2]}-${br[3]}`;
  return e164;
}

export function formatDate(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(new Date(ms));
}

/** Initials for an avatar: "Ana Paula Souza" → "AS"; no name → the last two digits. */
export function initials(name: string | null, phone: string): string {
  if (!name) return phone.slice(-2);
  const words = name.trim().split(/\s+/);
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** A file size as people read it: `850 KB`, `2,4 MB` (in the UI's language). */
export function formatSize(bytes: number, lang: string): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang)} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString(lang, { maximumFractionDigits: 1 })} MB`;
}
