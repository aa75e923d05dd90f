// How long "Desfazer" stays on screen after an undoable action. One place, so
// the screens, the toast and the docs agree (and tests can read it).
export const UNDO_MS = 6000;

/** An action that has happened (or is held back) and can still be taken back. */
export interface UndoOffer {
  /** What happened, e.g. "Contato excluído". */
  text: string;
  /** The person clicked Desfazer. */
  onUndo: () => void;
  /** The window ended without Desfazer (or another offer took its place). */
  onExpire?: () => void;
}
