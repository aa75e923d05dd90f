// The sync view (saved connection + engine status) kept current: subscribe to
// the `sync` event first, then read the status once, so a change between the
// two is never lost; once an event arrived, the older read is ignored.
import { useEffect, useState } from "react";
import { call, commands, type SyncView } from "./ipc/call";
import { onSyncView } from "./live";

export function useSyncView(): SyncView | null {
  const [view, setView] = useState<SyncView | null>(null);
  useEffect(() => {
    let cancelled = false;
    let heard = false;
    let stop: (() => void) | null = null;
    onSyncView((v) => {
      heard = true;
      if (!cancelled) setView(v);
    }).then(async (unlisten) => {
      if (cancelled) return unlisten();
      stop = unlisten;
      try {
        const first = await call(commands.syncStatus());
        if (!cancelled && !heard) setView(first);
      } catch {
        // No store, no sync: the app already shows why it could not start.
      }
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
  return view;
}
