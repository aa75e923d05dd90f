//! Guards the rule that no query on an account's data runs without its account.
//!
//! Two checks over the core's own source: every public function of a module
//! that owns account data takes `account: AccountId`, and every SQL text that
//! reads or writes an account-owned table names `account_id`. A new module or
//! query that forgets the account fails here, at review time, not in production.

use std::path::Path;

/// Tables whose rows belong to one account.
const ACCOUNT_OWNED: &[&str] = &[
    "contacts",
    "instances",
    "tags",
    "contact_tags",
    "conversations",
    "messages",
    "campaigns",
    "custom_fields",
    "contact_fields",
    "segments",
    "audit_log",
    "notes",
    "drafts",
    "quick_replies",
    "automation_settings",
    "keywords",
    "flows",
    "flow_versions",
    "flow_sessions",
    "automation_files",
    "automation_queue",
    "automation_marks",
    "automation_log",
    "api_idempotency",
    "webhooks",
    "webhook_events",
    "webhook_deliveries",
    "webhook_secret_local",
    "pipeline_stages",
    "pipeline_cards",
    "response_cycles",
    "report_counts",
];
/// Modules allowed to work across accounts (paths under `src/`), and why.
const CROSS_ACCOUNT: &[&str] = &[
    "accounts.rs",      // the accounts themselves
    "settings.rs",      // desktop-wide preferences
    "domain.rs",        // row types only, no queries
    "store/migrate.rs", // schema, not data
    "users.rs",         // the agency's operators work across accounts
    // The team: an operator's accounts (grants), and removing them sends
    // their chats in every account back to the queue, one account at a time.
    "team.rs",
    // What the operator at this desktop may do, and which accounts they see.
    "access.rs",
    "store/sync_outbox.rs", // the desktop's queue to the server, all accounts
    // The bot's runner: one loop per desktop over every account's queue and sessions.
    "automation/run/next_work.rs",
    // Fair assignment: the operator at this desktop is available or away in
    // every account of theirs at once; the runner asks which accounts wait.
    "assignment/here.rs",
    // Its housekeeping: the bot's local log pruned by age, every account's.
    "automation/run/prune.rs",
    // The webhook sender's queue: one sender per desktop fans out, picks and
    // records every account's deliveries (and prunes the log by age).
    "webhooks/queue.rs",
    // The webhook secrets' exchange with the agency's server: one task per
    // desktop publishes, fetches and forgets every shared account's secrets.
    "webhooks/secret_work.rs",
    // The local API's tokens: the desktop's, listed together in Settings,
    // some for the whole agency (a token's account is a column, not a scope).
    "api_tokens.rs",
    // Backups copy, check and swap the whole store, every account at once.
    "backup/settings.rs",
    "backup/make.rs",
    "backup/check.rs",
    "backup/restore.rs",
    // Each plan's limits: the agency's, the same for every account on it.
    "plans/defaults.rs",
    // The agency's dashboard: lists the accounts, then reads each one
    // through the per-account report, under its AccountId.
    "reports/agency.rs",
    // The local API's group commit: one transaction for the texts of every
    // account waiting; each text names its account and is written under it.
    "inbox/outbox_batch.rs",
    // Opening the store copies the old JSON rosters of every account into
    // their table, once.
    "assignment/adopt.rs",
];

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                // The path under src/, so `automation/settings.rs` (one
                // account's) is not taken for `settings.rs` (the desktop's).
                let name = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out
}

/// The contents of the double-quoted string literals of a Rust source (good
/// enough for SQL: our SQL never holds an escaped double quote).
fn string_literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let mut end = 0;
        let bytes = after.as_bytes();
        while end < bytes.len() && !(bytes[end] == b'"' && (end == 0 || bytes[end - 1] != b'\\')) {
            end += 1;
        }
        out.push(after[..end.min(after.len())].to_owned());
        rest = &after[(end + 1).min(after.len())..];
    }
    out
}

fn touches(sql: &str, table: &str) -> bool {
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words
        .windows(2)
        .any(|w| matches!(w[0].as_str(), "from" | "update" | "into" | "join") && w[1] == table)
}

#[test]
fn every_sql_on_account_owned_tables_names_account_id() {
    let mut offenders = Vec::new();
    for (file, src) in sources() {
        if CROSS_ACCOUNT.contains(&file.as_str()) {
            continue;
        }
        for sql in string_literals(&src) {
            if ACCOUNT_OWNED.iter().any(|t| touches(&sql, t)) && !sql.contains("account_id") {
                offenders.push(format!("{file}: {sql}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "queries without account_id:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_public_function_of_account_data_takes_the_account() {
    let mut offenders = Vec::new();
    for (file, src) in sources() {
        if CROSS_ACCOUNT.contains(&file.as_str()) || !src.contains("sqlx::query") {
            continue;
        }
        for (i, _) in src.match_indices("pub async fn ") {
            let signature: String = src[i..].chars().take_while(|&c| c != '{').collect();
            if !signature.contains("account: AccountId") {
                offenders.push(format!(
                    "{file}: {}",
                    signature.lines().next().unwrap_or("")
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "functions without `account: AccountId`:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_checks_themselves_catch_an_unscoped_query() {
    let bad = r#"sqlx::query("SELECT * FROM contacts WHERE id = ?")"#;
    let sql = &string_literals(bad)[0];
    assert!(touches(sql, "contacts") && !sql.contains("account_id"));
    assert!(!touches("SELECT 1 FROM accounts", "contacts"));
}
