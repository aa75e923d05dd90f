//! `zapdesk-cli campaigns …`: see and steer an account's campaigns. They are
//! sent by whichever of the app or `zapdesk-cli serve` runs the numbers.

use clap::Subcommand;
use serde::Serialize;
use zapdesk_core::campaigns::report::{CampaignReport, report};
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInfo};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::ids::CampaignId;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, Store};

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// The account's campaigns with their progress.
    List {
        #[arg(long)]
        account: AccountId,
    },
    /// One campaign: settings and report.
    Show {
        #[arg(long)]
        account: AccountId,
        id: CampaignId,
    },
    /// Stop sending until resumed.
    Pause {
        #[arg(long)]
        account: AccountId,
        id: CampaignId,
    },
    /// Continue a paused campaign.
    Resume {
        #[arg(long)]
        account: AccountId,
        id: CampaignId,
    },
}

#[derive(Serialize)]
struct WithReport {
    #[serde(flatten)]
    campaign: CampaignInfo,
    report: CampaignReport,
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    match cmd {
        Command::List { account } => {
            let mut all = Vec::new();
            for campaign in campaigns::list(store, account).await? {
                let report = report(store, account, campaign.id).await?;
                all.push(WithReport { campaign, report });
            }
            Ok(if as_json { json(&all) } else { render(&all) })
        }
        Command::Show { account, id } => {
            let campaign = campaigns::get(store, account, id).await?;
            let report = report(store, account, id).await?;
            let one = WithReport { campaign, report };
            Ok(if as_json {
                json(&one)
            } else {
                let r = &one.report;
                format!(
                    "{}\n{}\nstatus: {}\ntotal {} · pending {} · queued {} · sent {} · delivered {} · read {} · replied {} · failed {} · skipped {} · cancelled {} · opted out {}",
                    one.campaign.name,
                    one.campaign.message,
                    status_word(one.campaign.status),
                    r.total,
                    r.pending,
                    r.queued,
                    r.sent,
                    r.delivered,
                    r.read,
                    r.replied,
                    r.failed,
                    r.skipped,
                    r.cancelled,
                    r.opted_out
                )
            })
        }
        Command::Pause { account, id } | Command::Resume { account, id } => {
            let to = if matches!(cmd, Command::Pause { .. }) {
                CampaignStatus::Paused
            } else {
                CampaignStatus::Running
            };
            let campaign = campaigns::set_status(store, account, id, to, now_ms()).await?;
            Ok(if as_json {
                json(&campaign)
            } else {
                format!("{}: {}", campaign.name, status_word(campaign.status))
            })
        }
    }
}

fn status_word(status: CampaignStatus) -> &'static str {
    match status {
        CampaignStatus::Draft => "draft",
        CampaignStatus::Scheduled => "scheduled",
        CampaignStatus::Running => "running",
        CampaignStatus::Paused => "paused",
        CampaignStatus::Done => "done",
        CampaignStatus::Cancelled => "cancelled",
    }
}

fn render(all: &[WithReport]) -> String {
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|c| {
            let r = &c.report;
            let done = r.total - r.pending;
            vec![
                c.campaign.id.to_string(),
                c.campaign.name.clone(),
                status_word(c.campaign.status).into(),
                format!("{done}/{}", r.total),
                (r.sent + r.delivered + r.read).to_string(),
                r.failed.to_string(),
            ]
        })
        .collect();
    table(
        &["ID", "NAME", "STATUS", "PROGRESS", "SENT", "FAILED"],
        &rows,
    )
}
