//! A server that lost rows gets this desktop's rows again.
//!
//! The outbox holds a row only until it is pushed. A server restored from an
//! older backup has lost what was pushed after that backup; a re-provisioned
//! one has nothing. Pull notices both (another epoch, or a version below the
//! cursor) and pulls from the start, but without more the rows this desktop
//! pushed long ago would never reach that server again — and the other
//! desktops, pulling from it, would never see them. So on that same
//! restart, in the same local transaction as the cursor's reset, every live
//! synced row of the account goes back into the outbox, parents first.
//!
//! Pushing them again is safe: the server keeps whichever copy has the later
//! clock (push.rs), so a row another desktop changed since on that server
//! stays as it is there. Deletes are not replayed: the outbox forgot them
//! once pushed, so a row deleted after the backup comes back from any
//! desktop that still has it (docs/sync.md, "A server that went back").

use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::tables::TABLES;

/// Queues every live synced row of `account` for the next push; returns how
/// many entries were queued.
pub(crate) async fn requeue_account(
    tx: &mut SqliteConnection,
    account: Uuid,
) -> Result<u64, sqlx::Error> {
    let mut queued = 0;
    for table in TABLES {
        let key1 = table.outbox_key[0];
        let key2 = table.outbox_key.get(1).copied().unwrap_or("NULL");
        // The row's own clock: it is what the server compares.
        let sql = format!(
            "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
             SELECT ?1, '{name}', {key1}, {key2}, 'upsert', coalesce(hlc, (SELECT hlc FROM sync_clock))
             FROM {name} WHERE {account} = ?1 ORDER BY rowid",
            name = table.name,
            account = table.account_column,
        );
        queued += sqlx::query(&sql)
            .bind(account)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    Ok(queued)
}
