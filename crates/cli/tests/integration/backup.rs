//! `zapdesk-cli backup`: a backup taken, the store changed, the backup
//! restored and read back through the CLI; a restore refused while another
//! process holds the data folder, and a file that is not a backup refused,
//! both changing nothing.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::cli_json;

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .env_remove("ZAPDESK_DATA_DIR")
        .output()
        .unwrap()
}

fn account_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = cli_json(dir, &["accounts", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn error_code(out: &Output) -> String {
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    err["code"].as_str().unwrap().to_owned()
}

#[test]
fn a_backup_taken_from_the_cli_is_listed_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    cli_json(dir.path(), &["accounts", "create", "--name", "Padaria"]);
    let made = cli_json(dir.path(), &["backup", "now"]);
    let file = made["path"].as_str().unwrap().to_owned();
    assert_eq!(made["kind"], "manual");
    assert!(Path::new(&file).is_file());
    let listed = cli_json(dir.path(), &["backup", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["path"] == file.as_str())
    );

    // After the backup: a second account, which the restore takes away.
    cli_json(dir.path(), &["accounts", "create", "--name", "Oficina"]);
    assert_eq!(account_names(dir.path()), ["Oficina", "Padaria"]);

    // Refused while another process holds the data folder (the app, `serve`).
    let held = zapdesk_core::data_dir::lock(dir.path()).unwrap();
    assert_eq!(
        error_code(&cli(dir.path(), &["backup", "restore", &file])),
        "already_running"
    );
    drop(held);
    assert_eq!(account_names(dir.path()), ["Oficina", "Padaria"]);

    // A file that is not a backup: refused, nothing changed.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database").unwrap();
    let refused = cli(dir.path(), &["backup", "restore", junk.to_str().unwrap()]);
    assert_eq!(error_code(&refused), "backup_invalid");
    assert_eq!(account_names(dir.path()), ["Oficina", "Padaria"]);

    let restored = cli_json(dir.path(), &["backup", "restore", &file]);
    let kept = restored["safety_copy"].as_str().unwrap();
    assert!(
        Path::new(kept).is_file(),
        "the replaced store is kept: {kept}"
    );
    assert_eq!(account_names(dir.path()), ["Padaria"]);
}
