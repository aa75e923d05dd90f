//! Two rows, one natural key: resolving a push that the server refused with
//! a unique violation (a phone, a tag's name, a field's key, a segment's
//! name, a quick reply's shortcut, a contact's conversation on a number
//! taken by another row).
//!
//! New rows get ids from their natural keys (`zapdesk_core::ids::natural`),
//! so "the same" contact created on two desktops is one row and never
//! collides. What still can: rows created before natural ids, or a row whose
//! key was changed to one another desktop used meanwhile. Then the server's
//! row keeps the key and this desktop's row is merged into it: the local row
//! takes the server row's id (with its references: tags on a contact, values
//! of a field, filters naming a tag), the old id is tombstoned on the server,
//! and the account is pulled again from the start, so what the server holds
//! under that id (skipped earlier as a duplicate) arrives too. The local row's
//! values are the newest write, so they win over the server row's, as any
//! later edit would.

use std::collections::HashMap;

use sqlx::{PgConnection, SqlitePool};
use uuid::Uuid;

use crate::sync_error::SyncError;
use crate::tables::{SyncTable, TABLES};

/// A table whose rows are named by a natural key, and what refers to them.
struct Keyed {
    table: &'static str,
    /// The key as a local expression over the row `t`, and as a remote one
    /// over the server's row: the same text for the same key.
    local: &'static str,
    remote: &'static str,
    /// Whether keys compare case-insensitively (`remote` lower-cases).
    folded: bool,
    /// Local columns holding the row's id: (table, column).
    references: &'static [(&'static str, &'static str)],
    /// Local JSON columns that may name the row's id (filters, audiences).
    json: &'static [(&'static str, &'static str)],
}

const FILTERS: &[(&str, &str)] = &[("segments", "filter"), ("campaigns", "audience")];

/// A tag's id is also in the flows started by adding it (`flows.triggers`);
/// keywords and flow documents name tags by name.
const TAG_JSON: &[(&str, &str)] = &[
    ("segments", "filter"),
    ("campaigns", "audience"),
    ("flows", "triggers"),
];

static KEYED: &[Keyed] = &[
    Keyed {
        table: "contacts",
        local: "t.phone",
        remote: "phone",
        folded: false,
        references: &[
            ("contact_tags", "contact_id"),
            ("contact_fields", "contact_id"),
            ("conversations", "contact_id"),
            ("campaign_recipients", "contact_id"),
            ("audit_log", "contact_id"),
            // This desktop's own automation rows (migrations/sqlite/0018):
            // what the bot has still to look at, and its cooldowns.
            ("automation_queue", "contact_id"),
            ("automation_marks", "contact_id"),
            // A card's contact is a foreign key: not moved, the renamed id
            // fails the commit, and the deleted duplicate takes its cards.
            ("pipeline_cards", "contact_id"),
        ],
        json: &[],
    },
    Keyed {
        table: "tags",
        local: "t.name",
        remote: "lower(name)",
        folded: true,
        // A stage's tag is no foreign key: not moved, the stage would name
        // a tag no desktop has and silently stop tagging.
        references: &[
            ("contact_tags", "tag_id"),
            ("pipeline_stages", "add_tag_id"),
        ],
        json: TAG_JSON,
    },
    Keyed {
        table: "custom_fields",
        local: "t.key",
        remote: "key",
        folded: false,
        references: &[("contact_fields", "field_id")],
        json: FILTERS,
    },
    Keyed {
        table: "segments",
        local: "t.name",
        remote: "lower(name)",
        folded: true,
        references: &[],
        json: &[("campaigns", "audience")],
    },
    Keyed {
        table: "quick_replies",
        local: "t.shortcut",
        remote: "shortcut",
        folded: false,
        references: &[],
        json: &[],
    },
    // One conversation per contact and number: two desktops that each
    // opened one (a campaign's claims on both, around a lease's takeover).
    Keyed {
        table: "conversations",
        local: "lower(hex(t.instance_id)) || ':' || lower(hex(t.contact_id))",
        remote: "replace(instance_id::text, '-', '') || ':' || replace(contact_id::text, '-', '')",
        folded: false,
        references: &[
            ("messages", "conversation_id"),
            ("notes", "conversation_id"),
            ("drafts", "conversation_id"),
            ("flow_sessions", "conversation_id"),
            ("automation_queue", "conversation_id"),
            ("automation_log", "conversation_id"),
        ],
        json: &[],
    },
    // One message per WhatsApp id and number: after a takeover, the new
    // desktop receives the number's backlog from WhatsApp before it pulled
    // the old desktop's rows, and stores the same message under a new id.
    // Rows without WhatsApp's id (not sent yet) have no key.
    Keyed {
        table: "messages",
        local: "lower(hex(t.instance_id)) || ':' || t.wa_message_id",
        remote: "replace(instance_id::text, '-', '') || ':' || wa_message_id",
        folded: false,
        references: &[
            ("conversations", "last_message_id"),
            ("campaign_recipients", "message_id"),
            ("automation_queue", "message_id"),
        ],
        json: &[],
    },
];

