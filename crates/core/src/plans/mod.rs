//! Plans per account (issue 18, item 4): what an account may hold — numbers,
//! contacts, operators, flows — and send — messages per calendar month.
//!
//! Each plan's limits are the agency's (`defaults`, Settings → Planos);
//! each account may override any of them, with another number or "no
//! limit" (`set_overrides`). A limit is checked by [`check`] inside the write
//! transaction of the action it guards, before anything is written: the
//! store has one writer (`Store::write`), so two creates at the last slot
//! queue, and the second counts the first.
//!
//! What counts as a message sent: every outbound row created in the
//! account's calendar month (read in its time zone, the bot settings' one),
//! whoever wrote it. What is refused at the limit: what a person or an
//! integration asks for (inbox replies and files, API sends, a campaign whose
//! audience does not fit in the month's remainder). What is never refused:
//! the bot's replies (flows, keywords, the away message) — a contact in the
//! middle of a menu is not left without an answer; they still count, so the
//! usage can pass the limit, and the account's usage bar says so — and what
//! a contact writes (a new contact who writes in is stored: nothing received
//! is lost). A campaign is checked once, when it is started or scheduled,
//! against the remainder of the month it sends in (its `starts_at`'s month
//! when scheduled), and is refused whole when its recipients do not fit —
//! never cut to the remainder: which recipients to leave out is the
//! agency's choice, not a silent one. The remainder subtracts what other
//! campaigns already started still have to send (their pending recipients),
//! so two campaigns cannot each take the same last messages; a started
//! campaign's pending recipients count as used in the usage bar and in
//! every check (an inbox reply too), since they will be sent.

mod defaults;
mod error;

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

pub use defaults::{defaults, set_defaults};
pub use error::{PlanError, plan_name};

use crate::access::{self, Area};
use crate::accounts::Plan;
use crate::time::now_ms;
use crate::{AccountId, Store};

/// One of the five things a plan limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// WhatsApp numbers (instances) of the account.
    Numbers,
    /// Contacts of the account.
    Contacts,
    /// Messages sent in the calendar month.
    Messages,
    /// Operators given the account (Settings → Equipe).
    Operators,
    /// Flows of the account.
    Flows,
}

impl Limit {
    pub const ALL: [Limit; 5] = [
        Limit::Numbers,
        Limit::Contacts,
        Limit::Messages,
        Limit::Operators,
        Limit::Flows,
    ];
}

/// A plan's limits; `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PlanLimits {
    pub numbers: Option<u32>,
    pub contacts: Option<u32>,
    pub messages: Option<u32>,
    pub operators: Option<u32>,
    pub flows: Option<u32>,
}

impl PlanLimits {
    pub fn get(&self, limit: Limit) -> Option<u32> {
        match limit {
            Limit::Numbers => self.numbers,
            Limit::Contacts => self.contacts,
            Limit::Messages => self.messages,
            Limit::Operators => self.operators,
            Limit::Flows => self.flows,
        }
    }
}

/// One plan's limits, as Settings → Planos lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlanDefaults {
    pub plan: Plan,
    pub limits: PlanLimits,
}

/// An account's own value for one limit, instead of its plan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Override {
    /// No limit for this account, whatever its plan says.
    Unlimited,
    /// This many, whatever its plan says.
    Max { value: u32 },
}

/// An account's overrides; `None` keeps the plan's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PlanOverrides {
    #[serde(default)]
    pub numbers: Option<Override>,
    #[serde(default)]
    pub contacts: Option<Override>,
    #[serde(default)]
    pub messages: Option<Override>,
    #[serde(default)]
    pub operators: Option<Override>,
    #[serde(default)]
    pub flows: Option<Override>,
}

impl PlanOverrides {
    pub fn get(&self, limit: Limit) -> Option<Override> {
        match limit {
            Limit::Numbers => self.numbers,
            Limit::Contacts => self.contacts,
            Limit::Messages => self.messages,
            Limit::Operators => self.operators,
            Limit::Flows => self.flows,
        }
    }

    fn is_empty(&self) -> bool {
        Limit::ALL.iter().all(|l| self.get(*l).is_none())
    }
}

/// One limit of an account against what it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LimitUsage {
    pub limit: Limit,
    pub used: u32,
    /// `None`: no limit.
    pub max: Option<u32>,
    /// The account's own value, not its plan's.
    pub overridden: bool,
}

/// An account's usage of its five limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlanUsage {
    pub plan: Plan,
    /// The calendar month messages are counted in (Unix ms, start included,
    /// end excluded), in the account's time zone.
    pub month_start: i64,
    pub month_end: i64,
    pub items: Vec<LimitUsage>,
}

/// The account's plan and overrides, and the plan's limits.
struct Terms {
    plan: Plan,
    overrides: PlanOverrides,
    defaults: PlanLimits,
}

