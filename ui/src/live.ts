// Live updates pushed by Rust (the `fleet` event): number statuses and
// conversation changes. Screens subscribe while mounted.
import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { FleetEvent } from "./ipc/bindings";

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
