//! Each plan's limits, the agency's (issue 18, item 4), on every desktop.
//!
//! The table catalog ([`crate::tables`]) is per account: push, pull, the
//! outbox, tombstones and the per-account counters all hang on an account.
//! `plan_limits` belongs to no account (four rows, one per plan, for the
//! whole agency), so it travels apart, the way memberships are read apart:
//!
//! - **Local.** Each row carries its clock (`hlc`) and `unpushed`, both set
//!   by `plans::set_defaults` at every local write (migrations/sqlite/0035;
//!   no trigger: a trigger ticking the clock counts as a sync trigger, and
//!   those are the catalog's).
//! - **Push** ([`push`]): the unpushed rows, each written on the server only
//!   over an older clock (last writer wins, as every synced row); then marked
//!   pushed unless written again meanwhile. The server's policy admits the
//!   writes of owners only (postgres 0022; 0019 let admins too), and refuses a clock
//!   more than ten minutes ahead of its own (0008). A row the server refuses
//!   ([`is_refusal`]: a desktop whose server login owns no account while
//!   its local user may set limits, a clock ahead, a value its checks refuse) is
//!   set aside: logged, marked pushed and kept with the server's reason, so
//!   it waits for the next local edit or "Tentar de novo". Returned as an
//!   error it failed the whole session, and the desktop never pulled its
//!   accounts again (review of issue 18, item 4). Listed with the parked
//!   rows (Settings → Sincronização, [`crate::parked`]) and pushed again
//!   with them; kept in `settings` under [`REFUSED`] + the plan, not in
//!   `sync_parked`, which holds one account's rows (a plan belongs to none)
//!   — a later push the server takes, or a later row pulled from it, ends
//!   the refusal.
//! - **Pull** ([`pull`]): the four rows, each applied only over an older
//!   local clock and not over a local write still unpushed with a later one,
//!   under the pull's guard (`sync_apply.applying`, as every pull); the
//!   local clock moves past what it saw.
//!
//! When: at the start of every session and every full resync
//! (`EngineConfig::resync_interval`), after the accounts' pull, and at every
//! push for local changes, after the accounts' push ([`sync_after_accounts`]:
//! whatever happens to the plans, the accounts have synced first).
//! No NOTIFY: an edit of a plan's limits reaches the other desktops at their
//! next resync (5 minutes by default), not at once.

use sqlx::{PgConnection, SqlitePool};
use tokio::sync::broadcast;
use zapdesk_core::changes::{Change, Table};

use crate::hlc::{self, Hlc};
use crate::sync_error::SyncError;

/// The `settings` key of a plan's refused row, before the plan's name; its
/// value is [`Refused`] as JSON.
pub(crate) const REFUSED: &str = "sync_refused_plan:";

/// Why the server refused a plan's row, and when.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Refused {
    /// The constraint, or `plan_limits_owners` for row-level security
    /// ([`crate::parked`] words it).
    pub reason: String,
    /// The server's own message.
    pub detail: String,
    pub at: i64,
}

/// The plans refused and set aside, by plan.
pub(crate) async fn refused(
    local: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<(String, Refused)>, SyncError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT substr(key, length(?1) + 1), value FROM settings
         WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
    )
    .bind(REFUSED)
    .fetch_all(local)
    .await?;
    // A value this version cannot read is still a refusal, without words.
    Ok(rows
        .into_iter()
        .map(|(plan, json)| {
            let refused = serde_json::from_str(&json).unwrap_or(Refused {
                reason: String::new(),
                detail: String::new(),
                at: 0,
            });
            (plan, refused)
        })
        .collect())
}

/// Forgets a plan's refusal: the server took a later write, or sent one.
async fn forget(local: impl sqlx::SqliteExecutor<'_>, plan: &str) -> Result<(), SyncError> {
    sqlx::query("DELETE FROM settings WHERE key = ?")
        .bind(format!("{REFUSED}{plan}"))
        .execute(local)
        .await?;
    Ok(())
}

type Row = (
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
);

