import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { CampaignSummary } from "../ipc/call";
import { EmptyState } from "../components/EmptyState";
import { useCommand } from "../data/commands";
import { figures } from "./campaigns/campaign";
import { CampaignDetail } from "./campaigns/CampaignDetail";
import { CampaignEditor } from "./campaigns/CampaignEditor";
import { CampaignActions, Progress, StatusBadge } from "./campaigns/CampaignParts";
import { DraftActions, DuplicateButton } from "./campaigns/DraftActions";

/**
 * The account's campaigns with their progress; one opens to its report;
 * "Nova campanha" opens the editor, and so does a draft (to start it).
 */
export function Campaigns() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  // Progress (the runner sending here or on another desktop) arrives as `changed`.
  const campaigns = useCommand("campaignsList", [account.id]).data ?? null;
  // The editor: a new campaign, or a draft to start.
  const [editing, setEditing] = useState<"new" | CampaignSummary | null>(null);
  const [open, setOpen] = useState<CampaignSummary | null>(null);

  if (open) {
    return <CampaignDetail key={open.id} initial={open} onBack={() => setOpen(null)} />;
  }

  return (
    <section className="screen campaigns">
      <header className="screen-head">
        <div>
          <h1>{t("campaigns.title")}</h1>
          <p className="muted">{t("campaigns.subtitle")}</p>
        </div>
        <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("campaigns.new")}</button>
      </header>
      {campaigns?.length === 0 && (
        <EmptyState title={t("campaigns.empty")} body={t("campaigns.emptyBody")}>
          <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("campaigns.new")}</button>
        </EmptyState>
      )}
      {campaigns && campaigns.length > 0 && (
        <ul className="campaign-list" aria-label={t("campaigns.title")}>
          {campaigns.map((c) => {
            const f = figures(c.report);
            return (
              <li key={c.id} className="campaign-row" data-testid="campaign-row">
                <div className="campaign-main">
                  <button type="button" className="link" aria-label={t("campaigns.open", { name: c.name })} onClick={() => (c.status === "draft" ? setEditing(c) : setOpen(c))}>
                    <strong>{c.name}</strong>
                  </button>
                  <StatusBadge status={c.status} />
                  <span className="muted small">
                    {c.starts_at !== null
                      ? t("campaigns.startsAt", { date: new Date(c.starts_at).toLocaleString(lang) })
                      : t("campaigns.createdAt", { date: new Date(c.created_at).toLocaleString(lang) })}
                  </span>
                </div>
                {c.status === "draft" ? <span className="muted small">{t("campaigns.draftHint")}</span> : (
                  <>
                    <Progress campaign={c} />
                    <span className="muted small" data-testid="campaign-counters">
                      {t("campaigns.sentShort", { sent: f.sent.toLocaleString(lang), failed: f.failed.toLocaleString(lang) })}
                    </span>
                  </>
                )}
                <div className="row-actions">
                  {c.status === "draft" ? <DraftActions campaign={c} onEdit={() => setEditing(c)} /> : <CampaignActions campaign={c} />}
                  <DuplicateButton campaign={c} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {editing && (
        <CampaignEditor
          key={editing === "new" ? "new" : editing.id}
          draft={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(created) => {
            setEditing(null);
            toast(t("campaigns.created", { name: created.name }));
          }}
        />
      )}
    </section>
  );
}
