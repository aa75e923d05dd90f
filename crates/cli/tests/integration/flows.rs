//! `zapdesk-cli flows …` with the real binary against a temporary data
//! folder: import, list, publish (refused with every problem, then
//! accepted), export of the draft and of a version, and back again.

use std::path::Path;
use std::process::{Command, Output};

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ZAPDESK_DATA_DIR")
        .output()
        .expect("run zapdesk-cli")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ok_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).expect("json on stdout")
}

/// The stderr of a refused command.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// A flow document as a person (or another tool) writes it: a greeting, a
/// menu, a person, the end.
const WELCOME: &str = r#"{
  "schema": 1,
  "start": "oi",
  "nodes": [
    {"id": "oi", "position": {"x": 0, "y": 0}, "type": "send",
     "content": {"kind": "text", "text": "Olá, {{primeiro_nome}}!"}, "typing_ms": 800},
    {"id": "menu", "position": {"x": 200, "y": 0}, "type": "menu",
     "question": "1 Pedidos, 2 Atendente",
     "options": [{"id": "a", "label": "Pedidos", "synonyms": ["pedido"]},
                 {"id": "b", "label": "Atendente", "synonyms": []}],
     "retry": "Responda 1 ou 2.", "tries": 2},
    {"id": "fim", "position": {"x": 400, "y": 0}, "type": "end"},
    {"id": "human", "position": {"x": 400, "y": 100}, "type": "handoff",
     "assign": null, "note": "Pediu uma pessoa"}
  ],
  "edges": [
    {"id": "e1", "from": "oi", "handle": "next", "to": "menu"},
    {"id": "e2", "from": "menu", "handle": "option:a", "to": "fim"},
    {"id": "e3", "from": "menu", "handle": "option:b", "to": "human"},
    {"id": "e4", "from": "menu", "handle": "other", "to": "human"}
  ]
}"#;

#[test]
fn flows_import_publish_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let acc = ok_json(d, &["accounts", "create", "--name", "Padaria"]);
    let acc = acc["id"].as_str().unwrap();
    assert_eq!(
        ok_json(d, &["flows", "list", "--account", acc]),
        serde_json::json!([])
    );

    let file = d.join("boas-vindas.json");
    std::fs::write(&file, WELCOME).unwrap();
    let path = file.to_str().unwrap();
    let flow = ok_json(d, &["flows", "import", path, "--account", acc]);
    assert_eq!(flow["name"], "boas-vindas");
    assert_eq!(flow["revision"], 1);
    let id = flow["id"].as_str().unwrap();

    // By name (case and accents aside) or by id.
    assert_eq!(
        ok(d, &["flows", "publish", "BOAS-VINDAS", "--account", acc]).trim(),
        "boas-vindas: published v1"
    );
    let v2 = ok_json(d, &["flows", "publish", id, "--account", acc]);
    assert_eq!(
        (v2["number"].as_i64(), v2["current"].as_bool()),
        (Some(2), Some(true))
    );
    let list = ok(d, &["flows", "list", "--account", acc]);
    assert!(
        list.starts_with("ID") && list.contains("boas-vindas") && list.contains("v2"),
        "{list}"
    );

    // Export of version 1 to a file and of the draft to stdout: the same
    // document, which imports back as an equal flow.
    let out = d.join("v1.json");
    let written = ok(
        d,
        &[
            "flows",
            "export",
            id,
            "--account",
            acc,
            "--version",
            "1",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(written.trim(), out.to_str().unwrap());
    let printed = ok(d, &["flows", "export", "boas-vindas", "--account", acc]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), printed);
    let copy = ok_json(
        d,
        &[
            "flows",
            "import",
            out.to_str().unwrap(),
            "--account",
            acc,
            "--name",
            "Cópia",
        ],
    );
    assert_eq!(copy["name"], "Cópia");
    assert_eq!(copy["draft"], flow["draft"]);
    let copy_printed = ok(d, &["flows", "export", "copia", "--account", acc]);
    assert_eq!(copy_printed, printed);

    // A version that does not exist, a flow that does not.
    let err = refused(
        d,
        &["flows", "export", id, "--account", acc, "--version", "9"],
    );
    assert!(err.contains("[flow_unknown]"), "{err}");
    let err = refused(
        d,
        &[
            "--lang",
            "en",
            "flows",
            "publish",
            "Nenhum",
            "--account",
            acc,
        ],
    );
    assert!(
        err.contains("[flow_unknown]") && err.contains("no longer exists"),
        "{err}"
    );
    // A name taken.
    let err = refused(d, &["flows", "import", path, "--account", acc]);
    assert!(
        err.contains("[flow_duplicate]") && err.contains("boas-vindas"),
        "{err}"
    );
}

#[test]
fn a_malformed_file_names_its_place_and_a_flow_with_problems_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let acc = ok_json(d, &["accounts", "create", "--name", "Padaria"]);
    let acc = acc["id"].as_str().unwrap();

    let bad = d.join("quebrado.json");
    std::fs::write(&bad, WELCOME.replace("\"tries\": 2", "\"tries\": \"duas\"")).unwrap();
    let bad = bad.to_str().unwrap();
    let err = refused(
        d,
        &["--lang", "pt-BR", "flows", "import", bad, "--account", acc],
    );
    assert!(
        err.contains("[flow_invalid]") && err.contains("no bloco 2 (menu)"),
        "{err}"
    );
    let err = refused(
        d,
        &[
            "--lang",
            "en",
            "--json",
            "flows",
            "import",
            bad,
            "--account",
            acc,
        ],
    );
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["code"], "flow_invalid");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("in block 2 (menu)"),
        "{err}"
    );
    let err = refused(
        d,
        &["flows", "import", "/nao/existe.json", "--account", acc],
    );
    assert!(err.contains("[import_file_unreadable]"), "{err}");
    assert_eq!(
        ok_json(d, &["flows", "list", "--account", acc]),
        serde_json::json!([])
    );

    // Imported (a draft may have problems), but not published: every
    // problem is listed.
    let problems = d.join("problemas.json");
    let doc = WELCOME
        .replace(
            r#""options": [{"id": "a", "label": "Pedidos", "synonyms": ["pedido"]},
                 {"id": "b", "label": "Atendente", "synonyms": []}]"#,
            r#""options": []"#,
        )
        .replace(r#""to": "fim"}"#, r#""to": "sumiu"}"#);
    std::fs::write(&problems, doc).unwrap();
    ok(
        d,
        &[
            "flows",
            "import",
            problems.to_str().unwrap(),
            "--account",
            acc,
        ],
    );
    let err = refused(
        d,
        &[
            "--lang",
            "pt-BR",
            "flows",
            "publish",
            "problemas",
            "--account",
            acc,
        ],
    );
    assert!(err.contains("[flow_invalid]"), "{err}");
    for part in [
        "O menu não tem opções",
        "A ligação e2 aponta para um bloco que não existe",
        "Nenhum caminho chega a este bloco",
    ] {
        assert!(err.contains(part), "{part} in {err}");
    }
    let list = ok_json(d, &["flows", "list", "--account", acc]);
    assert_eq!(list[0]["published"], serde_json::Value::Null);
}
