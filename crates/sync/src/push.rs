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
    /// Outbox entries the server refused for good and that were set aside
    /// (`sync_parked`) so the rest of the account flows.
    pub parked: u64,
}

/// How many changes of the accounts this server shares wait to be pushed
/// (the accounts pulled here at least once: they have a cursor). An account
/// that lives only on this desktop is not waiting for anything: counting its
/// entries kept "1 alteração(ões) aguardando" on screen forever, across
/// restarts, after an ordinary edit there. Parked entries are counted apart.
pub async fn waiting(local: &SqlitePool) -> Result<u64, SyncError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sync_outbox WHERE account_id IN (SELECT account_id FROM sync_cursor)",
    )
    .fetch_one(local)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How many changes the server refused and are set aside (`sync_parked`,
/// and each plan's limits refused: [`crate::plan_limits`]).
pub async fn parked(local: &SqlitePool) -> Result<u64, SyncError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM sync_parked)
              + (SELECT count(*) FROM settings WHERE substr(key, 1, length(?1)) = ?1)",
    )
    .bind(crate::plan_limits::REFUSED)
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
            let rows = match push_batch(local, remote, *account, &entries, Aside::No, hook).await {
                Ok(rows) => rows,
                Err(SyncError::Remote(e)) if is_refusal(&e) => {
                    let unique = e
                        .as_database_error()
                        .is_some_and(|d| d.is_unique_violation());
                    if unique {
                        // Another row holds a natural key: merge, then the batch again.
                        let merged = crate::merge::resolve(local, remote, *account).await?;
                        if merged > 0 {
                            report.merged += merged;
                            continue;
                        }
                    }
                    // Keys swapped or moved between rows of this batch (two
                    // phones exchanged offline) go with the server's copies set
                    // aside; what still cannot go is parked, the rest goes.
                    let retried = if unique {
                        push_batch(local, remote, *account, &entries, Aside::Yes, hook).await
                    } else {
                        Err(SyncError::Remote(e))
                    };
                    match retried {
                        Ok(rows) => rows,
                        Err(SyncError::Remote(e)) if is_refusal(&e) => {
                            let (rows, parked) =
                                push_parking(local, remote, *account, &entries, hook).await?;
                            report.parked += parked;
                            rows
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            };
            // A parked row pushed again (edited, or retried) went through.
            sqlx::query(
                "DELETE FROM sync_parked WHERE account_id = ?1 AND seq < ?2 AND EXISTS (
                   SELECT 1 FROM sync_outbox o WHERE o.account_id = ?1 AND o.seq BETWEEN ?2 AND ?3
                     AND o.table_name = sync_parked.table_name AND o.key1 IS sync_parked.key1
                     AND o.key2 IS sync_parked.key2)
                 AND NOT EXISTS (SELECT 1 FROM sync_parked p WHERE p.account_id = ?1 AND p.seq BETWEEN ?2 AND ?3
                     AND p.table_name = sync_parked.table_name AND p.key1 IS sync_parked.key1
                     AND p.key2 IS sync_parked.key2)",
            )
            .bind(account)
            .bind(first)
            .bind(last)
            .execute(local)
            .await?;
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

/// Whether the server's copies of a batch's rows step out of the unique
/// indexes before the batch is written (see [`push_batch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aside {
    No,
    Yes,
}

/// [`push_parking`]'s future: it calls itself on each half.
type Parking<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(u64, u64), SyncError>> + Send + 'a>>;

/// Pushes `entries` by halves until each part either goes through or is one
/// entry the server refuses: that one is parked (`sync_parked`, with the
/// server's reason, shown in Settings → Sincronização) instead of stopping
/// the account's sync for good. Returns the rows sent and the entries parked.
/// The caller clears the whole batch from the outbox afterwards.
fn push_parking<'a>(
    local: &'a SqlitePool,
    remote: &'a mut PgConnection,
    account: Uuid,
    entries: &'a [Entry],
    hook: &'a mut (dyn FnMut(PushPoint) + Send),
) -> Parking<'a> {
    Box::pin(async move {
        match push_batch(local, remote, account, entries, Aside::Yes, hook).await {
            Ok(rows) => Ok((rows, 0)),
            Err(SyncError::Remote(e)) if entries.len() == 1 && is_refusal(&e) => {
                let entry = &entries[0];
                let (reason, detail) = refusal(&e);
                tracing::warn!(
                    "sync: {} {:?} parked: the server refused it ({detail})",
                    entry.table.name,
                    entry.key
                );
                // One parked entry per row: its latest refusal.
                let mut tx = local.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query(
                    "DELETE FROM sync_parked WHERE account_id = ? AND table_name = ? AND key1 IS ? AND key2 IS ?",
                )
                .bind(account)
                .bind(entry.table.name)
                .bind(entry.key.0)
                .bind(entry.key.1)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sync_parked (account_id, seq, table_name, key1, key2, op, hlc, reason, detail, parked_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(account)
                .bind(entry.seq)
                .bind(entry.table.name)
                .bind(entry.key.0)
                .bind(entry.key.1)
                .bind(if entry.delete { "delete" } else { "upsert" })
                .bind(&entry.hlc)
                .bind(reason)
                .bind(detail)
                .bind(zapdesk_core::time::now_ms())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok((0, 1))
            }
            Err(SyncError::Remote(e)) if entries.len() > 1 && is_refusal(&e) => {
                let (left, right) = entries.split_at(entries.len() / 2);
                let (a, p) = push_parking(local, &mut *remote, account, left, &mut *hook).await?;
                let (b, q) = push_parking(local, remote, account, right, hook).await?;
                Ok((a + b, p + q))
            }
            Err(e) => Err(e),
        }
    })
}

