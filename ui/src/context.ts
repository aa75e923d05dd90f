// What every screen may use: the current account and a way to tell the person
// something happened. Passed down by context, not held in globals.
import { createContext, useContext } from "react";
import type { Account, AppInfo, Lang } from "./ipc/call";
import type { UndoOffer } from "./components/undo";

export interface AppContextValue {
  info: AppInfo;
  account: Account;
  accounts: Account[];
  selectAccount: (id: string) => void;
  setLanguage: (lang: Lang) => Promise<void>;
  toast: (text: string, kind?: "ok" | "error") => void;
  /** Shows "… · Desfazer" for UNDO_MS; returns a function that takes the offer off screen. */
  offerUndo: (offer: UndoOffer) => () => void;
  /** Conversas with this conversation open (a conversation started from elsewhere). */
  openConversation: (id: string) => void;
  /** The conversation Conversas should open when it shows, once. */
  opening: string | null;
  /** Conversas took `opening`: coming back to it later opens what the operator left open. */
  openingTaken: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside AppContext");
  return value;
}
