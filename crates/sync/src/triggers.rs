//! The SQLite triggers that fill the sync outbox, generated from the table
//! catalog ([`TABLES`]): one description of a synced table decides both how
//! push and pull treat it and which local writes become changes.
//!
//! The triggers themselves live in migrations (the core embeds
//! migrations/sqlite): a generated migration drops every sync trigger the
//! catalog can name and creates them all again, so after the newest one the
//! live triggers are this module's. The triggers written by hand in 0007,
//! 0010, 0011, 0012 and 0016 stay as history (an applied migration never
//! changes: sqlx refuses a database whose applied migration differs). The
//! drift tests (crates/sync/tests/integration/triggers.rs) compare the newest
//! generated migration and a migrated database with [`migration`].
//!
//! What each trigger does is migrations/sqlite/0007's design: tick the
//! one-row `sync_clock`, stamp the row's `hlc`, append to `sync_outbox`, all
//! skipped while the puller applies (`sync_apply.applying = 1`).

use crate::tables::{Deletes, Push, SyncTable, TABLES, Updates};

/// The first line of every generated migration: how the drift test tells
/// them from the migrations written by hand.
pub const MARKER: &str =
    "-- Generated from crates/sync/src/tables.rs by crates/sync/src/triggers.rs: do not edit.";

/// One trigger: its name, its table and its statement as SQLite keeps it in
/// `sqlite_master.sql` (no final `;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub table: &'static str,
    pub sql: String,
}

/// The three operations a sync trigger can follow.
const OPERATIONS: [&str; 3] = ["insert", "update", "delete"];

/// A sync trigger's name: `<table>_sync_<operation>`.
pub fn name(table: &str, operation: &str) -> String {
    format!("{table}_sync_{operation}")
}

/// Unix ms in SQL: a trigger cannot call Rust's clock.
const NOW_MS: &str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

/// The clock's tick (wall time if it moved ahead, else counter + 1; at
/// 99999 the next ms). The core ticks it the same way where it turns the
/// triggers off for a bulk write (`zapdesk_core::store::CLOCK_TICK`; a test
/// holds the two to one text).
fn tick() -> String {
    format!(
        "    UPDATE sync_clock SET\n        counter = CASE WHEN {NOW_MS} > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,\n        ms = CASE WHEN {NOW_MS} > ms THEN {NOW_MS} WHEN counter >= 99999 THEN ms + 1 ELSE ms END;\n"
    )
}

const CLOCK: &str = "(SELECT hlc FROM sync_clock)";
const NOT_APPLYING: &str = "WHEN (SELECT applying FROM sync_apply) = 0";

/// The outbox entry of the row `row` (`NEW` or `OLD`).
fn record(table: &SyncTable, row: &str, op: &str) -> String {
    let key2 = table
        .outbox_key
        .get(1)
        .map(|k| format!("{row}.{k}"))
        .unwrap_or_else(|| "NULL".to_owned());
    format!(
        "    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)\n    VALUES ({row}.{account}, '{name}', {row}.{key1}, {key2}, '{op}', {CLOCK});\n",
        account = table.account_column,
        name = table.name,
        key1 = table.outbox_key[0],
    )
}

/// Stamps the written row with the write's clock; a column with its own
/// clock gets it too when the write changed that column (`changed`), else
/// keeps the clock it came with (a pulled decision, or none).
fn stamp(table: &SyncTable, changed: impl Fn(&str) -> String) -> String {
    match table.own_clock {
        None => format!(
            "    UPDATE {name} SET hlc = {CLOCK} WHERE rowid = NEW.rowid;\n",
            name = table.name
        ),
        Some((column, clock)) => format!(
            "    UPDATE {name} SET hlc = {CLOCK},\n        {clock} = CASE WHEN {changed} THEN {CLOCK} ELSE NEW.{clock} END\n    WHERE rowid = NEW.rowid;\n",
            name = table.name,
            changed = changed(column),
        ),
    }
}

