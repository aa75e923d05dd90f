// The draft as the canvas edits it: an undo history of documents, saved as
// you go (a moment after the last change) with the revision it was opened
// at. A save from an older revision is refused by Rust (`flow_stale`): the
// editor then stops saving and says so — two operators never overwrite each
// other. A newer draft saved elsewhere is taken as is when nothing here is
// unsaved.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Flow, FlowDocument, FlowFinding } from "../../../ipc/call";
import { toAppError } from "../../../ipc/errorText";
import { useWrite } from "../../../data/commands";
import { push, redo as redoOf, start, undo as undoOf, type History } from "./history";
import { sameDocument } from "./graph";

/** The pause after the last change before the draft is saved. */
export const AUTOSAVE_MS = 700;
/** Keys typed into one field within this long are one undo step. */
const COALESCE_MS = 1200;

export type SaveState =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  /** Rust refused the save (its words); saving waits for the next change. */
  | { kind: "failed"; message: string }
  /** Saved elsewhere since this draft was opened: nothing more is saved until Recarregar. */
  | { kind: "stale"; message: string };

export interface Draft {
  doc: FlowDocument;
  revision: number;
  canUndo: boolean;
  canRedo: boolean;
  change: (doc: FlowDocument, coalesce?: string) => void;
  undo: () => void;
  redo: () => void;
  save: () => Promise<number | null>;
  state: SaveState;
  /** The findings of the last save (null until one). */
  findings: FlowFinding[] | null;
  dirty: boolean;
  /** Someone saved this flow elsewhere while there are changes here. */
  elsewhere: boolean;
  /** Takes the stored draft (Recarregar, a restore), dropping what is unsaved here. */
  adopt: (flow: Flow) => void;
  /** Changes here that will not be saved without the person (a refused save, another desktop's draft). */
  stuck: boolean;
  /** Saves what is pending now; whether all is saved (for leaving and closing). */
  keep: () => Promise<boolean>;
  /** This desktop's saved draft that another desktop's simultaneous save replaced (null: none). */
  overwritten: FlowDocument | null;
  /** Forgets `overwritten` (after copying it, or taking it back as a change). */
  forgetOverwritten: () => void;
}

