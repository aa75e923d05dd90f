//! Going back after a failed update (issue 19, item 4): the store an update
//! left half-migrated is newer than the previous version knows, so that
//! version cannot open it — and `zapdesk-cli backup restore` must still put
//! the copy taken before the update back.

use std::path::Path;
use std::process::Command;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_core::store::{BACKUP_DIR, DB_FILE, MIGRATING, latest_version};

use crate::support::cli_json;

fn names(dir: &Path) -> Vec<String> {
    cli_json(dir, &["accounts", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

/// What a failed update leaves: migrations of a later version applied.
async fn migrated_by_a_later_version(dir: &Path) {
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .connect()
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?, 'from the failed update', TRUE, x'00', 0)",
    )
    .bind(latest_version() + 1)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_store_this_version_cannot_open_is_still_restored() {
    let dir = tempfile::tempdir().unwrap();
    cli_json(dir.path(), &["accounts", "create", "--name", "Padaria"]);
    let made = cli_json(dir.path(), &["backup", "now"]);
    let file = made["path"].as_str().unwrap().to_owned();
    migrated_by_a_later_version(dir.path()).await;

    let list = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--json", "accounts", "list"])
        .env_remove("ZAPDESK_DATA_DIR")
        .output()
        .unwrap();
    assert!(!list.status.success(), "the store must not open");

    // The failed update's note of its copy: once another store is restored,
    // the next update must copy that one, not name this copy.
    let marker = dir.path().join(BACKUP_DIR).join(MIGRATING);
    std::fs::write(&marker, &file).unwrap();

    let restored = cli_json(dir.path(), &["backup", "restore", &file]);
    assert!(!marker.exists());
    let kept = restored["safety_copy"].as_str().unwrap();
    assert!(
        Path::new(kept).is_file(),
        "the replaced store is kept aside"
    );
    assert_eq!(names(dir.path()), ["Padaria"]);
}
