// Unsaved work is not dropped without asking. An editor with changes holds
// the guard (`useUnsaved`); whatever takes the screen away from it (the
// sidebar, Automação's tabs and banner, the account switcher, the sync
// indicator, the editor's own "back") asks through `useLeave`, which runs the
// move at once when nothing is held, or after "Descartar e sair". Closing the
// desktop window asks the same way (Tauri's close-requested; the window is
// destroyed once the person agrees, `core:window:allow-destroy`); reloading
// the page is asked by the browser (`beforeunload`). A holder that saves as
// you go (the flow canvas) gives a `save`: leaving or closing runs it first
// and asks only when it could not save.
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { useI18n } from "../i18n";
import { ConfirmDialog } from "./ConfirmDialog";

interface Held {
  text: string;
  /** Saves what is held; whether it was saved (nothing then to ask about). */
  save?: () => Promise<boolean>;
}

interface Guard {
  /** Marks the holder `id` as having unsaved work (`text`: what would be lost; `save`: how to keep it), or not (null). */
  hold: (id: string, text: string | null, save?: () => Promise<boolean>) => void;
  /** Runs `go` now, or once the person agrees to lose what is held. */
  leave: (go: () => void) => void;
}

const UnsavedContext = createContext<Guard>({ hold: () => {}, leave: (go) => go() });

export function UnsavedProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  // Holders by id, in the order they started holding: the dialog names the first.
  const held = useRef(new Map<string, Held>());
  const [asking, setAsking] = useState<{ go: () => void; text: string } | null>(null);

  const hold = useCallback((id: string, text: string | null, save?: () => Promise<boolean>) => {
    if (text === null) held.current.delete(id);
    else held.current.set(id, { text, save });
  }, []);
  /** What is still held once every holder that can save has tried: the first one's words, or null. */
  const unsaved = useCallback(async (): Promise<string | null> => {
    for (const h of [...held.current.values()]) {
      if (!h.save || !(await h.save().catch(() => false))) return h.text;
    }
    return null;
  }, []);
  const leave = useCallback((go: () => void) => {
    if (held.current.size === 0) return go();
    void unsaved().then((text) => (text === null ? go() : setAsking({ go, text })));
  }, [unsaved]);

  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (held.current.size === 0) return;
      e.preventDefault();
      // Older engines ask only when returnValue is set.
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onUnload);
    return () => window.removeEventListener("beforeunload", onUnload);
  }, []);

  // The window's close button: held work is asked about first; agreeing
  // destroys the window (the app then stops as on any close).
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    const win = getCurrentWindow();
    win
      .onCloseRequested((event) => {
        if (held.current.size === 0) return;
        event.preventDefault();
        const close = () => void win.destroy();
        void unsaved().then((text) => (text === null ? close() : setAsking({ go: close, text })));
      })
      .then((u) => (gone ? u() : (unlisten = u)))
      .catch(() => { /* no desktop window (a plain browser): beforeunload covers it */ });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, []);

  const guard = useMemo(() => ({ hold, leave }), [hold, leave]);
  return (
    <UnsavedContext.Provider value={guard}>
      {children}
      {asking && (
        <ConfirmDialog title={t("unsaved.title")} confirmLabel={t("unsaved.leave")} danger
          onClose={() => setAsking(null)}
          onConfirm={async () => {
            // The holders let go as they unmount (or adopt anew).
            setAsking(null);
            asking.go();
          }}>
          <p data-testid="unsaved-text">{asking.text}</p>
        </ConfirmDialog>
      )}
    </UnsavedContext.Provider>
  );
}

/**
 * Holds the guard while `dirty`, saying `text` (default: the generic words)
 * when someone would leave; with `save`, leaving saves first and asks only
 * when that fails.
 */
export function useUnsaved(dirty: boolean, text?: string, save?: () => Promise<boolean>) {
  const { t } = useI18n();
  const { hold } = useContext(UnsavedContext);
  const id = useId();
  const words = text ?? t("unsaved.body");
  useEffect(() => {
    hold(id, dirty ? words : null, save);
  }, [hold, id, dirty, words, save]);
  useEffect(() => () => hold(id, null), [hold, id]);
}

/** `leave(go)`: runs `go` once nothing unsaved would be lost by it (asking first when something would). */
export function useLeave(): (go: () => void) => void {
  return useContext(UnsavedContext).leave;
}
