// A flow document typed by hand (the JSON text area of the Fluxos screen).
// Whether the text is a flow, and what is wrong with it, is Rust's answer
// (`flows_check_text`: flow.rs `parse`, then flow_check.rs with the account's
// names). What stays here is the text itself: how a document is shown, and
// where in the text Rust's first wrong place is, so the editor can put the
// cursor on it.
import type { FlowDocument, TextPlace } from "../../ipc/call";

/** A document as the text area shows it: two-space JSON, as `flows_export` writes it. */
export function documentText(doc: FlowDocument): string {
  return JSON.stringify(doc, null, 2);
}

/** UTF-8 bytes of one UTF-16 code unit run (a code point). */
function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Where `place` is in `text`, as an index for `setSelectionRange`, or null
 * when it cannot be found. A text place is serde_json's: 1-based line and
 * column, the column counted in bytes of the line's UTF-8 (so "ç" is two).
 * A block or link is found by its id (`"id": "menu"`, the first after the
 * list's key); one without an id is not found; the document's own fields
 * are at the start.
 */
export function placeOffset(text: string, place: TextPlace): number | null {
  switch (place.kind) {
    case "text": {
      const lines = text.split("\n");
      if (place.line < 1 || place.line > lines.length) return null;
      let offset = lines.slice(0, place.line - 1).reduce((sum, l) => sum + l.length + 1, 0);
      const line = lines[place.line - 1] ?? "";
      let bytes = 0;
      for (const ch of line) {
        if (bytes >= place.column - 1) break;
        bytes += utf8Length(ch.codePointAt(0) ?? 0);
        offset += ch.length;
      }
      return offset;
    }
    case "node":
    case "edge": {
      if (place.id === null) return null;
      const quoted = JSON.stringify(place.id).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const list = place.kind === "node" ? /"nodes"\s*:/ : /"edges"\s*:/;
      const from = text.search(list);
      const found = new RegExp(`"id"\\s*:\\s*${quoted}`).exec(text.slice(Math.max(0, from)));
      return found ? Math.max(0, from) + found.index : null;
    }
    case "document":
      return 0;
  }
}
