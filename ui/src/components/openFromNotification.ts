// A desktop notification of a new message, clicked: Rust brings the window
// forward and names the conversation, by the `open_conversation` event to a
// window already open, or kept for a window made again from the tray, which
// asks for it once it has loaded (`desktopTakeOpening`).
import { useEffect } from "react";
import { listen } from "@tauri-apps/api/event";
import { run } from "../data/commands";
import type { Opening } from "../ipc/bindings";

export function useOpenFromNotification(
  ready: boolean,
  selectAccount: (id: string) => void,
  openConversation: (id: string) => void,
): void {
  useEffect(() => {
    if (!ready) return;
    const open = (o: Opening) => {
      selectAccount(o.account);
      openConversation(o.conversation);
    };
    let stop: (() => void) | null = null;
    let cancelled = false;
    listen<Opening>("open_conversation", (e) => open(e.payload)).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
    }, () => { /* a plain browser: no desktop events */ });
    run("desktopTakeOpening", []).then((o) => { if (o && !cancelled) open(o); }, () => {});
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [ready, selectAccount, openConversation]);
}
