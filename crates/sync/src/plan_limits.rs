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
//!   writes of owners and admins only (postgres 0019), and refuses a clock
//!   more than ten minutes ahead of its own (0008). A row the server refuses
//!   ([`is_refusal`]: a desktop whose server login is an agent while its
//!   local user may set limits, a clock ahead, a value its checks refuse) is
//!   set aside: logged and marked pushed, so it waits for the next local
//!   edit. Returned as an error it failed the whole session, and the
//!   desktop never pulled its accounts again (review of issue 18, item 4).
//!   It is not listed with the parked rows: `sync_parked` holds one
//!   account's rows, and a plan belongs to none.
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

use crate::hlc::{self, Hlc};
use crate::sync_error::SyncError;

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
            Ok(done) => taken += done.rows_affected(),
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
/// plans never stop the accounts' sync.
pub(crate) async fn sync_after_accounts(
    local: &SqlitePool,
    remote: &mut PgConnection,
    pull_too: bool,
) -> Result<(), SyncError> {
    let mut done = push(local, &mut *remote).await.map(|_| ());
    if done.is_ok() && pull_too {
        done = pull(local, remote).await.map(|_| ());
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
