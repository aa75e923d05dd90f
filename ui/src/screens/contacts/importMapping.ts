// The import wizard's column mapping: a Column as a <select> value and back,
// what is wrong with a mapping before Rust is asked, and sample values.
import type { MessageKey } from "../../i18n";
import type { Column, ImportPreview, TextEncoding } from "../../ipc/call";

export function columnValue(c: Column): string {
  return c.role === "field" ? `field:${c.field}` : c.role;
}

export function columnOf(value: string): Column {
  if (value.startsWith("field:")) return { role: "field", field: value.slice("field:".length) };
  if (value === "phone" || value === "name" || value === "tags") return { role: value };
  return { role: "ignore" };
}

/** One column per header (or per cell of the widest sample row), as suggested by Rust. */
export function initialColumns(preview: ImportPreview): Column[] {
  const width = Math.max(preview.headers.length, preview.columns.length, ...preview.sample.map((r) => r.cells.length));
  return Array.from({ length: width }, (_, i) => preview.columns[i] ?? { role: "ignore" });
}

/** Why Rust would refuse this mapping, as a message key; null when it is fine. */
export function mappingProblem(columns: Column[]): MessageKey | null {
  const count = (role: Column["role"]) => columns.filter((c) => c.role === role).length;
  if (count("phone") === 0) return "import.needPhone";
  if (count("phone") > 1) return "import.phoneTwice";
  if (count("name") > 1) return "import.nameTwice";
  const fields = columns.flatMap((c) => (c.role === "field" ? [c.field] : []));
  if (new Set(fields).size !== fields.length) return "import.fieldTwice";
  return null;
}

/** Up to `max` non-empty sample values of column `index`. */
export function samplesOf(preview: ImportPreview, index: number, max = 3): string[] {
  return preview.sample.map((r) => r.cells[index] ?? "").filter((v) => v !== "").slice(0, max);
}

export const ENCODING_KEYS: Record<TextEncoding, MessageKey> = {
  utf8: "import.encoding.utf8",
  utf8_bom: "import.encoding.utf8_bom",
  utf16_le: "import.encoding.utf16_le",
  utf16_be: "import.encoding.utf16_be",
  windows1252: "import.encoding.windows1252",
};

export function delimiterKey(d: string): MessageKey | null {
  switch (d) {
    case ";": return "import.delimiter.semicolon";
    case ",": return "import.delimiter.comma";
    case "\t": return "import.delimiter.tab";
    case "|": return "import.delimiter.pipe";
    default: return null;
  }
}
