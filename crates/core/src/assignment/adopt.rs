//! The roster as JSON on the bot settings row (migration 0029) copied into
//! its own table (0035), once per operator and account, when the store opens.
//!
//! Why here and not in the migration: a row's id is a UUIDv5 of the account
//! and the e-mail ([`super::operator_row_id`]), so that every desktop copying
//! the same operator makes the same row; SQLite has no hash to make it.
//!
//! Why the smallest clock there is ([`COPIED_CLOCK`]): a copied row only
//! fills a gap, it must lose to any row written in the new table, on any
//! desktop. Stamped by the triggers it would take this desktop's clock now,
//! and a desktop updated a week after the others would push last week's
//! JSON over what operators said since; the settings row's clock is no
//! better (the settings row may have been saved after an operator's row was
//! written elsewhere, and then the copy won on the server). Two desktops that
//! copy the same operator make the same row with the same clock, and the
//! server keeps either (equal clocks change nothing).
//!
//! Once: each account's JSON copied is remembered in `assignment_adopted`
//! (0035, this desktop's only), so a store open reads and writes nothing
//! more. A JSON pulled later from a desktop on an older ZapDesk differs from
//! the one remembered and is copied again, filling only gaps.

use sqlx::SqliteConnection;

use super::{Roster, operator_row_id};
use crate::Store;
use crate::ids::AccountId;

/// Copies every roster still only in `automation_settings.assign_team` into
/// `assignment_operators`: the operators without a row there. A roster that
/// does not read (damaged, or a newer ZapDesk's shape) is left where it is.
/// The number of rows copied.
pub async fn adopt_json_rosters(store: &Store) -> Result<u64, sqlx::Error> {
    // Most opens have nothing to copy: no write transaction for them.
    if !json_rosters_pending(store).await? {
        return Ok(0);
    }
    let mut tx = store.write().await?;
    let copied = adopt_in(&mut tx).await?;
    tx.commit().await?;
    Ok(copied)
}

/// The smallest clock the format allows (crates/sync/src/hlc.rs; the
/// server's domain accepts it): any clock written anywhere is later.
pub(crate) const COPIED_CLOCK: &str = "0000000000000-00000-0";

/// Rosters still to copy: a JSON on a settings row not copied as it is now.
const TO_COPY: &str = "FROM automation_settings s
     WHERE s.assign_team NOT IN ('', '{}')
       AND NOT EXISTS (SELECT 1 FROM assignment_adopted a
                       WHERE a.account_id = s.account_id AND a.assign_team = s.assign_team)";

/// Whether a JSON roster waits to be copied (what [`adopt_json_rosters`]
/// reads first, without a write transaction).
pub async fn json_rosters_pending(store: &Store) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 {TO_COPY})"))
        .fetch_one(store.pool())
        .await
}

async fn adopt_in(conn: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    let rows: Vec<(AccountId, String, i64)> = sqlx::query_as(&format!(
        "SELECT s.account_id, s.assign_team, s.updated_at {TO_COPY}"
    ))
    .fetch_all(&mut *conn)
    .await?;
    // Written as a pull writes (the triggers do not stamp nor record it);
    // the outbox entry is added here, with the row's clock.
    sqlx::query("UPDATE sync_apply SET applying = 1")
        .execute(&mut *conn)
        .await?;
    let mut copied = 0;
    for (account, team, updated_at) in rows {
        // Remembered even when it does not read: read again at every open it
        // would not read any better (a damaged JSON is no longer written).
        sqlx::query(
            "INSERT INTO assignment_adopted (account_id, assign_team) VALUES (?, ?)
             ON CONFLICT (account_id) DO UPDATE SET assign_team = excluded.assign_team",
        )
        .bind(account)
        .bind(&team)
        .execute(&mut *conn)
        .await?;
        let Ok(roster) = serde_json::from_str::<Roster>(&team) else {
            continue;
        };
        let hlc = COPIED_CLOCK;
        // The table's check (an e-mail of 3 to 254 characters): a key
        // outside it names nobody, and must not stop the store opening.
        for (email, entry) in roster
            .into_iter()
            .filter(|(e, _)| (3..=254).contains(&e.chars().count()))
        {
            let id = operator_row_id(account, &email);
            let done = sqlx::query(
                "INSERT INTO assignment_operators
                     (id, account_id, email, name, available, cap, updated_at, hlc)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(account)
            .bind(&email)
            .bind(&entry.name)
            .bind(entry.available)
            .bind(entry.cap.filter(|c| (1..=super::CAP_MAX).contains(c)))
            .bind(updated_at)
            .bind(hlc)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            sqlx::query(
                "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
                 VALUES (?, 'assignment_operators', ?, NULL, 'upsert', ?)",
            )
            .bind(account)
            .bind(id)
            .bind(hlc)
            .execute(&mut *conn)
            .await?;
            copied += 1;
        }
    }
    sqlx::query("UPDATE sync_apply SET applying = 0")
        .execute(&mut *conn)
        .await?;
    Ok(copied)
}
