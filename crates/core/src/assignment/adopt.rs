//! The roster as JSON on the bot settings row (migration 0029) copied into
//! its own table (0035), once per operator and account, when the store opens.
//!
//! Why here and not in the migration: a row's id is a UUIDv5 of the account
//! and the e-mail ([`super::operator_row_id`]), so that every desktop copying
//! the same operator makes the same row; SQLite has no hash to make it.
//!
//! Why the settings row's clock: a copied row must lose to any change made
//! in the new table, on any desktop. Stamped by the triggers it would take
//! this desktop's clock now, and a desktop updated a week after the others
//! would push last week's JSON over what operators said since. With the
//! clock of the settings row it came from, it is the state of that moment;
//! two desktops that copy the same settings row make the same row with the
//! same clock, and the server keeps either (equal clocks change nothing).

use sqlx::SqliteConnection;

use super::{Roster, operator_row_id};
use crate::Store;
use crate::ids::AccountId;

/// Copies every roster still only in `automation_settings.assign_team` into
/// `assignment_operators`: the operators without a row there. A roster that
/// does not read (damaged, or a newer ZapDesk's shape) is left where it is.
/// The number of rows copied.
pub async fn adopt_json_rosters(store: &Store) -> Result<u64, sqlx::Error> {
    // Most stores have nothing to copy: no write transaction for them.
    let pending: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM automation_settings WHERE assign_team NOT IN ('', '{}'))",
    )
    .fetch_one(store.pool())
    .await?;
    if !pending {
        return Ok(0);
    }
    let mut tx = store.write().await?;
    let copied = adopt_in(&mut tx).await?;
    tx.commit().await?;
    Ok(copied)
}

async fn adopt_in(conn: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    let rows: Vec<(AccountId, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT account_id, assign_team, hlc, updated_at FROM automation_settings
         WHERE assign_team NOT IN ('', '{}')",
    )
    .fetch_all(&mut *conn)
    .await?;
    // Written as a pull writes (the triggers do not stamp nor record it);
    // the outbox entry is added here, with the row's clock.
    sqlx::query("UPDATE sync_apply SET applying = 1")
        .execute(&mut *conn)
        .await?;
    let mut copied = 0;
    for (account, team, hlc, updated_at) in rows {
        let Ok(roster) = serde_json::from_str::<Roster>(&team) else {
            continue;
        };
        let hlc = match hlc {
            Some(hlc) => hlc,
            None => {
                sqlx::query_scalar("SELECT hlc FROM sync_clock")
                    .fetch_one(&mut *conn)
                    .await?
            }
        };
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
            .bind(&hlc)
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
            .bind(&hlc)
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
