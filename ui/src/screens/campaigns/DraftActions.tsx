import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { CampaignSummary } from "../../ipc/call";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";

/**
 * "Duplicar" on any campaign: a draft with its settings and file (Rust
 * copies them; the recipients are chosen again when the draft starts). The
 * copy's name is worded here, in the person's language.
 */
export function DuplicateButton({ campaign }: { campaign: CampaignSummary }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [busy, setBusy] = useState(false);

  async function duplicate() {
    setBusy(true);
    try {
      const copy = await write("campaignsDuplicate", account.id, campaign.id, t("campaigns.copyName", { name: campaign.name }));
      toast(t("campaigns.duplicated", { name: copy.name }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <button type="button" className="ghost small" disabled={busy} aria-label={t("campaigns.duplicateLabel", { name: campaign.name })}
      onClick={() => void duplicate()}>{t("campaigns.duplicate")}</button>
  );
}

/** A draft's own actions: open it in the editor to start it, or delete it (asks first). */
export function DraftActions({ campaign, onEdit }: { campaign: CampaignSummary; onEdit: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [deleting, setDeleting] = useState(false);
  return (
    <>
      <button type="button" className="ghost small" onClick={onEdit}>{t("campaigns.draftEdit")}</button>
      <button type="button" className="ghost small danger" onClick={() => setDeleting(true)}>{t("campaigns.draftDelete")}</button>
      {deleting && (
        <ConfirmDialog
          title={t("campaigns.draftDeleteTitle")}
          confirmLabel={t("campaigns.draftDelete")}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await write("campaignsDeleteDraft", account.id, campaign.id);
            setDeleting(false);
            toast(t("campaigns.draftDeleted", { name: campaign.name }));
          }}
        >
          <p>{t("campaigns.draftDeleteConfirm", { name: campaign.name })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