/// Pushes this desktop's unpushed plan rows. How many the server took.
pub async fn push(local: &SqlitePool, remote: &mut PgConnection) -> Result<u64, SyncError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT plan, numbers, contacts, messages_month, operators, flows, updated_at, hlc
         FROM plan_limits WHERE unpushed = 1 AND hlc IS NOT NULL",
    )
    .fetch_all(local)
    .await?;
    let mut taken = 0;
    for (plan, numbers, contacts, messages, operators, flows, updated_at, hlc) in &rows {
        let done = sqlx::query(
            "INSERT INTO zapdesk.plan_limits
                 (plan, numbers, contacts, messages_month, operators, flows, updated_at, hlc)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (plan) DO UPDATE SET numbers = EXCLUDED.numbers,
                 contacts = EXCLUDED.contacts, messages_month = EXCLUDED.messages_month,
                 operators = EXCLUDED.operators, flows = EXCLUDED.flows,
                 updated_at = EXCLUDED.updated_at, hlc = EXCLUDED.hlc
             WHERE zapdesk.plan_limits.hlc < EXCLUDED.hlc",
        )
        .bind(plan)
        .bind(numbers)
        .bind(contacts)
        .bind(messages)
        .bind(operators)
        .bind(flows)
        .bind(updated_at)
        .bind(hlc)
        .execute(&mut *remote)
        .await;
        match done {
            Ok(done) => {
                taken += done.rows_affected();
                forget(local, plan).await?;
            }
            Err(e) if is_refusal(&e) => {
                // The server's words name the policy or the constraint; no
                // login nor address is in them.
                let (code, message) = e
                    .as_database_error()
                    .map(|d| {
                        (
                            d.code().unwrap_or_default().into_owned(),
                            d.message().to_owned(),
                        )
                    })
                    .unwrap_or_default();
                tracing::warn!(
                    "sync: plan {plan}'s limits set aside: the server refused them ({code}: {message})"
                );
                let reason = match e.as_database_error().and_then(|d| d.constraint()) {
                    Some(constraint) => constraint.to_owned(),
                    None if code == "42501" => "plan_limits_owners".to_owned(),
                    None => "refused".to_owned(),
                };
                let refused = Refused {
                    reason,
                    detail: message,
                    at: zapdesk_core::time::now_ms(),
                };
                sqlx::query("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)")
                    .bind(format!("{REFUSED}{plan}"))
                    .bind(serde_json::to_string(&refused).unwrap_or_default())
                    .execute(local)
                    .await?;
            }
            Err(e) => return Err(SyncError::remote(e)),
        }
        // Pushed (or older than the server's, or refused and set aside:
        // nothing more to say). A write
        // made meanwhile has another clock and stays unpushed.
        sqlx::query("UPDATE plan_limits SET unpushed = 0 WHERE plan = ? AND hlc = ?")
            .bind(plan)
            .bind(hlc)
            .execute(local)
            .await?;
    }
    Ok(taken)
}

/// A refusal of the row itself, which pushing it again would meet again:
/// the login may not write plans (row-level security, 42501), or the row
/// breaks a check (a clock ahead, `hlc_ahead`) or a key. Not the connection
/// nor a server without the table: [`push`] returns those.
fn is_refusal(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.is_check_violation()
            || d.is_unique_violation()
            || d.is_foreign_key_violation()
            || d.code().as_deref() == Some("42501")
    })
}

/// The plans' push then pull, for the engine once the accounts are done.
/// Only a broken connection is returned (the session starts over, as for
/// the accounts); any other failure is logged and the session goes on: the
/// plans never stop the accounts' sync. A pull that changed a row is told
/// to `pulled` as every pulled table is (the open screens refetch: Settings
/// → Planos, the usage bars), for no account: the rows are the agency's.
pub(crate) async fn sync_after_accounts(
    local: &SqlitePool,
    remote: &mut PgConnection,
    pull_too: bool,
    pulled: &broadcast::Sender<Change>,
) -> Result<(), SyncError> {
    let mut done = push(local, &mut *remote).await.map(|_| ());
    if done.is_ok() && pull_too {
        done = pull(local, remote).await.map(|applied| {
            if applied > 0 {
                // Nobody listening is no error.
                let _ = pulled.send(Change {
                    account: None,
                    table: Table::PlanLimits,
                });
            }
        });
    }
    match done {
        Err(e) if e.is_connection() => Err(e),
        Err(e) => {
            tracing::warn!("sync: the plans' limits were not synced this time: {e}");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

/// Applies the server's plan rows that are later than this desktop's. How
/// many rows changed here.
pub async fn pull(local: &SqlitePool, remote: &mut PgConnection) -> Result<u64, SyncError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT plan, numbers, contacts, messages_month, operators, flows, updated_at, hlc::text
         FROM zapdesk.plan_limits ORDER BY plan",
    )
    .fetch_all(&mut *remote)
    .await
    .map_err(SyncError::remote)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = local.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("UPDATE sync_apply SET applying = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let mut applied = 0;
    for (plan, numbers, contacts, messages, operators, flows, updated_at, clock) in &rows {
        // A plan this ZapDesk does not know (a newer one's) is skipped: the
        // local check refuses it.
        let done = sqlx::query(
            "UPDATE plan_limits SET numbers = ?, contacts = ?, messages_month = ?, operators = ?,
                 flows = ?, updated_at = ?, hlc = ?, unpushed = 0
             WHERE plan = ? AND (hlc IS NULL OR hlc < ?)",
        )
        .bind(numbers)
        .bind(contacts)
        .bind(messages)
        .bind(operators)
        .bind(flows)
        .bind(updated_at)
        .bind(clock)
        .bind(plan)
        .bind(clock)
        .execute(&mut *tx)
        .await?;
        applied += done.rows_affected();
        if done.rows_affected() > 0 {
            // The server's row is this desktop's now: nothing left refused.
            forget(&mut *tx, plan).await?;
        }
        if let Some(seen) = Hlc::parse(clock) {
            hlc::observe(&mut tx, &seen).await?;
        }
    }
    sqlx::query("UPDATE sync_apply SET applying = 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(applied)
}