fn insert_trigger(table: &SyncTable) -> Trigger {
    let name = name(table.name, "insert");
    let sql = format!(
        "CREATE TRIGGER {name} AFTER INSERT ON {t}\n{NOT_APPLYING}\nBEGIN\n{tick}{stamp}{record}END",
        t = table.name,
        tick = tick(),
        stamp = stamp(table, |c| format!("NEW.{c} IS NOT NULL")),
        record = record(table, "NEW", "upsert"),
    );
    Trigger {
        name,
        table: table.name,
        sql,
    }
}

/// An update whose `hlc` is left as it was is the core's write; the
/// trigger's own stamp and the puller's writes change `hlc` and are not
/// recorded again.
fn update_trigger(table: &SyncTable) -> Trigger {
    let name = name(table.name, "update");
    let watched: Vec<&str> = match table.updates {
        Updates::Every => Vec::new(),
        Updates::OfSynced => table
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|c| !table.primary_key.contains(c) && *c != table.account_column)
            .collect(),
        Updates::Of(columns) => columns.to_vec(),
    };
    let changed = if watched.is_empty() {
        String::new()
    } else {
        let any: Vec<String> = watched
            .iter()
            .map(|c| format!("NEW.{c} IS NOT OLD.{c}"))
            .collect();
        format!("\n     AND ({})", any.join(" OR "))
    };
    let sql = format!(
        "CREATE TRIGGER {name} AFTER UPDATE ON {t}\n{NOT_APPLYING} AND NEW.hlc IS OLD.hlc{changed}\nBEGIN\n{tick}{stamp}{record}END",
        t = table.name,
        tick = tick(),
        stamp = stamp(table, |c| format!("NEW.{c} IS NOT OLD.{c}")),
        record = record(table, "NEW", "upsert"),
    );
    Trigger {
        name,
        table: table.name,
        sql,
    }
}

/// No clock on the row to stamp: it is gone. The outbox keeps its key and
/// the delete's clock for the server's tombstone.
fn delete_trigger(table: &SyncTable) -> Trigger {
    let name = name(table.name, "delete");
    let mut still_here = vec![format!(
        "EXISTS (SELECT 1 FROM accounts WHERE id = OLD.{})",
        table.account_column
    )];
    if table.deletes == Deletes::Alone {
        still_here.extend(table.parents.iter().map(|(column, parent)| {
            format!("EXISTS (SELECT 1 FROM {parent} WHERE id = OLD.{column})")
        }));
    }
    let conditions: String = still_here
        .iter()
        .map(|c| format!("\n     AND {c}"))
        .collect();
    let sql = format!(
        "CREATE TRIGGER {name} AFTER DELETE ON {t}\n{NOT_APPLYING}{conditions}\nBEGIN\n{tick}{record}END",
        t = table.name,
        tick = tick(),
        record = record(table, "OLD", "delete"),
    );
    Trigger {
        name,
        table: table.name,
        sql,
    }
}

/// The sync triggers of one table: an insert always; an update unless rows
/// never change ([`Push::Append`]); a delete only when the server keeps
/// tombstones for it ([`Push::Upsert`]; operators cannot delete accounts).
pub fn triggers(table: &SyncTable) -> Vec<Trigger> {
    let mut out = vec![insert_trigger(table)];
    if table.push != Push::Append {
        out.push(update_trigger(table));
    }
    if table.push == Push::Upsert {
        out.push(delete_trigger(table));
    }
    out
}

/// Every table's sync triggers, in catalog order.
pub fn all() -> Vec<Trigger> {
    TABLES.iter().flat_map(triggers).collect()
}

/// The text of a generated migration: for each table of the catalog, drops
/// its sync triggers that may exist (also those its description no longer
/// has) and creates those it has now.
pub fn migration() -> String {
    let mut out = format!(
        "{MARKER}\n\
         --\n\
         -- The outbox triggers of every synced table, as the catalog describes them\n\
         -- (docs/sync.md, \"Triggers from the catalog\"). Each generated migration drops\n\
         -- every sync trigger and creates them all again, so after the newest one the\n\
         -- live triggers are the catalog's; the triggers written by hand in earlier\n\
         -- migrations (0007, 0010, 0011, 0012, 0016) are history. Regenerate with\n\
         -- `cargo run -p zapdesk-sync --example sqlite-triggers -- --new <what>`.\n"
    );
    for table in TABLES {
        out.push_str(&format!("\n-- {}\n", table.name));
        for operation in OPERATIONS {
            out.push_str(&format!(
                "DROP TRIGGER IF EXISTS {};\n",
                name(table.name, operation)
            ));
        }
        for trigger in triggers(table) {
            out.push('\n');
            out.push_str(&trigger.sql);
            out.push_str(";\n");
        }
    }
    out
}

