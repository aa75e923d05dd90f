//! What several modules of these tests share: the CLI run for its JSON, and
//! flow documents written by hand.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// Runs `zapdesk-cli --json ARGS` on the data folder `dir` (never the one
/// the environment names); its output, which must be a success.
pub fn cli_json(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .env_remove("ZAPDESK_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A flow node `kind` (its `type` and fields) with an id and a position.
pub fn node(id: &str, kind: Value) -> Value {
    let mut node = json!({"id": id, "position": {"x": 0.0, "y": 0.0}});
    node.as_object_mut()
        .unwrap()
        .extend(kind.as_object().unwrap().clone());
    node
}

/// A `send` node of a text, after a typing pause of `typing_ms`.
pub fn send_typing(id: &str, text: &str, typing_ms: u32) -> Value {
    node(
        id,
        json!({"type": "send", "content": {"kind": "text", "text": text}, "typing_ms": typing_ms}),
    )
}

/// A flow document (schema 1) of these nodes and `(from, handle, to)` edges.
pub fn doc(start: &str, nodes: Vec<Value>, edges: &[(&str, &str, &str)]) -> Value {
    let edges: Vec<Value> = edges
        .iter()
        .enumerate()
        .map(|(i, (from, handle, to))| {
            json!({"id": format!("e{i}"), "from": from, "handle": handle, "to": to})
        })
        .collect();
    json!({"schema": 1, "start": start, "nodes": nodes, "edges": edges})
}
