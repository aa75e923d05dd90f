import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Contact } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";
import { formatPhone } from "../../format";
import { EraseDialog } from "./EraseDialog";

/** A contact's rights under the LGPD: a copy of their data, and erasure. Both are logged. */
export function LgpdSection({ contact, onErased }: { contact: Contact; onErased: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const [erasing, setErasing] = useState(false);
  const [busy, setBusy] = useState(false);
  const write = useWrite();

  async function exportData() {
    setBusy(true);
    try {
      const path = await write("contactsLgpdExport", account.id, contact.id);
      if (path) toast(t("lgpd.exported", { path }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="lgpd" aria-label={t("lgpd.title")}>
      <h3>{t("lgpd.title")}</h3>
      <p className="muted small">{t("lgpd.hint")}</p>
      <div className="row-actions">
        <button type="button" className="ghost small" disabled={busy} onClick={() => void exportData()}>{t("lgpd.export")}</button>
        <button type="button" className="ghost small danger" onClick={() => setErasing(true)}>{t("lgpd.erase")}</button>
      </div>
      {erasing && (
        <EraseDialog contact={contact} onClose={() => setErasing(false)}
          onErased={() => {
            setErasing(false);
            toast(t("lgpd.erased", { name: contact.name ?? formatPhone(contact.phone) }));
            onErased();
          }} />
      )}
    </section>
  );
}
