import { useCallback, useEffect, useState } from "react";
import { useSyncPulls } from "../../live";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import { call, commands, type CampaignSummary, type NumberView, type Pacing } from "../../ipc/call";
import { Modal } from "../../components/Modal";
import { toAppError, useSubmit } from "../../components/useSubmit";
import { formatSize } from "../../format";
import { figures, minutesToTime, type Figures } from "./campaign";
import { CampaignActions, Progress, StatusBadge } from "./CampaignParts";
import { PacingFields } from "./PacingFields";
import { TimelineChart } from "./TimelineChart";

/** How often the open campaign's report is asked again (UI refresh only). */
const REFRESH_MS = 2000;
const FIGURES: [keyof Figures, MessageKey][] = [
  ["sent", "campaigns.report.sent"],
  ["delivered", "campaigns.report.delivered"],
  ["read", "campaigns.report.read"],
  ["replied", "campaigns.report.replied"],
  ["failed", "campaigns.report.failed"],
  ["skipped", "campaigns.report.skipped"],
  ["optedOut", "campaigns.report.optedOut"],
  ["pending", "campaigns.report.pending"],
];

interface Props {
  initial: CampaignSummary;
  onBack: () => void;
  /** The campaign changed here: the list reloads when it shows again. */
  onChanged: () => void;
}

/** One campaign: its report (refreshed while on screen), message, numbers and pace. */
export function CampaignDetail({ initial, onBack, onChanged }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const [campaign, setCampaign] = useState(initial);
  const [numbers, setNumbers] = useState<NumberView[]>([]);
  const [editingPacing, setEditingPacing] = useState(false);
  const [exporting, setExporting] = useState(false);

  const reload = useCallback(async () => {
    try {
      setCampaign(await call(commands.campaignsGet(account.id, initial.id)));
    } catch (e) {
      toast(toAppError(e).message, "error");
    }
  }, [account.id, initial.id, toast]);

  useEffect(() => {
    call(commands.numbersList(account.id)).then(setNumbers, () => setNumbers([]));
  }, [account.id]);

  // Progress made on the desktop that runs the numbers arrives with a pull.
  useSyncPulls(() => void reload());

  // Live report: ask again every few seconds while the window is visible.
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible") void reload();
    }, REFRESH_MS);
    return () => clearInterval(id);
  }, [reload]);

  const f = figures(campaign.report);
  const p = campaign.pacing;
  const days = p.weekdays.flatMap((on, i) => (on ? [t(`campaigns.weekday.${i}` as MessageKey)] : [])).join(", ");
  const exportCsv = async () => {
    setExporting(true);
    try {
      // Rust opens the save dialog; null when the person cancels it.
      const path = await call(commands.campaignsExport(account.id, campaign.id));
      if (path) toast(t("campaigns.exported", { path }));
    } catch (e) {
      toast(toAppError(e).message, "error");
    } finally {
      setExporting(false);
    }
  };
  const changed = async () => {
    await reload();
    onChanged();
  };

  return (
    <section className="screen campaign-detail">
      <button type="button" className="ghost small back" onClick={onBack}>{t("campaigns.back")}</button>
      <header className="screen-head">
        <div>
          <h1>{campaign.name} <StatusBadge status={campaign.status} /></h1>
          <p className="muted">
            {t("campaigns.createdAt", { date: new Date(campaign.created_at).toLocaleString(lang) })}
            {campaign.starts_at !== null && ` · ${t("campaigns.startsAt", { date: new Date(campaign.starts_at).toLocaleString(lang) })}`}
          </p>
        </div>
        <div className="row-actions">
          <button type="button" className="ghost small" disabled={exporting} onClick={() => void exportCsv()}>{t("campaigns.exportRecipients")}</button>
          <CampaignActions campaign={campaign} onChanged={changed} />
        </div>
      </header>
      <Progress campaign={campaign} />
      <section aria-label={t("campaigns.report")}>
        <h2>{t("campaigns.report")}</h2>
        <div className="cards report-cards">
          {FIGURES.map(([key, label]) => (
            <div key={key} className="card" data-testid={`report-${key}`}>
              <span className="card-label">{t(label)}</span>
              <strong>{f[key].toLocaleString(lang)}</strong>
            </div>
          ))}
          {f.cancelled > 0 && (
            <div className="card" data-testid="report-cancelled">
              <span className="card-label">{t("campaigns.report.cancelled")}</span>
              <strong>{f.cancelled.toLocaleString(lang)}</strong>
            </div>
          )}
        </div>
        <p className="muted small">{t("campaigns.reportHint")}</p>
      </section>
      <TimelineChart campaignId={campaign.id} refreshKey={JSON.stringify(campaign.report)} />
      <section className="panel">
        <h2>{t("campaigns.message")}</h2>
        <p className="campaign-message">{campaign.message}</p>
        {campaign.media_name !== null && (
          <p className="campaign-media" data-testid="campaign-media">
            {t("campaigns.attachment")}: <strong>{campaign.media_name}</strong>
            {campaign.media_size !== null && <span className="muted small"> ({formatSize(campaign.media_size, lang)})</span>}
          </p>
        )}
        <h2>{t("campaigns.numbers")}</h2>
        <p>{campaign.numbers.map((id) => numbers.find((n) => n.number.id === id)?.number.name ?? t("campaigns.unknownNumber")).join(", ")}</p>
        <div className="panel-head">
          <h2>{t("campaigns.pacing")}</h2>
          {campaign.status !== "done" && campaign.status !== "cancelled" && (
            <button type="button" className="ghost small" onClick={() => setEditingPacing(true)}>{t("campaigns.editPacing")}</button>
          )}
        </div>
        <p data-testid="campaign-pacing">
          {t("campaigns.pacingSummary", {
            from: minutesToTime(p.window_start), to: minutesToTime(p.window_end), days,
            min: p.delay_min_s, max: p.delay_max_s, cap: p.daily_cap,
          })}
        </p>
      </section>
      {editingPacing && (
        <PacingDialog initial={campaign.pacing} campaignId={campaign.id}
          onClose={() => setEditingPacing(false)}
          onSaved={async () => {
            setEditingPacing(false);
            toast(t("campaigns.pacingSaved"));
            await changed();
          }} />
      )}
    </section>
  );
}

function PacingDialog({ initial, campaignId, onClose, onSaved }: { initial: Pacing; campaignId: string; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useI18n();
  const { account } = useApp();
  const [pacing, setPacing] = useState(initial);
  const { submit, error, busy } = useSubmit(async () => {
    await call(commands.campaignsSetPacing(account.id, campaignId, pacing));
    await onSaved();
  });
  return (
    <Modal title={t("campaigns.editPacing")} onClose={onClose} className="wide">
      <form className="form" onSubmit={submit} noValidate>
        <PacingFields pacing={pacing} onChange={setPacing} error={error?.message ?? null} />
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
