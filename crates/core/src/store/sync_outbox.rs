//! The sync outbox's upkeep, for every account at once (it is the desktop's
//! queue to the server, not an account's data): waking the sync engine when
//! a commit recorded changes, and keeping one entry per row.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::SqlitePool;
use sqlx::sqlite::SqliteOperation;
use tokio::sync::watch;

/// Hooks on one connection: a row inserted into `sync_outbox` marks the
/// transaction; its commit moves the counter (a rollback forgets the mark).
/// The hooks run inside SQLite's call and only touch an atomic and a watch.
pub(super) async fn watch_outbox(
    conn: &mut sqlx::SqliteConnection,
    counter: Arc<watch::Sender<u64>>,
) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let dirty = Arc::new(AtomicBool::new(false));
    let on_write = Arc::clone(&dirty);
    handle.set_update_hook(move |row| {
        if row.table == "sync_outbox" && matches!(row.operation, SqliteOperation::Insert) {
            on_write.store(true, Ordering::Relaxed);
        }
    });
    let on_commit = Arc::clone(&dirty);
    handle.set_commit_hook(move || {
        if on_commit.swap(false, Ordering::Relaxed) {
            counter.send_modify(|n| *n = n.wrapping_add(1));
        }
        true
    });
    handle.set_rollback_hook(move || dirty.store(false, Ordering::Relaxed));
    Ok(())
}

/// Keeps one outbox entry per row: at the place of the row's first entry,
/// with its last entry's operation and clock. Push sends a row's current
/// state (or its tombstone) whatever entries led there, so the others carry
/// nothing; without this, an account never shared on a server (nothing
/// pushes it) would grow the outbox by every write instead of by every row.
///
/// Why the first place and not the last: pushes go in batches, one server
/// transaction each, and the server checks a row's parent at each commit. A
/// row's first entry comes after its parent's first entry (the local foreign
/// keys see to that); keeping last places instead would put a campaign edited
/// after its 10 000 recipients were written behind them, and the batch that
/// carries the recipients would fail on every retry.
///
/// Run by the sync engine at each connection, before it pushes; only the
/// process that syncs (it holds the data folder's lock) may run it, never
/// while a push is under way.
pub async fn compact_outbox(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    // Immediate: the writer's lock from the start, as every write here takes it.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "UPDATE sync_outbox AS o SET op = l.op, hlc = l.hlc
         FROM (SELECT min(seq) AS first, max(seq) AS last FROM sync_outbox
               GROUP BY table_name, key1, key2 HAVING count(*) > 1) AS g
         JOIN sync_outbox AS l ON l.seq = g.last
         WHERE o.seq = g.first",
    )
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query(
        "DELETE FROM sync_outbox WHERE seq NOT IN (
             SELECT min(seq) FROM sync_outbox GROUP BY table_name, key1, key2)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// The clock tick of the sync triggers (migrations/sqlite/0007_sync.sql):
/// wall time in ms if it moved ahead, else counter + 1.
const TICK: &str = "UPDATE sync_clock SET
    counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0
                   WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
    ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms
              THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)
              WHEN counter >= 99999 THEN ms + 1 ELSE ms END";

/// Turns the sync triggers off for the rest of a write transaction (until
/// [`record_recipients`]) and ticks the clock once, returning it, for writes
/// of many campaign recipients at once, which set `hlc` to it themselves: the triggers' three statements per row doubled
/// the cost of creating a campaign (docs/benchmarks.md). The flag is the
/// puller's (0007): SQLite's single writer means no other connection writes
/// while it is set, and a rollback takes it back with the rest.
pub(crate) async fn quiet(tx: &mut sqlx::SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query("UPDATE sync_apply SET applying = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    sqlx::query(TICK).execute(&mut *tx).await?;
    sqlx::query_scalar("SELECT hlc FROM sync_clock")
        .fetch_one(&mut *tx)
        .await
}

/// Records the recipients of a campaign written while [`quiet`] (all of
/// them, or those of `contacts`) in the outbox, as the triggers would have,
/// and turns the triggers back on.
pub(crate) async fn record_recipients(
    tx: &mut sqlx::SqliteConnection,
    account: crate::AccountId,
    campaign: crate::ids::CampaignId,
    contacts: Option<&[crate::ContactId]>,
) -> Result<(), sqlx::Error> {
    let mut record = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
         SELECT account_id, 'campaign_recipients', campaign_id, contact_id, 'upsert', hlc
         FROM campaign_recipients WHERE account_id = ",
    );
    record
        .push_bind(account)
        .push(" AND campaign_id = ")
        .push_bind(campaign);
    if let Some(contacts) = contacts {
        record.push(" AND contact_id IN (");
        let mut list = record.separated(", ");
        for c in contacts {
            list.push_bind(*c);
        }
        record.push(")");
    }
    record.push(" ORDER BY position");
    record.build().execute(&mut *tx).await?;
    sqlx::query("UPDATE sync_apply SET applying = 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(())
}