/// A statement with every run of whitespace made one space: how two
/// triggers' texts are compared (their layout is not their meaning).
pub fn normalize(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::table;

    fn names(table_name: &str) -> Vec<String> {
        triggers(table(table_name).unwrap())
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn each_push_has_its_operations() {
        assert_eq!(
            names("accounts"),
            ["accounts_sync_insert", "accounts_sync_update"]
        );
        assert_eq!(names("audit_log"), ["audit_log_sync_insert"]);
        assert_eq!(
            names("contact_tags"),
            [
                "contact_tags_sync_insert",
                "contact_tags_sync_update",
                "contact_tags_sync_delete"
            ]
        );
    }

    #[test]
    fn link_tables_record_both_keys() {
        let sql = &triggers(table("contact_tags").unwrap())[2].sql;
        assert!(
            sql.contains("VALUES (OLD.account_id, 'contact_tags', OLD.contact_id, OLD.tag_id, 'delete', (SELECT hlc FROM sync_clock));"),
            "{sql}"
        );
    }

    #[test]
    fn a_table_keyed_by_its_account_records_the_account_as_its_key() {
        for sql in triggers(table("automation_settings").unwrap())
            .into_iter()
            .map(|t| t.sql)
        {
            assert!(
                sql.contains("'automation_settings', NEW.account_id, NULL,")
                    || sql.contains("'automation_settings', OLD.account_id, NULL,"),
                "{sql}"
            );
        }
    }

    #[test]
    fn only_alone_deletes_look_for_their_parents() {
        let of = |name: &str| triggers(table(name).unwrap()).pop().unwrap().sql;
        assert!(
            of("campaign_files")
                .contains("EXISTS (SELECT 1 FROM campaigns WHERE id = OLD.campaign_id)")
        );
        assert!(!of("contact_tags").contains("FROM contacts"));
        // A flow's versions go with it; its sessions each get a tombstone.
        assert!(
            of("flow_versions").contains("EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id)")
        );
        assert!(!of("flow_sessions").contains("FROM flows"));
    }

    #[test]
    fn the_own_clock_is_stamped_when_its_column_changes() {
        let contacts = triggers(table("contacts").unwrap());
        assert!(contacts[0].sql.contains(
            "opted_out_hlc = CASE WHEN NEW.opted_out_at IS NOT NULL THEN (SELECT hlc FROM sync_clock) ELSE NEW.opted_out_hlc END"
        ));
        assert!(contacts[1].sql.contains(
            "opted_out_hlc = CASE WHEN NEW.opted_out_at IS NOT OLD.opted_out_at THEN (SELECT hlc FROM sync_clock) ELSE NEW.opted_out_hlc END"
        ));
    }

    #[test]
    fn the_migration_starts_with_the_marker_and_drops_before_it_creates() {
        let text = migration();
        assert!(text.starts_with(MARKER));
        let drop = text
            .find("DROP TRIGGER IF EXISTS tags_sync_delete;")
            .unwrap();
        let create = text.find("CREATE TRIGGER tags_sync_delete").unwrap();
        assert!(drop < create);
    }

    #[test]
    fn the_core_ticks_the_clock_as_the_triggers_do() {
        assert_eq!(
            normalize(&format!("{};", zapdesk_core::store::CLOCK_TICK)),
            normalize(&tick())
        );
    }

    #[test]
    fn normalize_ignores_layout_only() {
        assert_eq!(normalize("A  B\n\t C "), "A B C");
        assert_ne!(normalize("A B"), normalize("A  C"));
    }
}
