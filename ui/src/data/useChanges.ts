// Rust's `changed` event → the queries that depend on the table, for that
// account (or every account when it says null). Mounted once, at the root.
// Changes arriving together (a campaign sending, a sync pull of many rows)
// are gathered for a moment so each query is fetched once per burst.
import { useQueryClient } from "@tanstack/react-query";
import { listen } from "@tauri-apps/api/event";
import { useEffect } from "react";
import type { Change } from "./change";
import { invalidateChanges } from "./commands";

/** How long changes are gathered before the queries they concern refetch. */
export const GATHER_MS = 50;

export function useChanges(): void {
  const client = useQueryClient();
  useEffect(() => {
    let pending = new Map<string, Change>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const changes = [...pending.values()];
      pending = new Map();
      void invalidateChanges(client, changes);
    };
    let stop: (() => void) | null = null;
    let cancelled = false;
    listen<Change>("changed", (e) => {
      pending.set(`${e.payload.table}|${e.payload.account ?? ""}`, e.payload);
      timer ??= setTimeout(flush, GATHER_MS);
    }).then((unlisten) => {
      if (cancelled) return unlisten();
      stop = unlisten;
      // A read answered before this subscription may have missed a change:
      // whatever is on screen by now is asked once more.
      void client.invalidateQueries({ predicate: (q) => q.state.dataUpdatedAt > 0 });
    });
    return () => {
      cancelled = true;
      stop?.();
      if (timer) clearTimeout(timer);
    };
  }, [client]);
}
