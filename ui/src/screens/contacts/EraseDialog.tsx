import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Contact } from "../../ipc/call";
import { useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatPhone } from "../../format";
import { eraseConfirmed } from "./lgpd";

/** The last step before erasing a contact for good: the person types the name or phone to unlock it. */
export function EraseDialog({ contact, onClose, onErased }: { contact: Contact; onClose: () => void; onErased: () => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [typed, setTyped] = useState("");
  const who = contact.name ?? formatPhone(contact.phone);
  return (
    <ConfirmDialog
      title={t("lgpd.eraseTitle")}
      confirmLabel={t("lgpd.erase")}
      danger
      ready={eraseConfirmed(typed, contact)}
      onClose={onClose}
      onConfirm={async () => {
        await write("contactsErase", account.id, contact.id);
        onErased();
      }}
    >
      <p>{t("lgpd.eraseBody", { name: who })}</p>
      <p className="muted small">{t("lgpd.eraseLogged")}</p>
      <div className="field">
        <label htmlFor="erase-confirm">{t("lgpd.eraseType")}</label>
        <input id="erase-confirm" autoFocus autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)}
          placeholder={contact.name ?? contact.phone} />
        <p className="field-hint">{t("lgpd.eraseTypeHint", { name: who, phone: formatPhone(contact.phone) })}</p>
      </div>
    </ConfirmDialog>
  );
}
