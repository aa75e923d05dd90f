import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { CampaignStatus, CampaignSummary } from "../../ipc/call";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";
import { actionsFor, processed, progressPercent } from "./campaign";

export function StatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useI18n();
  return <span className={`pill campaign-${status}`} data-testid="campaign-status">{t(`campaigns.status.${status}`)}</span>;
}

export function Progress({ campaign }: { campaign: CampaignSummary }) {
  const { t, lang } = useI18n();
  const r = campaign.report;
  const done = processed(r);
  return (
    <div className="campaign-progress">
      <progress max={100} value={progressPercent(r)} aria-label={t("campaigns.progressLabel", { name: campaign.name })} />
      <span className="muted small" data-testid="campaign-progress">
        {t("campaigns.progress", { done: done.toLocaleString(lang), total: r.total.toLocaleString(lang) })}
      </span>
    </div>
  );
}

/** Pause, resume and cancel (cancel asks first); what shows the campaign follows by itself. */
export function CampaignActions({ campaign }: { campaign: CampaignSummary }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const can = actionsFor(campaign.status);

  async function set(status: CampaignStatus) {
    setBusy(true);
    try {
      await write("campaignsSetStatus", account.id, campaign.id, status);
      toast(t(status === "paused" ? "campaigns.paused" : "campaigns.resumed", { name: campaign.name }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="row-actions">
      {can.pause && <button type="button" className="ghost small" disabled={busy} onClick={() => void set("paused")}>{t("campaigns.pause")}</button>}
      {can.resume && <button type="button" className="ghost small" disabled={busy} onClick={() => void set("running")}>{t("campaigns.resume")}</button>}
      {can.cancel && <button type="button" className="ghost small danger" disabled={busy} onClick={() => setCancelling(true)}>{t("campaigns.cancel")}</button>}
      {cancelling && (
        <ConfirmDialog
          title={t("campaigns.cancelTitle")}
          confirmLabel={t("campaigns.cancel")}
          danger
          onClose={() => setCancelling(false)}
          onConfirm={async () => {
            await write("campaignsSetStatus", account.id, campaign.id, "cancelled");
            setCancelling(false);
            toast(t("campaigns.cancelled", { name: campaign.name }));
          }}
        >
          <p>{t("campaigns.cancelConfirm", { name: campaign.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