export function useDraft(account: string, flowId: string, flow: Flow | null): Draft | null {
  const write = useWrite();
  const [hist, setHist] = useState<History | null>(null);
  /** The draft as last saved or taken; `mine`: saved from here (not taken from another desktop). */
  const [saved, setSaved] = useState<{ revision: number; doc: FlowDocument; mine: boolean } | null>(null);
  const [state, setState] = useState<SaveState>({ kind: "saved" });
  const [findings, setFindings] = useState<FlowFinding[] | null>(null);
  const [elsewhere, setElsewhere] = useState(false);
  /** This desktop's last saved draft, when another desktop's save of the same revision won over it. */
  const [overwritten, setOverwritten] = useState<FlowDocument | null>(null);
  const last = useRef<{ key: string; at: number } | null>(null);
  const saving = useRef<Promise<number | null> | null>(null);
  /** A document Rust refused: not sent again until it changes. */
  const refused = useRef<FlowDocument | null>(null);

  const adopt = useCallback((f: Flow) => {
    setHist(start(f.draft));
    setSaved({ revision: f.revision, doc: f.draft, mine: false });
    setState({ kind: "saved" });
    setFindings(null);
    setElsewhere(false);
    refused.current = null;
    last.current = null;
  }, []);

  const doc = hist?.present ?? null;
  const dirty = doc !== null && saved !== null && doc !== saved.doc;

  useEffect(() => {
    if (!flow || saving.current) return;
    if (saved === null) return adopt(flow);
    // Another draft: a newer revision, or the same one with other content
    // (two desktops saved at once and the shared database kept theirs: the
    // revision check is each desktop's own).
    if (flow.revision === saved.revision && sameDocument(flow.draft, saved.doc)) return;
    // An older revision is an answer that left before this desktop's last save.
    if (flow.revision < saved.revision) return;
    // Taken when nothing here would be lost; otherwise nothing more is
    // saved over it until Recarregar. A save of this desktop that the
    // other's replaced is kept, to copy or to take back.
    if (flow.revision === saved.revision && saved.mine) setOverwritten(saved.doc);
    if (!dirty) adopt(flow);
    else setElsewhere(true);
  }, [flow]); // eslint-disable-line react-hooks/exhaustive-deps

  // What a save reads: the latest, not the render's (a save waits for the one before it).
  const latest = useRef({ hist, saved, elsewhere });
  latest.current = { hist, saved, elsewhere };

  const save = useCallback(async (): Promise<number | null> => {
    // Every caller waits for the save under way, one after another (two
    // resuming together would both send the same revision).
    while (saving.current) await saving.current;
    const { hist: h, saved: s, elsewhere: over } = latest.current;
    // Another desktop's draft came in over changes here: saving would write over it.
    if (!h || !s || over) return null;
    const present = h.present;
    if (present === s.doc) return s.revision;
    const run = (async () => {
      setState({ kind: "saving" });
      try {
        const result = await write("flowsSaveDraft", account, flowId, s.revision, present);
        const now = { revision: result.revision, doc: present, mine: true };
        latest.current = { ...latest.current, saved: now };
        setSaved(now);
        setFindings(result.findings);
        setElsewhere(false);
        setState((st) => (st.kind === "saving" ? { kind: "saved" } : st));
        return result.revision;
      } catch (e) {
        const err = toAppError(e);
        refused.current = present;
        setState(err.code === "flow_stale" ? { kind: "stale", message: err.message } : { kind: "failed", message: err.message });
        return null;
      }
    })();
    saving.current = run;
    try {
      return await run;
    } finally {
      saving.current = null;
    }
  }, [write, account, flowId]);

  // Saved a moment after the last change, unless the last try was refused for this very document.
  useEffect(() => {
    if (!dirty || !doc || state.kind === "stale" || elsewhere || refused.current === doc) return;
    setState((s) => (s.kind === "saving" ? s : { kind: "pending" }));
    const wait = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(wait);
  }, [doc, dirty, elsewhere]); // eslint-disable-line react-hooks/exhaustive-deps

  // Leaving the editor (back to the list, another screen) does not wait for
  // the pause: what is pending is saved now. Only a refused save is left
  // unsaved, and the editor asks before leaving it (useUnsaved).
  const flush = useRef(save);
  flush.current = save;
  useEffect(() => () => {
    if (refused.current !== latest.current.hist?.present) void flush.current();
  }, []);
  const keep = useCallback(async () => (await save()) !== null, [save]);

  const change = useCallback((next: FlowDocument, coalesce?: string) => {
    setHist((h) => {
      if (!h || next === h.present) return h;
      const now = Date.now();
      const same = coalesce !== undefined && last.current?.key === coalesce && now - last.current.at < COALESCE_MS && h.past.length > 0;
      last.current = coalesce === undefined ? null : { key: coalesce, at: now };
      // Typing on in the same field replaces the step it started.
      return same ? { ...h, present: next, future: [] } : push(h, next);
    });
  }, []);

  if (!hist || !saved || !doc) return null;
  return {
    doc,
    revision: saved.revision,
    canUndo: hist.past.length > 0,
    canRedo: hist.future.length > 0,
    change,
    undo: () => { last.current = null; setHist((h) => (h ? undoOf(h) : h)); },
    redo: () => { last.current = null; setHist((h) => (h ? redoOf(h) : h)); },
    save,
    state,
    findings,
    dirty,
    elsewhere,
    adopt,
    stuck: dirty && (state.kind === "stale" || state.kind === "failed" || elsewhere),
    keep,
    overwritten,
    forgetOverwritten: () => setOverwritten(null),
  };
}