fn fold(key: &str, folded: bool) -> String {
    if folded {
        key.to_lowercase()
    } else {
        key.to_owned()
    }
}

/// Finds the account's rows waiting to be pushed whose natural key a
/// different live row holds on the server, and merges each into that row.
/// Returns how many were merged (0: the violation was something else).
pub(crate) async fn resolve(
    local: &SqlitePool,
    remote: &mut PgConnection,
    account: Uuid,
) -> Result<u64, SyncError> {
    let mut merged = 0;
    for keyed in KEYED {
        let waiting: Vec<(Uuid, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT t.id, {key} FROM sync_outbox o
             JOIN {table} t ON t.account_id = o.account_id AND t.id = o.key1
             WHERE o.account_id = ? AND o.table_name = '{table}' AND o.op = 'upsert'
               AND {key} IS NOT NULL",
            key = keyed.local,
            table = keyed.table,
        ))
        .bind(account)
        .fetch_all(local)
        .await?;
        if waiting.is_empty() {
            continue;
        }
        let keys: Vec<String> = waiting.iter().map(|(_, k)| fold(k, keyed.folded)).collect();
        let ids: Vec<Uuid> = waiting.iter().map(|(id, _)| *id).collect();
        let compare = keyed.remote;
        let taken: Vec<(Uuid, String)> = sqlx::query_as(&format!(
            "SELECT id, {compare} FROM zapdesk.{table}
             WHERE account_id = $1 AND deleted_at IS NULL
               AND {compare} = ANY($2) AND NOT (id = ANY($3))",
            table = keyed.table,
        ))
        .bind(account)
        .bind(&keys)
        .bind(&ids)
        .fetch_all(&mut *remote)
        .await
        .map_err(SyncError::remote)?;
        let by_key: HashMap<String, Uuid> = taken.into_iter().map(|(id, k)| (k, id)).collect();
        for (id, key) in &waiting {
            if let Some(server) = by_key.get(&fold(key, keyed.folded))
                && !moving_away(local, account, keyed, *server, key).await?
                && adopt(local, account, keyed, *id, *server).await?
            {
                tracing::info!(
                    "{}: local row {id} merged into the server's {server} (same {})",
                    keyed.table,
                    keyed.remote
                );
                merged += 1;
            }
        }
    }
    Ok(merged)
}

/// Whether the server's row `server` is, here, a row whose key this desktop
/// changed and has not pushed yet: then the key it holds on the server is
/// on its way out (two phones or two names exchanged offline), and the two
/// rows are two things, not one to merge. The push sets the server's copies
/// aside instead (`push.rs`).
async fn moving_away(
    local: &SqlitePool,
    account: Uuid,
    keyed: &Keyed,
    server: Uuid,
    key: &str,
) -> Result<bool, SyncError> {
    let here: Option<Option<String>> = sqlx::query_scalar(&format!(
        "SELECT {key_expr} FROM {table} t
         WHERE t.account_id = ?1 AND t.id = ?2
           AND EXISTS (SELECT 1 FROM sync_outbox o WHERE o.account_id = ?1 AND o.table_name = '{table}'
                       AND o.key1 = ?2 AND o.op = 'upsert')",
        key_expr = keyed.local,
        table = keyed.table,
    ))
    .bind(account)
    .bind(server)
    .fetch_optional(local)
    .await?;
    Ok(matches!(here, Some(Some(k)) if fold(&k, keyed.folded) != fold(key, keyed.folded)))
}

fn synced(name: &str) -> Option<&'static SyncTable> {
    TABLES.iter().find(|t| t.name == name)
}

