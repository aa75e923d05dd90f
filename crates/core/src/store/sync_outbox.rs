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

/// Keeps only the last outbox entry of each row. Push sends a row's current
/// state (or its tombstone) whatever entries led there, so the earlier ones
/// carry nothing; without this, an account never shared on a server (nothing
/// pushes it) would grow the outbox by every write instead of by every row.
/// Run when the store opens; the sync engine runs it at each connection too.
pub async fn compact_outbox(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM sync_outbox WHERE seq NOT IN (
             SELECT max(seq) FROM sync_outbox GROUP BY table_name, key1, key2)",
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
