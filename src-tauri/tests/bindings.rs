//! The TypeScript bindings in `ui/src/ipc/bindings.ts` are generated from the
//! commands; this test fails when they drift. Regenerate with
//! `ZAPDESK_UPDATE_BINDINGS=1 cargo test -p zapdesk-desktop --test bindings`.

#![allow(clippy::unwrap_used)] // a failed setup step in a test should panic

use std::path::Path;

use specta_typescript::Typescript;

#[test]
fn bindings_match_the_commands() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
    let dir = temp_dir();
    let fresh = dir.join("bindings.ts");
    zapdesk_desktop::commands_builder()
        .export(Typescript::default(), &fresh)
        .expect("export bindings");
    let fresh_text = std::fs::read_to_string(&fresh).expect("read fresh bindings");
    let committed_text = std::fs::read_to_string(&committed).unwrap_or_default();
    if fresh_text != committed_text {
        if std::env::var_os("ZAPDESK_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed, &fresh_text).expect("write bindings");
        } else {
            panic!(
                "ui/src/ipc/bindings.ts is out of date with the Rust commands.\n\
                 Regenerate: ZAPDESK_UPDATE_BINDINGS=1 cargo test -p zapdesk-desktop --test bindings"
            );
        }
    }
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zapdesk-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The window's gate (src/gate.rs) checks the operator's grant on the
/// argument named `account`; an account passed under another name would
/// skip it. The only other names are the account commands' `id`, which the
/// core keeps to owners and admins (who see every account).
#[test]
fn account_arguments_are_named_account() {
    const SETTINGS_ONLY: &[&str] = &["accounts_update", "accounts_set_archived"];
    let dir = temp_dir();
    let fresh = dir.join("bindings-gate.ts");
    zapdesk_desktop::commands_builder()
        .export(Typescript::default(), &fresh)
        .expect("export bindings");
    let text = std::fs::read_to_string(&fresh).expect("read fresh bindings");
    let mut seen = 0;
    let mut misnamed = Vec::new();
    for line in text.lines() {
        let (Some(open), Some(close), Some(invoke)) = (
            line.find(": ("),
            line.find(") =>"),
            line.find("__TAURI_INVOKE(\""),
        ) else {
            continue;
        };
        let command = line[invoke + 16..].split('"').next().unwrap_or_default();
        for argument in line[open + 3..close].split(", ") {
            let Some((name, kind)) = argument.split_once(": ") else {
                continue;
            };
            if !kind.contains("AccountId") {
                continue;
            }
            seen += 1;
            if name != "account" && !SETTINGS_ONLY.contains(&command) {
                misnamed.push(format!("{command}({argument})"));
            }
        }
    }
    assert!(
        seen > 50,
        "the bindings' shape changed: {seen} account arguments found"
    );
    assert!(
        misnamed.is_empty(),
        "commands take an account under another name than `account`, which the gate does not check: {misnamed:?}"
    );
}
