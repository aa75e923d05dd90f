import { useCallback, useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n";
import { UNDO_MS, type UndoOffer } from "./undo";

interface Shown { id: number; offer: UndoOffer }
let seq = 0;

/**
 * The one "… · Desfazer" offer on screen. Held by the app shell rather than a
 * screen, so an offer survives the screen re-mounting (archiving the current
 * account switches accounts, and the Desfazer must still be there).
 * A new offer ends the previous one's window at once: only one action can be
 * taken back at a time, and what the person saw disappear is then committed.
 */
export function useUndoOffers() {
  const [shown, setShown] = useState<Shown | null>(null);
  // The offer on screen right now, read by callbacks that outlive a render.
  const current = useRef<Shown | null>(null);
  const show = (next: Shown | null) => {
    current.current = next;
    setShown(next);
  };

  const offerUndo = useCallback((offer: UndoOffer) => {
    const previous = current.current;
    const mine = { id: ++seq, offer };
    show(mine);
    previous?.offer.onExpire?.();
    // Takes the offer off screen without running either callback (its owner settles it).
    return () => {
      if (current.current?.id === mine.id) show(null);
    };
  }, []);

  useEffect(() => {
    if (!shown) return;
    const timer = window.setTimeout(() => {
      if (current.current?.id === shown.id) show(null);
      shown.offer.onExpire?.();
    }, UNDO_MS);
    return () => window.clearTimeout(timer);
  }, [shown]);

  const undo = useCallback(() => {
    const taken = current.current;
    if (!taken) return;
    show(null);
    taken.offer.onUndo();
  }, []);

  return { offer: shown?.offer ?? null, offerUndo, undo };
}

/** "Contato excluído · Desfazer" at the bottom of the window. */
export function UndoToast({ offer, onUndo }: { offer: UndoOffer | null; onUndo: () => void }) {
  const { t } = useI18n();
  return (
    <div className="undo-toast-area" aria-live="polite">
      {offer && (
        <div className="toast undo-toast" role="status" data-testid="undo-toast">
          <span>{offer.text}</span>
          <button type="button" className="link" onClick={onUndo}>{t("common.undo")}</button>
        </div>
      )}
    </div>
  );
}
