// Live updates pushed by Rust (the `fleet` event): number statuses and
// conversation changes. Screens subscribe while mounted.
import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { FleetEvent } from "./ipc/bindings";

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
