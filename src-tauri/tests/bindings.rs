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
