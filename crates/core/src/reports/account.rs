//! One account's figures for a period and the one before it.

use std::collections::BTreeMap;

use super::agency::{AccountData, assemble};
use super::counts::counts;
use super::cycles::Working;
use super::hours::hours;
use super::kept::kept;
use super::numbers::numbers;
use super::operators::{assignees, per_operator};
use super::period::{day_end, day_start, iso};
use super::{AccountRow, CampaignRow, DateRange, Period, Report, ReportError, Totals, WaitingNow};
use crate::access;
use crate::ids::CampaignId;
use crate::{AccountId, Store};

/// The dashboard of one account over `range` (dates in the account's time
/// zone), at `now`. Refused to an agent not given the account.
pub async fn account(
    store: &Store,
    account: AccountId,
    range: &DateRange,
    now: i64,
) -> Result<Report, ReportError> {
    let period = Period::parse(range)?;
    access::require_account(store, account).await?;
    let data = collect(store, account, &period, now).await?;
    assemble(store, &period, vec![data]).await
}

fn u(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Everything the report needs of one account, durations still raw.
pub(crate) async fn collect(
    store: &Store,
    account: AccountId,
    period: &Period,
    now: i64,
) -> Result<AccountData, ReportError> {
    let (tz, schedule) = hours(store, account).await?;
    let schedule = schedule.as_ref();
    let start = day_start(&tz, period.previous_from);
    let from = day_start(&tz, period.from);
    let to = day_end(&tz, period.to);

    let counts = counts(
        store,
        account,
        &tz,
        (period.previous_from, period.to),
        from,
        to,
    )
    .await?;
    // The cycles as SQLite keeps them (migrations/sqlite/0033), not a scan
    // of the periods' messages: most of the report's time before.
    let scan = kept(store, account, start, from, to).await?;
    let assigned = assignees(store, account, &scan, from, to).await?;
    let mut working = Working::new(schedule);
    let operators = per_operator(&scan, &assigned, &mut working, from, to);

    // Totals of both periods: [0] the current, [1] the previous.
    let mut totals = [Totals::default(), Totals::default()];
    let mut first_response: [Vec<i64>; 2] = Default::default();
    let mut resolution: [Vec<i64>; 2] = Default::default();
    let which = |at: i64| -> Option<usize> {
        if at >= from && at < to {
            Some(0)
        } else if at >= start && at < from {
            Some(1)
        } else {
            None
        }
    };
    for (date, (m_in, m_out, contacts)) in &counts.days {
        let i = usize::from(*date < period.from);
        totals[i].messages_in += m_in;
        totals[i].messages_out += m_out;
        totals[i].new_contacts += contacts;
    }
    for cycle in &scan.cycles {
        if let Some(i) = which(cycle.opened_at) {
            totals[i].conversations_opened += 1;
            if let Some(responded) = cycle.responded_at {
                first_response[i].push(working.ms(cycle.opened_at, responded));
            }
        }
        if let Some(resolved) = cycle.resolved_at
            && let Some(i) = which(resolved)
        {
            totals[i].conversations_resolved += 1;
            resolution[i].push(working.ms(cycle.opened_at, resolved));
        }
    }

    let flows: Vec<(bool, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT started_at >= ?, status, ended_reason, count(*) FROM flow_sessions
         WHERE account_id = ? AND started_at >= ? AND started_at < ? GROUP BY 1, 2, 3",
    )
    .bind(from)
    .bind(account)
    .bind(start)
    .bind(to)
    .fetch_all(store.pool())
    .await?;
    for (current, status, reason, n) in flows {
        let t = &mut totals[usize::from(!current)];
        t.flows_started += u(n);
        // The reason is `EndReason` as JSON (`"done"`, `"handoff"`).
        match (status.as_str(), reason.as_deref()) {
            ("ended", Some("\"done\"")) => t.flows_completed += u(n),
            ("ended", Some("\"handoff\"")) => t.flows_handed_off += u(n),
            _ => {}
        }
    }

    let queued: Vec<(bool, CampaignId, i64)> = sqlx::query_as(
        "SELECT queued_at >= ?, campaign_id, count(*) FROM campaign_recipients
         WHERE account_id = ? AND queued_at >= ? AND queued_at < ? AND message_id IS NOT NULL
         GROUP BY 1, 2",
    )
    .bind(from)
    .bind(account)
    .bind(start)
    .bind(to)
    .fetch_all(store.pool())
    .await?;
    let mut sent_now: Vec<CampaignId> = Vec::new();
    for (current, campaign, n) in queued {
        totals[usize::from(!current)].campaign_messages += u(n);
        if current {
            sent_now.push(campaign);
        }
    }
    let campaigns = campaign_rows(store, account, &sent_now).await?;

    let waiting: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM conversations
         WHERE account_id = ? AND status IN ('open', 'pending') GROUP BY status",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    let mut now_waiting = WaitingNow::default();
    for (status, n) in waiting {
        if status == "open" {
            now_waiting.open = u(n);
        } else {
            now_waiting.pending = u(n);
        }
    }

    let numbers = numbers(store, account, &tz, now, &counts.numbers).await?;
    let name: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_optional(store.pool())
        .await?
        .unwrap_or_default();
    let days: BTreeMap<_, _> = counts
        .days
        .into_iter()
        .filter(|(d, _)| *d >= period.from)
        .collect();
    for (i, t) in totals.iter_mut().enumerate() {
        t.first_response = super::Durations::of(&first_response[i]);
        t.resolution = super::Durations::of(&resolution[i]);
    }
    let [current, previous] = totals;
    Ok(AccountData {
        row: AccountRow {
            account_id: account,
            name,
            time_zone: tz.iana_name().unwrap_or("UTC").to_owned(),
            totals: current,
            previous,
            waiting: now_waiting,
        },
        days: days
            .into_iter()
            .map(|(d, (m_in, m_out, contacts))| (iso(d), (m_in, m_out, contacts)))
            .collect(),
        first_response,
        resolution,
        operators,
        campaigns,
        numbers,
    })
}

/// The campaigns that queued messages in the period, with their results.
async fn campaign_rows(
    store: &Store,
    account: AccountId,
    ids: &[CampaignId],
) -> Result<Vec<CampaignRow>, ReportError> {
    let mut rows = Vec::with_capacity(ids.len());
    for &id in ids {
        let info: Option<(String, crate::domain::CampaignStatus)> =
            sqlx::query_as("SELECT name, status FROM campaigns WHERE account_id = ? AND id = ?")
                .bind(account)
                .bind(id)
                .fetch_optional(store.pool())
                .await?;
        let Some((name, status)) = info else { continue };
        let r = crate::campaigns::report::report(store, account, id).await?;
        rows.push(CampaignRow {
            account_id: account,
            campaign_id: id,
            name,
            status,
            recipients: r.total,
            sent: r.sent + r.delivered + r.read,
            delivered: r.delivered + r.read,
            read: r.read,
            replied: r.replied,
            failed: r.failed,
            skipped: r.skipped,
            opted_out: r.opted_out,
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}