impl Terms {
    /// The limit in force and whether the account's own value set it.
    fn max(&self, limit: Limit) -> (Option<u32>, bool) {
        match self.overrides.get(limit) {
            Some(Override::Unlimited) => (None, true),
            Some(Override::Max { value }) => (Some(value), true),
            None => (self.defaults.get(limit), false),
        }
    }
}

async fn terms(conn: &mut SqliteConnection, account: AccountId) -> Result<Terms, PlanError> {
    let row: Option<(Plan, Option<String>)> =
        sqlx::query_as("SELECT plan, plan_overrides FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_optional(&mut *conn)
            .await?;
    let (plan, overrides) = row.ok_or(PlanError::AccountUnknown(account))?;
    // A value written by a later ZapDesk that this one cannot read counts as
    // no override rather than blocking the account.
    let overrides = overrides
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let defaults = defaults::of(&mut *conn, plan).await?;
    Ok(Terms {
        plan,
        overrides,
        defaults,
    })
}

/// The account's overrides (Settings → Contas).
pub async fn overrides(store: &Store, account: AccountId) -> Result<PlanOverrides, PlanError> {
    let mut conn = store.pool().acquire().await?;
    Ok(terms(&mut conn, account).await?.overrides)
}

/// Replaces the account's overrides. Owners and admins only (an agent
/// cannot raise their own account's limits).
pub async fn set_overrides(
    store: &Store,
    account: AccountId,
    overrides: &PlanOverrides,
) -> Result<PlanOverrides, PlanError> {
    access::require(store, Area::Settings).await?;
    let json =
        (!overrides.is_empty()).then(|| serde_json::to_string(overrides).unwrap_or_default());
    let mut tx = store.write().await?;
    let done = sqlx::query("UPDATE accounts SET plan_overrides = ?, updated_at = ? WHERE id = ?")
        .bind(json)
        .bind(now_ms())
        .bind(account)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(PlanError::AccountUnknown(account));
    }
    tx.commit().await?;
    Ok(*overrides)
}