/// A refusal about the row itself (a key another row holds, a value the
/// server's checks refuse), as opposed to the connection or the login:
/// only those are parked.
fn is_refusal(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.is_unique_violation() || d.is_check_violation() || d.is_foreign_key_violation()
    })
}

/// What the server said, as a short code the UI puts in words (the
/// constraint's name) and the server's own message.
fn refusal(e: &sqlx::Error) -> (String, String) {
    let Some(d) = e.as_database_error() else {
        return ("refused".into(), e.to_string());
    };
    let code = d
        .constraint()
        .map_or_else(|| "refused".to_owned(), str::to_owned);
    (code, d.message().to_owned())
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

/// Sends one batch (any run of consecutive outbox entries) in one server
/// transaction; returns the rows sent.
///
/// With [`Aside::Yes`], the server's copies of the batch's live rows that
/// the batch will overwrite (an older clock) are first marked deleted, which
/// takes them out of the unique indexes (all partial on `deleted_at IS
/// NULL`); the upsert then writes each whole row back, live. So two rows
/// that exchanged a phone or a name go in one statement, where one after
/// the other would each hit the other's old key.
async fn push_batch(
    local: &SqlitePool,
    remote: &mut PgConnection,
    account: Uuid,
    entries: &[Entry],
    aside: Aside,
    hook: &mut (dyn FnMut(PushPoint) + Send),
) -> Result<u64, SyncError> {
    let (Some(first), Some(last)) = (
        entries.first().map(|e| e.seq),
        entries.last().map(|e| e.seq),
    ) else {
        return Ok(0);
    };
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
            if aside == Aside::Yes
                && table.push == crate::tables::Push::Upsert
                && table.primary_key == ["id"]
            {
                let id = table.column_index("id").unwrap_or(0);
                let ids: Vec<Option<Uuid>> = live.values().map(|(v, _)| v[id].as_uuid()).collect();
                sqlx::query(&format!(
                    "UPDATE zapdesk.{} t SET deleted_at = 0
                     FROM UNNEST($2::uuid[], $3::text[]) AS b(id, hlc)
                     WHERE t.account_id = $1 AND t.id = b.id AND t.hlc < b.hlc AND t.deleted_at IS NULL",
                    table.name
                ))
                .bind(account)
                .bind(ids)
                .bind(&clocks)
                .execute(&mut *tx)
                .await
                .map_err(SyncError::remote)?;
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
