//! The agency's dashboard: every account the operator at this desktop may
//! see (`access::visible_accounts`; archived accounts left out), each read
//! on its own under its `AccountId` and in its own time zone, then added up.
//! Medians and p90s are taken over all the accounts' durations together,
//! never averaged from the accounts' own.

use std::collections::BTreeMap;

use super::account::collect;
use super::operators::{OperatorRaw, rows};
use super::period::{dates, iso};
use super::{
    AccountRow, CampaignRow, DateRange, DayRow, Durations, FailedAccount, NumberRow, Period,
    Report, ReportError, Totals, WaitingNow,
};
use crate::ids::UserId;
use crate::{AccountId, Lang, Store, UserError, access};

/// One account's figures, durations still raw.
#[derive(Debug)]
pub(crate) struct AccountData {
    pub row: AccountRow,
    /// (messages in, out, new contacts) per `YYYY-MM-DD` of the period.
    pub days: BTreeMap<String, (u32, u32, u32)>,
    /// [current, previous]
    pub first_response: [Vec<i64>; 2],
    pub resolution: [Vec<i64>; 2],
    pub operators: BTreeMap<Option<UserId>, OperatorRaw>,
    pub campaigns: Vec<CampaignRow>,
    pub numbers: Vec<NumberRow>,
}

/// The agency's dashboard over `range` (each account's dates in its own
/// time zone), at `now`.
pub async fn agency(store: &Store, range: &DateRange, now: i64) -> Result<Report, ReportError> {
    let period = Period::parse(range)?;
    let visible = access::visible_accounts(store).await?;
    let accounts: Vec<AccountId> = sqlx::query_scalar(
        "SELECT id FROM accounts WHERE archived_at IS NULL ORDER BY name COLLATE NOCASE, id",
    )
    .fetch_all(store.pool())
    .await?;
    // The accounts are read side by side, each on a connection of the pool
    // (each account's figures are its own until `assemble`); their order
    // stays the accounts' order.
    let mut tasks = Vec::new();
    for account in accounts {
        if visible.as_ref().is_some_and(|v| !v.contains(&account)) {
            continue;
        }
        let store = store.clone();
        tasks.push((
            account,
            tokio::spawn(async move { collect(&store, account, &period, now).await }),
        ));
    }
    // One account that cannot be worked out (its stored business hours do
    // not read, say) is named with its reason; the others are still shown.
    let mut data = Vec::with_capacity(tasks.len());
    let mut failed = Vec::new();
    for (account, task) in tasks {
        match task.await {
            Ok(Ok(account)) => data.push(account),
            Ok(Err(error)) => failed.push(failure(store, account, &error).await?),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => return Err(ReportError::Database(sqlx::Error::WorkerCrashed)),
        }
    }
    let mut report = assemble(store, &period, data).await?;
    report.failed = failed;
    Ok(report)
}

/// An account left out of the agency's figures, with why in both languages.
async fn failure(
    store: &Store,
    account: AccountId,
    error: &ReportError,
) -> Result<FailedAccount, ReportError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_optional(store.pool())
        .await?;
    Ok(FailedAccount {
        account_id: account,
        name: name.unwrap_or_default(),
        code: error.code(),
        reason_pt_br: error.message(Lang::PtBr),
        reason_en: error.message(Lang::En),
    })
}

fn add_totals(sum: &mut Totals, t: &Totals) {
    sum.messages_in += t.messages_in;
    sum.messages_out += t.messages_out;
    sum.new_contacts += t.new_contacts;
    sum.conversations_opened += t.conversations_opened;
    sum.conversations_resolved += t.conversations_resolved;
    sum.campaign_messages += t.campaign_messages;
    sum.flows_started += t.flows_started;
    sum.flows_completed += t.flows_completed;
    sum.flows_handed_off += t.flows_handed_off;
}

/// Adds accounts' figures up into one report.
pub(crate) async fn assemble(
    store: &Store,
    period: &Period,
    data: Vec<AccountData>,
) -> Result<Report, ReportError> {
    let mut days: BTreeMap<String, DayRow> = dates(period.from, period.to)
        .into_iter()
        .map(|d| {
            let date = iso(d);
            (
                date.clone(),
                DayRow {
                    date,
                    ..DayRow::default()
                },
            )
        })
        .collect();
    let mut totals = Totals::default();
    let mut previous = Totals::default();
    let mut waiting = WaitingNow::default();
    let mut first_response: [Vec<i64>; 2] = Default::default();
    let mut resolution: [Vec<i64>; 2] = Default::default();
    let mut operators: BTreeMap<Option<UserId>, OperatorRaw> = BTreeMap::new();
    let mut campaigns = Vec::new();
    let mut numbers = Vec::new();
    let mut accounts = Vec::new();
    for a in data {
        for (date, (m_in, m_out, contacts)) in a.days {
            if let Some(day) = days.get_mut(&date) {
                day.messages_in += m_in;
                day.messages_out += m_out;
                day.new_contacts += contacts;
            }
        }
        add_totals(&mut totals, &a.row.totals);
        add_totals(&mut previous, &a.row.previous);
        waiting.open += a.row.waiting.open;
        waiting.pending += a.row.waiting.pending;
        for i in 0..2 {
            first_response[i].extend(&a.first_response[i]);
            resolution[i].extend(&a.resolution[i]);
        }
        for (user, raw) in a.operators {
            let sum = operators.entry(user).or_default();
            sum.conversations.extend(raw.conversations);
            sum.messages_sent += raw.messages_sent;
            sum.resolved += raw.resolved;
            sum.first_response.extend(raw.first_response);
            sum.resolution.extend(raw.resolution);
        }
        campaigns.extend(a.campaigns);
        numbers.extend(a.numbers);
        accounts.push(a.row);
    }
    totals.first_response = Durations::of(&first_response[0]);
    totals.resolution = Durations::of(&resolution[0]);
    previous.first_response = Durations::of(&first_response[1]);
    previous.resolution = Durations::of(&resolution[1]);
    Ok(Report {
        from: iso(period.from),
        to: iso(period.to),
        previous_from: iso(period.previous_from),
        previous_to: iso(period.previous_to),
        days: days.into_values().collect(),
        totals,
        previous,
        waiting,
        operators: rows(store, operators).await?,
        campaigns,
        numbers,
        accounts,
        failed: Vec::new(),
    })
}
