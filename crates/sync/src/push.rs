//! Push: the local outbox, oldest first, in batches per account, written to
//! the server in one transaction per batch with one `UNNEST` statement per
//! table and kind (live rows, tombstones); the pushed outbox entries are
//! deleted locally only after the server committed.
//!
//! Idempotent by construction: a live row is written only over an older clock
//! (`WHERE t.hlc < EXCLUDED.hlc`), a tombstone likewise, so pushing the same
//! entries again (after a crash between the server's commit and the local
//! delete) changes no row; it only spends version numbers, which is harmless.

use std::collections::HashMap;

use sqlx::{Connection, PgConnection, Row, SqlitePool};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::sync_error::SyncError;
use crate::tables::{ColumnArray, SyncTable, TABLES, Value, read_value};

/// Most outbox entries one batch (one server transaction) carries.
pub const BATCH: u32 = 5_000;

/// Where a push is; a hook sees each point (tests stop a child process there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushPoint {
    /// The batch's statements were sent; the server has not committed.
    Sent { entries: usize },
    /// The server committed the batch; the local outbox still holds it.
    Committed { entries: usize },
    /// The batch's outbox entries are deleted locally.
    Cleared { entries: usize },
}

/// What a push did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Outbox entries pushed and cleared.
    pub entries: u64,
    /// Live rows and tombstones sent (several entries of one row are one).
    pub rows: u64,
    pub batches: u64,
    /// Local rows merged into a server row holding their natural key
    /// (`merge.rs`); their accounts must be pulled again.
    pub merged: u64,
}

/// How many changes wait to be pushed, for all accounts.
pub async fn waiting(local: &SqlitePool) -> Result<u64, SyncError> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_outbox")
        .fetch_one(local)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Pushes every waiting change of these accounts.
pub async fn push_once(
    local: &SqlitePool,
    remote: &mut PgConnection,
    accounts: &[Uuid],
) -> Result<PushReport, SyncError> {
    push_with(local, remote, accounts, BATCH, &mut |_| {}).await
}

/// [`push_once`] with a batch size and a hook called at each [`PushPoint`].
pub async fn push_with(
    local: &SqlitePool,
    remote: &mut PgConnection,
    accounts: &[Uuid],
    batch: u32,
    hook: &mut (dyn FnMut(PushPoint) + Send),
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    for account in accounts {
        loop {
            let entries = read_batch(local, *account, batch).await?;
            let Some(last) = entries.last().map(|e| e.seq) else {
                break;
            };
            let first = entries.first().map(|e| e.seq).unwrap_or(last);
            let rows = match push_batch(local, remote, *account, &entries, first, last, hook).await
            {
                Ok(rows) => rows,
                Err(SyncError::Remote(e))
                    if e.as_database_error()
                        .is_some_and(|d| d.is_unique_violation()) =>
                {
                    // Another row holds a natural key: merge, then the batch again.
                    match crate::merge::resolve(local, remote, *account).await? {
                        0 => return Err(SyncError::Remote(e)),
                        n => {
                            report.merged += n;
                            continue;
                        }
                    }
                }
                Err(e) => return Err(e),
            };
            sqlx::query("DELETE FROM sync_outbox WHERE account_id = ? AND seq <= ?")
                .bind(account)
                .bind(last)
                .execute(local)
                .await?;
            hook(PushPoint::Cleared {
                entries: entries.len(),
            });
            report.entries += entries.len() as u64;
            report.rows += rows;
            report.batches += 1;
        }
    }
    Ok(report)
}

/// A row's key in the outbox: key1 and key2 (link tables only).
type RowKey = (Option<Uuid>, Option<Uuid>);

/// One outbox entry.
#[derive(Debug, Clone)]
struct Entry {
    seq: i64,
    table: &'static SyncTable,
    key: RowKey,
    delete: bool,
    hlc: String,
}

async fn read_batch(
    local: &SqlitePool,
    account: Uuid,
    batch: u32,
) -> Result<Vec<Entry>, SyncError> {
    let rows = sqlx::query(
        "SELECT seq, table_name, key1, key2, op, hlc FROM sync_outbox
         WHERE account_id = ? ORDER BY seq LIMIT ?",
    )
    .bind(account)
    .bind(batch)
    .fetch_all(local)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get(1)?;
        // A table this binary does not sync (an entry from a newer version's
        // triggers) cannot be pushed; refuse rather than drop it.
        let table = crate::tables::table(&name)
            .ok_or_else(|| SyncError::Outbox(format!("unknown table {name}")))?;
        let op: String = row.try_get(4)?;
        entries.push(Entry {
            seq: row.try_get(0)?,
            table,
            key: (row.try_get(2)?, row.try_get(3)?),
            delete: op == "delete",
            hlc: row.try_get(5)?,
        });
    }
    Ok(entries)
}

