import { useState } from "react";
import { useI18n } from "../../i18n";
import type { Instance } from "../../ipc/call";
import { ConfirmDialog } from "../../components/ConfirmDialog";

/** Typed the name, give or take case and spaces at the ends. */
export function nameConfirmed(typed: string, name: string): boolean {
  return typed.trim().toLocaleLowerCase() === name.trim().toLocaleLowerCase();
}

/**
 * Removing a number deletes its conversations on this computer, and there is
 * no way back (no Desfazer): the person types the number's name to unlock it.
 */
export function RemoveNumberDialog({ number, onClose, onConfirm }: { number: Instance; onClose: () => void; onConfirm: () => Promise<void> }) {
  const { t } = useI18n();
  const [typed, setTyped] = useState("");
  return (
    <ConfirmDialog title={t("numbers.removeTitle")} confirmLabel={t("numbers.removeButton")} danger
      ready={nameConfirmed(typed, number.name)} onClose={onClose} onConfirm={onConfirm}>
      <p>{t("numbers.removeConfirm", { name: number.name })}</p>
      <p><strong>{t("numbers.removeNoUndo")}</strong></p>
      <div className="field">
        <label htmlFor="remove-number-confirm">{t("numbers.removeType", { name: number.name })}</label>
        <input id="remove-number-confirm" autoFocus autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={number.name} />
      </div>
    </ConfirmDialog>
  );
}
