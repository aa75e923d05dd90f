// The unread count of the current account, on every screen: the Conversas
// menu item's badge and the window title (a desktop app's badge). It follows
// Rust's `changed` for conversations (tables.ts), so a message arriving while
// the operator is on Contatos moves it at once.
import { useEffect } from "react";
import { useCommand } from "../data/commands";

const TITLE = "ZapDesk";

/** Conversations of `account` with unread messages; keeps the window title in step. */
export function useUnread(account: string): number {
  // A badge, not a place to report a failure: no count shows nothing.
  const count = useCommand("inboxUnread", [account], { inline: true }).data ?? 0;
  useEffect(() => {
    document.title = count > 0 ? `(${count}) ${TITLE}` : TITLE;
  }, [count]);
  // Leaving the shell (the last account archived) leaves no stale count behind.
  useEffect(() => () => { document.title = TITLE; }, []);
  return count;
}
