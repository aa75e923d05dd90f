//! WAL checkpoints off the writers' path. SQLite's automatic checkpoint runs
//! inside the commit that crosses its threshold: that commit copies the
//! WAL's pages into the database file and syncs it, and its caller (an
//! incoming message, the bot's reply) waits — the p99 of `ingest` was 8.4 ms
//! with it and 2.6 ms without (docs/benchmarks.md, issue 15). Here one task
//! per store checkpoints `PASSIVE` (never waiting for readers or writers,
//! who go on appending meanwhile) on a connection of its own, every
//! [`EVERY`]; the automatic one stays as a safety net at a high threshold.

use std::sync::Weak;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

/// How often the WAL is copied back: often enough that it stays small (a
/// second of writes), rarely enough to cost nothing when idle.
pub(super) const EVERY: Duration = Duration::from_secs(1);

/// Starts the task; it ends when the pool is closed or every `Store` clone
/// (`alive`) is gone, closing its connection (which checkpoints once more).
pub(super) fn spawn(
    options: SqliteConnectOptions,
    pool: SqlitePool,
    alive: Weak<()>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Ok(mut conn) = options.connect().await else {
            // The pool's own automatic checkpoint still runs.
            return;
        };
        loop {
            tokio::time::sleep(EVERY).await;
            if pool.is_closed() || alive.strong_count() == 0 {
                break;
            }
            // Busy or failed: the next round tries again; nothing depends on
            // one checkpoint.
            let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut conn)
                .await;
        }
        drop(pool);
        let _ = sqlx::Connection::close(conn).await;
    })
}
