// Undo and redo over whole documents: every change on the canvas (a block
// added, moved, edited, connected, deleted, pasted, organised) is one step.
// Documents are immutable, so a step costs one reference, not a copy.
import type { FlowDocument } from "../../../ipc/call";

export interface History {
  past: FlowDocument[];
  present: FlowDocument;
  future: FlowDocument[];
}

/** Steps kept: far more than a session of edits, bounded for a 300-block flow. */
export const HISTORY_LIMIT = 200;

export function start(doc: FlowDocument): History {
  return { past: [], present: doc, future: [] };
}

/** A change: the same history when nothing changed. */
export function push(h: History, doc: FlowDocument): History {
  if (doc === h.present) return h;
  const past = [...h.past, h.present];
  return { past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past, present: doc, future: [] };
}

export function undo(h: History): History {
  const prev = h.past.at(-1);
  if (!prev) return h;
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future] };
}

export function redo(h: History): History {
  const next = h.future[0];
  if (!next) return h;
  return { past: [...h.past, h.present], present: next, future: h.future.slice(1) };
}
