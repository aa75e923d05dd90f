import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "../context";
import { AppError, type ErrorCode } from "../ipc/call";

/**
 * For a held deletion's `.catch`: Rust saying the item no longer exists
 * (another desktop or a bulk delete got there first) means the deletion's
 * goal is met — nothing to report. Anything else is still an error.
 */
export function alreadyGone(code: ErrorCode) {
  return (e: unknown): null => {
    if (e instanceof AppError && e.code === code) return null;
    throw e;
  };
}

interface Pending {
  key: string;
  commit: () => Promise<void>;
  settled: boolean;
  dismiss: () => void;
}

/**
 * A deletion the person can take back for a few seconds without the backend
 * knowing how to undelete: nothing is sent until the "Desfazer" window ends.
 * Meanwhile the item is hidden (`hidden` holds its key); Desfazer shows it
 * again and the backend never hears of it. The held deletion is sent at once
 * when the screen goes away (navigation, account switch — the screen is
 * keyed by account) or the page is closed, so leaving never loses it.
 */
export function useUndoableDelete(onError: (e: unknown) => void) {
  const { offerUndo } = useApp();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const pending = useRef<Pending | null>(null);
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  }, [onError]);

  const settle = useCallback((p: Pending, commit: boolean) => {
    if (p.settled) return;
    p.settled = true;
    if (pending.current === p) pending.current = null;
    const reveal = () => setHidden((h) => {
      const next = new Set(h);
      next.delete(p.key);
      return next;
    });
    if (!commit) return reveal();
    // Revealed after the commit (and the refetch its write awaits), so a deleted row
    // does not flash back; a refused deletion brings the row back with the reason.
    p.commit().catch((e: unknown) => onErrorRef.current(e)).finally(reveal);
  }, []);

  /** Sends the held deletion now, if there is one. */
  const flush = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    p.dismiss();
    settle(p, true);
  }, [settle]);

  /** Hides `key`, offers Desfazer under `text`, and runs `commit` when the window ends. */
  const remove = useCallback((key: string, text: string, commit: () => Promise<void>) => {
    flush();
    const p: Pending = { key, commit, settled: false, dismiss: () => {} };
    pending.current = p;
    setHidden((h) => new Set(h).add(key));
    p.dismiss = offerUndo({ text, onUndo: () => settle(p, false), onExpire: () => settle(p, true) });
  }, [flush, settle, offerUndo]);

  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  return { hidden, remove, flush };
}
