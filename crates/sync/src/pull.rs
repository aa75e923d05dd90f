//! Pull: for each account, the rows the server changed after this desktop's
//! cursor, read in one REPEATABLE READ snapshot bounded by the account's
//! counter (read first), applied to the local store a few hundred rows per
//! transaction with the sync guard set (so the store's other writers never
//! wait long), and the cursor advanced in the last of them. A crash before
//! that commit leaves the cursor where it was: the next pull reads the same
//! rows again and applying them again changes nothing.
//!
//! Last writer wins: a pulled row replaces the local one only when its clock
//! is later; a tombstone deletes the local row unless the row was written
//! later; a row whose local delete is still waiting to be pushed with a later
//! clock is not brought back. Rows are applied parents first (the order of
//! [`TABLES`]); a row whose parent was deleted locally is skipped.

use sqlx::{Connection, PgConnection, Row, Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

use crate::hlc::{self, Hlc};
use crate::sync_error::SyncError;
use crate::tables::{SyncTable, TABLES, Value, read_value};

/// What a pull of one account did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Rows received from the server.
    pub received: u64,
    /// Rows that changed the local store (written or deleted).
    pub applied: u64,
    /// Rows refused by a local constraint (a phone or a name taken locally by
    /// another row); they stay on the server, see docs/sync.md.
    pub conflicts: u64,
    /// The account's cursor after the pull.
    pub cursor: i64,
    /// The tables whose local rows the pull changed, each once: what the
    /// screens showing them must read again.
    pub changed: Vec<&'static str>,
}

/// Rows applied in one local transaction, and their tables.
#[derive(Default)]
struct Applied {
    rows: u64,
    conflicts: u64,
    tables: Vec<&'static str>,
}

impl Applied {
    fn add(&mut self, table: &'static SyncTable, rows: u64) {
        self.rows += rows;
        if rows > 0 && !self.tables.contains(&table.name) {
            self.tables.push(table.name);
        }
    }
}

/// A pulled row.
struct Change {
    table: &'static SyncTable,
    values: Vec<Value>,
    hlc: String,
    deleted: bool,
}

/// This desktop's cursor for an account (0: never pulled).
pub async fn cursor(local: &SqlitePool, account: Uuid) -> Result<i64, SyncError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM sync_cursor WHERE account_id = ?")
            .bind(account)
            .fetch_optional(local)
            .await?
            .unwrap_or(0),
    )
}

/// The accounts the connected operator is a member of.
pub async fn memberships(remote: &mut PgConnection) -> Result<Vec<Uuid>, SyncError> {
    sqlx::query_scalar(
        "SELECT account_id FROM zapdesk.memberships WHERE operator = session_user ORDER BY account_id",
    )
    .fetch_all(remote)
    .await
    .map_err(SyncError::remote)
}

/// Pulls each of these accounts.
pub async fn pull_once(
    local: &SqlitePool,
    remote: &mut PgConnection,
    accounts: &[Uuid],
) -> Result<Vec<PullReport>, SyncError> {
    let mut reports = Vec::with_capacity(accounts.len());
    for account in accounts {
        reports.push(pull_account(local, remote, *account).await?);
    }
    Ok(reports)
}

/// Pulls one account.
pub async fn pull_account(
    local: &SqlitePool,
    remote: &mut PgConnection,
    account: Uuid,
) -> Result<PullReport, SyncError> {
    pull_account_reporting(local, remote, account, |_| {}).await
}