/// The account's time zone (its bot settings'), for its calendar month.
async fn time_zone(conn: &mut SqliteConnection, account: AccountId) -> jiff::tz::TimeZone {
    let name: Option<String> =
        sqlx::query_scalar("SELECT time_zone FROM automation_settings WHERE account_id = ?")
            .bind(account)
            .fetch_optional(&mut *conn)
            .await
            .ok()
            .flatten();
    name.and_then(|n| jiff::tz::TimeZone::get(&n).ok())
        .or_else(|| jiff::tz::TimeZone::get("America/Sao_Paulo").ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The calendar month holding `at` (Unix ms) in `tz`: its first instant and
/// the next month's.
pub fn month_of(at: i64, tz: &jiff::tz::TimeZone) -> (i64, i64) {
    let fallback = (at, at + 1);
    let Ok(instant) = jiff::Timestamp::from_millisecond(at) else {
        return fallback;
    };
    let first = instant
        .to_zoned_datetime(tz.clone())
        .date()
        .first_of_month();
    let Ok(next) = first.checked_add(jiff::Span::new().months(1)) else {
        return fallback;
    };
    // Midnight may not exist on a day clocks jump; the zone's rules move it.
    match (
        tz.to_timestamp(first.at(0, 0, 0, 0)),
        tz.to_timestamp(next.at(0, 0, 0, 0)),
    ) {
        (Ok(a), Ok(b)) => (a.as_millisecond(), b.as_millisecond()),
        _ => fallback,
    }
}

async fn count(
    conn: &mut SqliteConnection,
    account: AccountId,
    limit: Limit,
    at: i64,
) -> Result<u32, PlanError> {
    let n: i64 = match limit {
        Limit::Numbers => {
            sqlx::query_scalar("SELECT count(*) FROM instances WHERE account_id = ?")
                .bind(account)
                .fetch_one(&mut *conn)
                .await?
        }
        Limit::Contacts => {
            // The count the triggers keep (migration 0024); counted when absent.
            let kept: Option<i64> =
                sqlx::query_scalar("SELECT contacts FROM contact_counts WHERE account_id = ?")
                    .bind(account)
                    .fetch_optional(&mut *conn)
                    .await?;
            match kept {
                Some(n) => n,
                None => {
                    sqlx::query_scalar("SELECT count(*) FROM contacts WHERE account_id = ?")
                        .bind(account)
                        .fetch_one(&mut *conn)
                        .await?
                }
            }
        }
        Limit::Messages => {
            let tz = time_zone(&mut *conn, account).await;
            let (start, end) = month_of(at, &tz);
            let sent: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM messages WHERE account_id = ? AND direction = 'outbound'
                 AND created_at >= ? AND created_at < ?",
            )
            .bind(account)
            .bind(start)
            .bind(end)
            .fetch_one(&mut *conn)
            .await?;
            sent + reserved(&mut *conn, account, (start, end)).await?
        }
        Limit::Operators => {
            sqlx::query_scalar(
                "SELECT count(*) FROM user_accounts g JOIN users u ON u.id = g.user_id
                 WHERE g.account_id = ? AND u.removed_at IS NULL",
            )
            .bind(account)
            .fetch_one(&mut *conn)
            .await?
        }
        Limit::Flows => {
            sqlx::query_scalar("SELECT count(*) FROM flows WHERE account_id = ?")
                .bind(account)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The messages campaigns already started still owe the month
/// `[start, end)`: recipients not sent yet (`pending`; a queued one is a
/// message row, counted as sent) of the campaigns whose sending falls in
/// that month. A running or paused campaign sends now (paused: it may resume
/// at any moment), so it is owed to the current month only, whenever it
/// started; a scheduled one to the month it starts in (now, when its start
/// has passed and the runner has not taken it yet). Counting a running
/// campaign in a later month too charged a campaign scheduled there for what
/// this month still sends (review of issue 18, item 4).
async fn reserved(
    conn: &mut SqliteConnection,
    account: AccountId,
    (start, end): (i64, i64),
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM campaign_recipients r
         JOIN campaigns c ON c.account_id = r.account_id AND c.id = r.campaign_id
         CROSS JOIN (SELECT ? AS now) t
         WHERE r.account_id = ? AND r.state = 'pending'
           AND c.status IN ('running', 'paused', 'scheduled')
           AND CASE WHEN c.status = 'scheduled'
                    THEN max(coalesce(c.starts_at, c.created_at), t.now)
                    ELSE t.now END >= ?
           AND CASE WHEN c.status = 'scheduled'
                    THEN max(coalesce(c.starts_at, c.created_at), t.now)
                    ELSE t.now END < ?",
    )
    .bind(now_ms())
    .bind(account)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await
}

/// [`check`] for a campaign about to start: its recipients against the
/// month it sends in — the month of `starts_at` for a scheduled one, of
/// `now` for one that starts at once — counting what that month already
/// sent and what campaigns sending in that month still owe ([`reserved`]).
pub(crate) async fn check_campaign(
    conn: &mut SqliteConnection,
    account: AccountId,
    recipients: u32,
    starts_at: Option<i64>,
    now: i64,
) -> Result<(), PlanError> {
    let at = starts_at.map_or(now, |at| at.max(now));
    check_at(conn, account, Limit::Messages, recipients, at).await
}

/// Refuses, before anything is written, an action that would take the
/// account past `limit` by `adding`. Called in the action's own write
/// transaction, so what it counted is what the action adds to.
pub(crate) async fn check(
    conn: &mut SqliteConnection,
    account: AccountId,
    limit: Limit,
    adding: u32,
) -> Result<(), PlanError> {
    check_at(conn, account, limit, adding, now_ms()).await
}

pub(crate) async fn check_at(
    conn: &mut SqliteConnection,
    account: AccountId,
    limit: Limit,
    adding: u32,
    at: i64,
) -> Result<(), PlanError> {
    if adding == 0 {
        return Ok(());
    }
    let terms = terms(&mut *conn, account).await?;
    let (Some(max), _) = terms.max(limit) else {
        return Ok(());
    };
    let used = count(&mut *conn, account, limit, at).await?;
    if u64::from(used) + u64::from(adding) > u64::from(max) {
        let reserved = match limit {
            Limit::Messages => {
                let tz = time_zone(&mut *conn, account).await;
                let month = month_of(at, &tz);
                u32::try_from(reserved(&mut *conn, account, month).await?).unwrap_or(u32::MAX)
            }
            _ => 0,
        };
        return Err(PlanError::Reached {
            limit,
            plan: terms.plan,
            max,
            used,
            adding,
            reserved,
        });
    }
    Ok(())
}

/// The account's usage of each limit now.
pub async fn usage(store: &Store, account: AccountId) -> Result<PlanUsage, PlanError> {
    usage_at(store, account, now_ms()).await
}

/// [`usage`] at `at` (Unix ms): the month that holds it.
pub async fn usage_at(store: &Store, account: AccountId, at: i64) -> Result<PlanUsage, PlanError> {
    let mut conn = store.pool().acquire().await?;
    let terms = terms(&mut conn, account).await?;
    let tz = time_zone(&mut conn, account).await;
    let (start, end) = month_of(at, &tz);
    let mut items = Vec::with_capacity(Limit::ALL.len());
    for limit in Limit::ALL {
        let (max, overridden) = terms.max(limit);
        items.push(LimitUsage {
            limit,
            used: count(&mut conn, account, limit, at).await?,
            max,
            overridden,
        });
    }
    Ok(PlanUsage {
        plan: terms.plan,
        month_start: start,
        month_end: end,
        items,
    })
}
