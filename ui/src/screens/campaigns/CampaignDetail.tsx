import { useState } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import type { CampaignSummary, Pacing } from "../../ipc/call";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { useOperator } from "../../data/operator";
import { formatSize } from "../../format";
import { figures, minutesToTime, type Figures } from "./campaign";
import { CampaignActions, Progress, StatusBadge } from "./CampaignParts";
import { PacingFields } from "./PacingFields";
import { Recipients } from "./Recipients";
import { TimelineChart } from "./TimelineChart";

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
}

/** One campaign: its report (kept current by `changed` while on screen), message, numbers and pace. */
export function CampaignDetail({ initial, onBack }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  // The row the list had, until the campaign itself is read.
  const campaign = useCommand("campaignsGet", [account.id, initial.id]).data ?? initial;
  // Shown here when they fail (never "número removido" or "um fluxo" for a read that did not answer).
  const numbersQuery = useCommand("numbersList", [account.id], { inline: true });
  const numbers = numbersQuery.data ?? [];
  const flowsQuery = useCommand("flowsList", [account.id], { inline: true });
  const flows = flowsQuery.data ?? [];
  const replyFlow = campaign.reply_flow_id === null ? null : flows.find((x) => x.id === campaign.reply_flow_id) ?? null;
  const [editingPacing, setEditingPacing] = useState(false);
  const [exporting, setExporting] = useState(false);
  // Exports are not an agent's (Rust refuses them too).
  const { manager } = useOperator();

  const f = figures(campaign.report);
  const p = campaign.pacing;
  const days = p.weekdays.flatMap((on, i) => (on ? [t(`campaigns.weekday.${i}` as MessageKey)] : [])).join(", ");
  const exportCsv = async () => {
    setExporting(true);
    try {
      // Rust opens the save dialog; null when the person cancels it.
      const path = await write("campaignsExport", account.id, campaign.id);
      if (path) toast(t("campaigns.exported", { path }));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setExporting(false);
    }
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
          {manager && <button type="button" className="ghost small" disabled={exporting} onClick={() => void exportCsv()}>{t("campaigns.exportRecipients")}</button>}
          <CampaignActions campaign={campaign} />
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
      <TimelineChart campaignId={campaign.id} />
      <Recipients campaignId={campaign.id} />
      <section className="panel">
        <h2>{t("campaigns.message")}</h2>
        <p className="campaign-message">{campaign.message}</p>
        {campaign.media_name !== null && (
          <p className="campaign-media" data-testid="campaign-media">
            {t("campaigns.attachment")}: <strong>{campaign.media_name}</strong>
            {campaign.media_size !== null && <span className="muted small"> ({formatSize(campaign.media_size, lang)})</span>}
          </p>
        )}
        <h2>{t("campaigns.replyFlow")}</h2>
        <p data-testid="campaign-reply-flow">
          {campaign.reply_flow_id === null
            ? t("campaigns.replyFlowNone")
            : replyFlow
              ? t(replyFlow.enabled ? "campaigns.replyFlowStarts" : "campaigns.replyFlowOff", { name: replyFlow.name })
              : t("campaigns.replyFlowUnknown")}
        </p>
        {flowsQuery.error && campaign.reply_flow_id !== null && <p className="form-error" role="alert" data-testid="campaign-flows-error">{errorText(flowsQuery.error)}</p>}
        <h2>{t("campaigns.numbers")}</h2>
        {numbersQuery.error
          ? <p className="form-error" role="alert" data-testid="campaign-numbers-error">{errorText(numbersQuery.error)}</p>
          : <p>{campaign.numbers.map((id) => numbers.find((n) => n.number.id === id)?.number.name ?? (numbersQuery.data ? t("campaigns.unknownNumber") : "…")).join(", ")}</p>}
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
          onSaved={() => {
            setEditingPacing(false);
            toast(t("campaigns.pacingSaved"));
          }} />
      )}
    </section>
  );
}

function PacingDialog({ initial, campaignId, onClose, onSaved }: { initial: Pacing; campaignId: string; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [pacing, setPacing] = useState(initial);
  const { submit, error, busy } = useSubmit(async () => {
    await write("campaignsSetPacing", account.id, campaignId, pacing);
    onSaved();
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
