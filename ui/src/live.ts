// Live pushes from Rust that are not data to refetch: the `fleet` event (a
// number's status as it happens, its QR code) and the `import` event
// (progress of a CSV import). Data follows Rust's `changed` event through the
// data layer (src/data/), and the `sync` event feeds the sync view there.
import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { FleetEvent, ImportProgress } from "./ipc/bindings";

/** Calls `handler` for every fleet event while mounted. */
export function useFleetEvents(handler: (event: FleetEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    listen<FleetEvent>("fleet", (e) => latest.current(e.payload)).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
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
