import type { ReactNode } from "react";
import { useI18n } from "../i18n";
import { Modal } from "./Modal";
import { useSubmit } from "./useSubmit";

interface Props {
  title: string;
  /** What will happen, in plain words. */
  children: ReactNode;
  confirmLabel: string;
  /** Red button: the action destroys something. */
  danger?: boolean;
  /** False keeps the button disabled (e.g. until a confirmation is typed). */
  ready?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before doing something that cannot be undone; a refusal from Rust stays in the dialog. */
export function ConfirmDialog({ title, children, confirmLabel, danger, ready = true, onConfirm, onClose }: Props) {
  const { t } = useI18n();
  const { submit, error, busy } = useSubmit(onConfirm);
  return (
    <Modal title={title} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {children}
        {error && <p className="form-error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className={danger ? "danger-solid" : "primary"} disabled={busy || !ready}>{confirmLabel}</button>
        </div>
      </form>
    </Modal>
  );
}