/// Pulls one account, calling `committed` with the tables each local
/// transaction changed right after it commits: a pull that fails half-way
/// has still changed what its first transactions wrote, and applying those
/// rows again later changes nothing, so this is the one moment to say so.
pub async fn pull_account_reporting(
    local: &SqlitePool,
    remote: &mut PgConnection,
    account: Uuid,
    mut committed: impl FnMut(&[&'static str]),
) -> Result<PullReport, SyncError> {
    let (stored, known_epoch): (i64, Option<String>) =
        sqlx::query_as("SELECT version, epoch FROM sync_cursor WHERE account_id = ?")
            .bind(account)
            .fetch_optional(local)
            .await?
            .unwrap_or((0, None));
    let (epoch, version) = server_position(remote, account).await?;
    // Another server than the cursor's (re-provisioned), or the same one gone
    // back (restored from a backup): the cursor means nothing there, and
    // keeping it would skip rows. From the start; applying is idempotent.
    let restart = known_epoch.as_deref().is_some_and(|e| e != epoch) || version < stored;
    if restart {
        tracing::warn!(
            "sync: account {account}: the server is not where this desktop left it (epoch {known_epoch:?} → {epoch}, version {stored} → {version}); pulling from the start"
        );
    }
    let from = if restart { 0 } else { stored };
    let (to, changes) = read_changes(remote, account, from).await?;
    let mut report = PullReport {
        received: changes.len() as u64,
        cursor: from,
        ..PullReport::default()
    };
    if to <= from && !restart && known_epoch.is_some() {
        return Ok(report);
    }
    // The statements, built once per table rather than once per row.
    let statements: Vec<(String, String, String)> = TABLES
        .iter()
        .map(|t| {
            (
                t.local_apply_row(),
                t.local_apply_tombstone(),
                t.local_apply_rows(APPLY_ROWS),
            )
        })
        .collect();
    // A few hundred rows per local transaction: a pull of thousands of rows
    // in one `BEGIN IMMEDIATE` held the write lock for seconds, past the
    // store's busy timeout, and WhatsApp's messages failed to be stored
    // meanwhile. Only the last chunk's transaction advances the cursor: a
    // crash or an error before it leaves the cursor where it was, and the
    // next pull applies the same rows again (idempotent: a row is written
    // only over an older clock).
    let chunks: Vec<&[Change]> = if changes.is_empty() {
        vec![&[]]
    } else {
        changes.chunks(CHUNK_ROWS).collect()
    };
    let last = chunks.len() - 1;
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut tx = local.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE sync_apply SET applying = 1 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let mut applied = Applied::default();
        apply_chunk(&mut tx, chunk, &statements, &mut applied).await?;
        if n == last {
            sqlx::query(
                "INSERT INTO sync_cursor (account_id, version, epoch) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, epoch = excluded.epoch
                 WHERE excluded.version > sync_cursor.version OR ?4 OR sync_cursor.epoch IS NULL",
            )
            .bind(account)
            .bind(to)
            .bind(&epoch)
            .bind(restart)
            .execute(&mut *tx)
            .await?;
            if restart {
                // That server may lack what this desktop pushed to it (or to
                // the one before it): everything goes again, with the reset.
                let queued = crate::republish::requeue_account(&mut tx, account).await?;
                tracing::warn!("sync: account {account}: {queued} rows queued to push again");
            }
        }
        // Back to 0 before the commit: no other writer ever sees the guard set.
        sqlx::query("UPDATE sync_apply SET applying = 0 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        report.applied += applied.rows;
        report.conflicts += applied.conflicts;
        if !applied.tables.is_empty() {
            committed(&applied.tables);
        }
        for table in applied.tables {
            if !report.changed.contains(&table) {
                report.changed.push(table);
            }
        }
    }
    report.cursor = to;
    Ok(report)
}

/// Pulled rows applied in one local transaction (see [`pull_account`]).
const CHUNK_ROWS: usize = 500;

/// Applies one chunk of pulled rows in `tx`, parents first as they come, and
/// moves the local clock past theirs.
async fn apply_chunk(
    tx: &mut Transaction<'_, Sqlite>,
    changes: &[Change],
    statements: &[(String, String, String)],
    report: &mut Applied,
) -> Result<(), SyncError> {
    let mut newest: Option<Hlc> = None;
    let mut at = 0;
    while at < changes.len() {
        let first = &changes[at];
        let index = TABLES
            .iter()
            .position(|t| std::ptr::eq(t, first.table))
            .unwrap_or_default();
        let (live, tombstone, many) = &statements[index];
        // Consecutive live rows of one table go in one statement.
        let mut end = at + 1;
        if !first.deleted {
            while end < changes.len()
                && end - at < APPLY_ROWS
                && !changes[end].deleted
                && std::ptr::eq(changes[end].table, first.table)
            {
                end += 1;
            }
        }
        let run = &changes[at..end];
        let together = if run.len() == APPLY_ROWS {
            Some(apply_many(tx, run, many).await)
        } else if run.len() > 1 {
            Some(apply_many(tx, run, &first.table.local_apply_rows(run.len())).await)
        } else {
            None
        };
        match together {
            Some(Ok(n)) => report.add(first.table, n),
            // A local UNIQUE held by another row (below) fails the whole
            // statement: row by row, to skip only that row.
            Some(Err(e)) if !is_unique_violation(&e) => return Err(e.into()),
            Some(Err(_)) | None => {
                let mut held = Vec::new();
                for change in run {
                    let sql = if change.deleted { tombstone } else { live };
                    match apply(tx, change, sql).await {
                        Ok(n) => report.add(change.table, n),
                        // A local UNIQUE (phone, tag name, …) held by another
                        // row: a statement-level failure, the transaction goes on.
                        Err(e) if is_unique_violation(&e) => held.push(change),
                        Err(e) => return Err(e.into()),
                    }
                }
                if !held.is_empty() {
                    let (applied, conflicts) = apply_exchanged(tx, &held, live).await?;
                    report.add(first.table, applied);
                    report.conflicts += conflicts;
                }
            }
        }
        for change in run {
            if let Some(h) = Hlc::parse(&change.hlc)
                && newest.as_ref().is_none_or(|n| h > *n)
            {
                newest = Some(h);
            }
        }
        at = end;
    }
    if let Some(h) = &newest {
        hlc::observe(tx, h).await?;
    }
    Ok(())
}

/// The server's epoch and the account's version right now.
async fn server_position(
    remote: &mut PgConnection,
    account: Uuid,
) -> Result<(String, i64), SyncError> {
    let epoch: Option<String> = sqlx::query_scalar("SELECT zapdesk.server_epoch()")
        .fetch_one(&mut *remote)
        .await
        .map_err(SyncError::remote)?;
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM zapdesk.account_versions WHERE account_id = $1")
            .bind(account)
            .fetch_optional(&mut *remote)
            .await
            .map_err(SyncError::remote)?;
    Ok((epoch.unwrap_or_default(), version.unwrap_or(0)))
}

/// Reads, in one snapshot, the account's counter and every row changed after
/// `from` up to it. Reading the counter first bounds the pull: a write that
/// commits meanwhile is not in this snapshot and has a higher version.
async fn read_changes(
    remote: &mut PgConnection,
    account: Uuid,
    from: i64,
) -> Result<(i64, Vec<Change>), SyncError> {
    let mut tx = remote.begin().await.map_err(SyncError::remote)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(SyncError::remote)?;
    let to: Option<i64> =
        sqlx::query_scalar("SELECT version FROM zapdesk.account_versions WHERE account_id = $1")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await
            .map_err(SyncError::remote)?;
    let to = to.unwrap_or(0);
    let mut changes = Vec::new();
    if to > from {
        for table in TABLES {
            let rows = sqlx::query(&table.remote_changes())
                .bind(account)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await
                .map_err(SyncError::remote)?;
            let n = table.columns.len();
            for row in rows {
                let mut values = Vec::with_capacity(n);
                for (i, c) in table.columns.iter().enumerate() {
                    values.push(read_value(&row, i, c.kind).map_err(SyncError::remote)?);
                }
                let deleted: Option<i64> = row.try_get(n + 1).map_err(SyncError::remote)?;
                changes.push(Change {
                    table,
                    values,
                    hlc: row.try_get(n).map_err(SyncError::remote)?,
                    deleted: deleted.is_some(),
                });
            }
        }
    }
    tx.commit().await.map_err(SyncError::remote)?;
    Ok((to, changes))
}

/// Live rows applied in one statement (`apply_width()` values each, at most
/// 19 × 500 parameters: far below SQLite's 32 766).
const APPLY_ROWS: usize = 500;

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Applies live rows of one table with `sql` from `local_apply_rows`;
/// returns how many changed the local store.
async fn apply_many(
    tx: &mut Transaction<'_, Sqlite>,
    run: &[Change],
    sql: &str,
) -> Result<u64, sqlx::Error> {
    let mut query = sqlx::query(sql);
    for change in run {
        query = bind_row(query, change);
    }
    Ok(query.execute(&mut **tx).await?.rows_affected())
}

fn bind_row<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    change: &'q Change,
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for value in &change.values {
        query = match value {
            Value::Uuid(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_deref()),
            Value::Int(v) => query.bind(*v),
            Value::Real(v) => query.bind(*v),
            Value::Bytes(v) => query.bind(v.as_deref()),
        };
    }
    query = query.bind(change.hlc.as_str());
    if let Some(folded) = change.table.folded_value(&change.values) {
        query = query.bind(folded);
    }
    query
}

/// The column of a table's natural key that a row can step out of for a
/// moment, and the stand-in it takes (unique by the row's id, within the
/// column's CHECK lengths).
fn key_aside(table: &str) -> Option<(&'static str, &'static str)> {
    Some(match table {
        "contacts" => ("phone", "'~' || hex(id)"),
        "tags" => ("name", "'~' || substr(hex(id), 1, 31)"),
        "custom_fields" => ("key", "'~' || substr(hex(id), 1, 31)"),
        "segments" => ("name", "'~' || substr(hex(id), 1, 31)"),
        "quick_replies" => ("shortcut", "'~' || substr(hex(id), 1, 31)"),
        _ => return None,
    })
}

/// Pulled live rows that hit a local unique key: when they exchanged keys
/// among themselves (two phones swapped on another desktop), each steps out
/// of its old key first, then all are applied. Only rows the pull overwrites
/// (an older local clock) step out, and all of it is undone (a savepoint)
/// if any still collides with a row outside the pull: those are counted as
/// conflicts, as before. Returns (applied, conflicts).
async fn apply_exchanged(
    tx: &mut Transaction<'_, Sqlite>,
    held: &[&Change],
    live: &str,
) -> Result<(u64, u64), SyncError> {
    let Some((column, stand_in)) = key_aside(held[0].table.name) else {
        return Ok((0, held.len() as u64));
    };
    let table = held[0].table;
    let id = table.column_index("id").unwrap_or(0);
    sqlx::query("SAVEPOINT exchanged")
        .execute(&mut **tx)
        .await?;
    for change in held {
        sqlx::query(&format!(
            "UPDATE {name} SET {column} = {stand_in} WHERE id = ? AND (hlc IS NULL OR hlc < ?)",
            name = table.name
        ))
        .bind(change.values.get(id).and_then(Value::as_uuid))
        .bind(&change.hlc)
        .execute(&mut **tx)
        .await?;
    }
    let mut applied = 0;
    for change in held {
        match apply(tx, change, live).await {
            Ok(n) => applied += n,
            Err(e) if is_unique_violation(&e) => {
                sqlx::query("ROLLBACK TO exchanged")
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("RELEASE exchanged").execute(&mut **tx).await?;
                return Ok((0, held.len() as u64));
            }
            Err(e) => return Err(e.into()),
        }
    }
    sqlx::query("RELEASE exchanged").execute(&mut **tx).await?;
    Ok((applied, 0))
}

/// Applies one pulled row; returns 1 when the local store changed.
async fn apply(
    tx: &mut Transaction<'_, Sqlite>,
    change: &Change,
    sql: &str,
) -> Result<u64, sqlx::Error> {
    let table = change.table;
    let mut query = sqlx::query(sql);
    if change.deleted {
        for name in table.primary_key {
            let value = table
                .column_index(name)
                .and_then(|i| change.values.get(i))
                .and_then(Value::as_uuid);
            query = query.bind(value);
        }
        query = query.bind(&change.hlc);
    } else {
        query = bind_row(query, change);
    }
    Ok(query.execute(&mut **tx).await?.rows_affected())
}