/// Merges the local row `from` into `to`, in one local transaction. When no
/// local row has `to`, `from` takes that id. When one has (this desktop holds
/// an older copy of the server's row, under another key), `from`'s
/// references move to it and `from` is deleted: the server's values win
/// (but for a later opt-out on `from`, [`keep_own_clock`]), nothing that
/// hung on `from` is lost.
async fn adopt(
    local: &SqlitePool,
    account: Uuid,
    keyed: &Keyed,
    from: Uuid,
    to: Uuid,
) -> Result<bool, SyncError> {
    let mut tx = local.begin_with("BEGIN IMMEDIATE").await?;
    // The row and its references change one after the other; the keys hold
    // again at commit, where SQLite checks them.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    let exists: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE account_id = ? AND id = ?)",
        keyed.table
    ))
    .bind(account)
    .bind(to)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        // Recorded by the table's trigger as an upsert of `to`, with a new clock.
        sqlx::query(&format!(
            "UPDATE {} SET id = ? WHERE account_id = ? AND id = ?",
            keyed.table
        ))
        .bind(to)
        .bind(account)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    }
    let hlc: String = sqlx::query_scalar("SELECT hlc FROM sync_clock WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        // The old id may have reached the server before its key changed.
        tombstone(&mut tx, account, keyed.table, "id", from, &hlc).await?;
    } else {
        keep_own_clock(&mut tx, account, keyed.table, from, to).await?;
        if keyed.table == "contacts" {
            join_threads(&mut tx, account, from, to).await?;
        }
    }
    // Where `to` has the same link already (a tag on both), the row stays
    // behind and goes with `from` below.
    let or_ignore = if exists { "OR IGNORE" } else { "" };
    for (table, column) in keyed.references {
        // A synced link row keyed by this column (contact_tags, contact_fields)
        // changes key: the old key is tombstoned, the new one recorded by the
        // update trigger.
        if let Some(child) = synced(table)
            && child.outbox_key.contains(column)
        {
            tombstone(&mut tx, account, table, column, from, &hlc).await?;
        }
        sqlx::query(&format!(
            "UPDATE {or_ignore} {table} SET {column} = ? WHERE account_id = ? AND {column} = ?"
        ))
        .bind(to)
        .bind(account)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    }
    // Ids in JSON are hyphenated text: unique, so replacing the text is exact.
    for (table, column) in keyed.json {
        sqlx::query(&format!(
            "UPDATE {table} SET {column} = replace({column}, ?1, ?2)
             WHERE account_id = ?3 AND instr({column}, ?1) > 0"
        ))
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(account)
        .execute(&mut *tx)
        .await?;
    }
    if exists {
        // Recorded (with what cascades) as deletes, pushed as tombstones.
        sqlx::query(&format!(
            "DELETE FROM {} WHERE account_id = ? AND id = ?",
            keyed.table
        ))
        .bind(account)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    }
    // Pull the account from the start: rows of the server's row skipped
    // while it was a duplicate here come now (pulling again is idempotent).
    sqlx::query("UPDATE sync_cursor SET version = 0 WHERE account_id = ?")
        .bind(account)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The row that stays keeps its values, but not at the cost of a later
/// decision made on the one that goes (a contact's opt-out, which must never
/// be lost to a merge): that column comes along when its own clock is later.
/// The contacts trigger stamps the change with a new clock, pushed with `to`.
async fn keep_own_clock(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: Uuid,
    table: &str,
    from: Uuid,
    to: Uuid,
) -> Result<(), SyncError> {
    let Some((column, clock)) = synced(table).and_then(|t| t.own_clock) else {
        return Ok(());
    };
    sqlx::query(&format!(
        "UPDATE {table} SET {column} = f.{column}, {clock} = f.{clock}
         FROM (SELECT {column}, {clock} FROM {table} WHERE account_id = ?1 AND id = ?2) AS f
         WHERE {table}.account_id = ?1 AND {table}.id = ?3
           AND coalesce({table}.{clock}, '') < coalesce(f.{clock}, '')"
    ))
    .bind(account)
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Two contacts becoming one may each have a conversation on the same
/// number: `from`'s messages, notes and flow sessions (with this desktop's
/// automation queue and log) move into `to`'s, so deleting `from` (and its
/// emptied conversation) loses none of them.
async fn join_threads(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: Uuid,
    from: Uuid,
    to: Uuid,
) -> Result<(), SyncError> {
    let pairs: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT f.id, t.id FROM conversations f
         JOIN conversations t ON t.account_id = f.account_id AND t.instance_id = f.instance_id
         WHERE f.account_id = ? AND f.contact_id = ? AND t.contact_id = ?",
    )
    .bind(account)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    for (old, new) in pairs {
        for table in [
            "messages",
            "notes",
            "flow_sessions",
            "automation_queue",
            "automation_log",
        ] {
            sqlx::query(&format!(
                "UPDATE {table} SET conversation_id = ? WHERE account_id = ? AND conversation_id = ?"
            ))
            .bind(new)
            .bind(account)
            .bind(old)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Outbox delete entries for the rows of `table` whose `column` is `id`,
/// keyed as the table's outbox keys them.
async fn tombstone(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: Uuid,
    table: &str,
    column: &str,
    id: Uuid,
    hlc: &str,
) -> Result<(), SyncError> {
    let Some(synced) = synced(table) else {
        return Ok(());
    };
    if column == "id" {
        // The row itself is gone under this id: its key is `id`.
        sqlx::query(
            "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
             VALUES (?, ?, ?, NULL, 'delete', ?)",
        )
        .bind(account)
        .bind(table)
        .bind(id)
        .bind(hlc)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    let key2 = synced.outbox_key.get(1).copied().unwrap_or("NULL");
    sqlx::query(&format!(
        "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
         SELECT account_id, '{table}', {key1}, {key2}, 'delete', ?
         FROM {table} WHERE account_id = ? AND {column} = ?",
        key1 = synced.outbox_key[0],
    ))
    .bind(hlc)
    .bind(account)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
