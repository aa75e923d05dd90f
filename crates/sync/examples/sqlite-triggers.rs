//! The SQLite sync triggers the table catalog generates (crates/sync/src/triggers.rs).
//!
//! ```text
//! cargo run -p zapdesk-sync --example sqlite-triggers                 # the whole migration, to stdout
//! cargo run -p zapdesk-sync --example sqlite-triggers -- notes tags  # those tables' triggers only
//! cargo run -p zapdesk-sync --example sqlite-triggers -- --new pinned_notes
//! ```
//!
//! `--new <what>` writes the migration as the next free number in
//! migrations/sqlite (`NNNN_sync_triggers_<what>.sql`): what a change of the
//! catalog needs, since a migration that shipped never changes
//! (docs/architecture.md, "A synced table").

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zapdesk_sync::tables::table;
use zapdesk_sync::triggers::{migration, triggers};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            print!("{}", migration());
            ExitCode::SUCCESS
        }
        [flag, what] if flag == "--new" => match write_new(what) {
            Ok(path) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        names if names.iter().all(|n| !n.starts_with('-')) => {
            for name in names {
                let Some(t) = table(name) else {
                    eprintln!("{name} is not a synced table (crates/sync/src/tables.rs)");
                    return ExitCode::FAILURE;
                };
                for trigger in triggers(t) {
                    println!("{};\n", trigger.sql);
                }
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: sqlite-triggers [TABLE…] | --new <what>");
            ExitCode::FAILURE
        }
    }
}

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/sqlite")
}

/// Writes the generated migration under the next free number.
fn write_new(what: &str) -> Result<PathBuf, String> {
    if what.is_empty()
        || !what
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "'{what}': name the migration in lower-case letters, digits and _"
        ));
    }
    let dir = migrations_dir();
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut newest = 0u32;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let file = entry.file_name();
        let number = file
            .to_string_lossy()
            .split('_')
            .next()
            .and_then(|n| n.parse::<u32>().ok());
        newest = newest.max(number.unwrap_or(0));
    }
    let path = dir.join(format!("{:04}_sync_triggers_{what}.sql", newest + 1));
    std::fs::write(&path, migration()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