/// Sends one batch in one server transaction; returns the rows sent.
async fn push_batch(
    local: &SqlitePool,
    remote: &mut PgConnection,
    account: Uuid,
    entries: &[Entry],
    first: i64,
    last: i64,
    hook: &mut (dyn FnMut(PushPoint) + Send),
) -> Result<u64, SyncError> {
    // The last entry of each row decides: its current state, or its tombstone.
    let mut last_op: HashMap<(&str, RowKey), &Entry> = HashMap::new();
    for e in entries {
        last_op.insert((e.table.name, e.key), e);
    }
    let mut sent = 0u64;
    let mut tx = remote.begin().await.map_err(SyncError::remote)?;
    for table in TABLES {
        if !entries.iter().any(|e| std::ptr::eq(e.table, table)) {
            continue;
        }
        // Live rows: the current local state of rows whose last entry is an upsert.
        let rows = sqlx::query(&table.local_rows_of_batch())
            .bind(account)
            .bind(first)
            .bind(last)
            .fetch_all(local)
            .await?;
        let mut live: HashMap<RowKey, (Vec<Value>, String)> = HashMap::new();
        for row in &rows {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, c) in table.columns.iter().enumerate() {
                values.push(read_value(row, i, c.kind)?);
            }
            let hlc: Option<String> = row.try_get(table.columns.len())?;
            let key = table.key_of(&values);
            let Some(entry) = last_op.get(&(table.name, key)) else {
                continue;
            };
            if entry.delete {
                continue;
            }
            live.insert(key, (values, hlc.unwrap_or_else(|| entry.hlc.clone())));
        }
        if !live.is_empty() {
            let mut arrays: Vec<ColumnArray> = table
                .columns
                .iter()
                .map(|c| ColumnArray::new(c.kind, live.len()))
                .collect();
            let mut clocks = Vec::with_capacity(live.len());
            for (values, hlc) in live.values() {
                for (array, value) in arrays.iter_mut().zip(values) {
                    array.push(value);
                }
                clocks.push(hlc.clone());
            }
            let sql = table.remote_upsert();
            let mut query = sqlx::query(&sql);
            for array in arrays {
                query = array.bind(query);
            }
            query
                .bind(clocks)
                .execute(&mut *tx)
                .await
                .map_err(SyncError::remote)?;
            sent += live.len() as u64;
        }
        // Tombstones, for tables that have them on the server.
        if table.push != crate::tables::Push::Upsert {
            continue;
        }
        let deletes: Vec<&&Entry> = last_op
            .values()
            .filter(|e| e.delete && std::ptr::eq(e.table, table))
            .collect();
        if deletes.is_empty() {
            continue;
        }
        let mut keys: Vec<Vec<Uuid>> =
            vec![Vec::with_capacity(deletes.len()); table.primary_key.len()];
        let mut clocks = Vec::with_capacity(deletes.len());
        let mut times = Vec::with_capacity(deletes.len());
        for e in &deletes {
            let (Some(k1), k2) = e.key else { continue };
            for (slot, name) in keys.iter_mut().zip(table.primary_key) {
                let value = if *name == "account_id" {
                    Some(account)
                } else if Some(*name) == table.outbox_key.first().copied() {
                    Some(k1)
                } else {
                    k2
                };
                slot.push(value.unwrap_or(Uuid::nil()));
            }
            times.push(Hlc::parse(&e.hlc).map(|h| h.ms).unwrap_or(0));
            clocks.push(e.hlc.clone());
        }
        let sql = table.remote_tombstone();
        let mut query = sqlx::query(&sql);
        for k in keys {
            query = query.bind(k);
        }
        query
            .bind(clocks)
            .bind(times)
            .execute(&mut *tx)
            .await
            .map_err(SyncError::remote)?;
        sent += deletes.len() as u64;
    }
    hook(PushPoint::Sent {
        entries: entries.len(),
    });
    tx.commit().await.map_err(SyncError::remote)?;
    hook(PushPoint::Committed {
        entries: entries.len(),
    });
    Ok(sent)
}
