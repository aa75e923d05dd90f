// Live updates pushed by Rust: the `fleet` event (number statuses and
// conversation changes; screens subscribe while mounted), the `import`
// event (progress of a CSV import) and the `sync` event (connection and
// status of the sync with the agency's server).
import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { FleetEvent, ImportProgress, SyncView } from "./ipc/bindings";

/**
 * Calls `handler` for every fleet event while mounted. `onListening` runs
 * once the subscription is in place: a screen reloads then, so a change made
 * between its first load and the subscription is not missed.
 */
export function useFleetEvents(handler: (event: FleetEvent) => void, onListening?: () => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  const ready = useRef(onListening);
  ready.current = onListening;
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    listen<FleetEvent>("fleet", (e) => latest.current(e.payload)).then((unlisten) => {
      if (cancelled) unlisten();
      else {
        stop = unlisten;
        ready.current?.();
      }
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
}

/**
 * Calls `handler` for each `import` progress event until the returned
 * function is called. Resolves once subscribed, so an import started after it
 * cannot emit before anyone listens.
 */
export function onImportProgress(handler: (progress: ImportProgress) => void): Promise<() => void> {
  return listen<ImportProgress>("import", (e) => handler(e.payload));
}

/**
 * Calls `handler` with every `sync` view (the connection and the engine's
 * status) until the returned function is called. Resolves once subscribed.
 */
export function onSyncView(handler: (view: SyncView) => void): Promise<() => void> {
  return listen<SyncView>("sync", (e) => handler(e.payload));
}

/**
 * Calls `handler` whenever the sync engine pulled rows written on another
 * desktop (its `pulled` counter moved), so a screen shows them without a
 * reload by hand.
 */
export function useSyncPulls(handler: () => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    let seen: number | null = null;
    let stop: (() => void) | null = null;
    let cancelled = false;
    onSyncView((view) => {
      const pulled = view.status?.pulled ?? null;
      // Before the first event the count is unknown: a first event with rows
      // pulled reloads once, which is at worst a reload too many.
      if (pulled !== null && pulled > (seen ?? 0)) latest.current();
      seen = pulled;
    }).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
}
