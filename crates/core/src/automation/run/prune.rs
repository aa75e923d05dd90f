//! Housekeeping of the bot's own tables: its log, pruned by age. Across
//! every account, as the runner (one per desktop) calls it; listed as such
//! in the scoping test.

use crate::Store;
use crate::automation::AutomationError;

/// How long the bot's log keeps a line: 90 days, in ms. The log explains
/// what the bot did lately; kept for ever it would grow with every message
/// (a few lines each) on a desktop that runs for years.
pub const LOG_KEPT: i64 = 90 * 24 * 60 * 60 * 1000;

/// Lines deleted per transaction while pruning: the write lock is never
/// held long against the bot and the inbox.
const PRUNE_BATCH: i64 = 5_000;

/// Deletes the log's lines written before `before` (every account: the log
/// is this desktop's own, nothing of it syncs), in batches; how many went.
/// Lines are in `seq` order, which is about the order of their times, so
/// each batch finds its old lines at the start of the table.
pub async fn prune_log(store: &Store, before: i64) -> Result<u64, AutomationError> {
    let mut gone = 0;
    loop {
        let mut tx = store.write().await?;
        let done = sqlx::query(
            "DELETE FROM automation_log WHERE seq IN (
                 SELECT seq FROM automation_log WHERE at < ? ORDER BY seq LIMIT ?)",
        )
        .bind(before)
        .bind(PRUNE_BATCH)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        gone += done.rows_affected();
        if done.rows_affected() < PRUNE_BATCH as u64 {
            return Ok(gone);
        }
    }
}
