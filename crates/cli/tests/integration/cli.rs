//! The real `zapdesk-cli` binary against a temporary data folder.

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

fn ok_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(dir, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json on stdout")
}

#[test]
fn accounts_and_contacts_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let acc = ok_json(
        dir.path(),
        &[
            "accounts",
            "create",
            "--name",
            "Padaria Pão Quente",
            "--plan",
            "pro",
        ],
    );
    let id = acc["id"].as_str().unwrap();
    assert_eq!(acc["plan"], "pro");
    let list = ok_json(dir.path(), &["accounts", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Padaria Pão Quente");

    let contact = ok_json(
        dir.path(),
        &[
            "contacts",
            "add",
            "--account",
            id,
            "--phone",
            "(11) 98765-4321",
            "--name",
            "Maria",
        ],
    );
    assert_eq!(contact["phone"], "+5511987654321");
    let page = ok_json(
        dir.path(),
        &["contacts", "list", "--account", id, "--search", "mar"],
    );
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "Maria");

    let text = cli(dir.path(), &["contacts", "list", "--account", id]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("ID") && text.contains("+5511987654321") && text.contains("Maria"),
        "{text}"
    );

    let renamed = ok_json(
        dir.path(),
        &["accounts", "update", id, "--name", "Padaria Nova"],
    );
    assert_eq!(
        (renamed["name"].as_str(), renamed["plan"].as_str()),
        (Some("Padaria Nova"), Some("pro"))
    );
    ok_json(dir.path(), &["accounts", "archive", id]);
    assert_eq!(
        ok_json(dir.path(), &["accounts", "list"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        ok_json(dir.path(), &["accounts", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn errors_have_a_code_and_a_message_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path(), &["accounts", "create", "--name", "  "]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("[name_empty]") && err.contains("Dê um nome"),
        "{err}"
    );

    let out = cli(
        dir.path(),
        &[
            "--lang",
            "en",
            "--json",
            "contacts",
            "list",
            "--account",
            "0190f3b4-0000-7000-8000-000000000000",
        ],
    );
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "account_unknown");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("no longer exists")
    );
}

#[test]
fn zapdesk_data_dir_env_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .args(["accounts", "create", "--name", "Via ambiente"])
        .env("ZAPDESK_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("zapdesk.sqlite3").exists());
}

#[test]
fn contacts_import_reports_rows_is_idempotent_and_export_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let acc = ok_json(
        dir.path(),
        &["accounts", "create", "--name", "Loja da Esquina"],
    );
    let id = acc["id"].as_str().unwrap();
    // Excel in Brazil: Windows-1252 ("Conceição" as 0xE7 0xE3) and `;`.
    let file = dir.path().join("clientes.csv");
    std::fs::write(
        &file,
        b"Nome;Telefone;Etiquetas\r\nMaria da Concei\xe7\xe3o;(11) 98765-4321;VIP\r\nSem n\xfamero;12;\r\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let report = ok_json(dir.path(), &["contacts", "import", path, "--account", id]);
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["problems"][0]["line"], 3);
    let again = ok_json(dir.path(), &["contacts", "import", path, "--account", id]);
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );

    let text = cli(
        dir.path(),
        &[
            "--lang",
            "pt-BR",
            "contacts",
            "import",
            path,
            "--account",
            id,
        ],
    );
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout.contains("0 criados") && stdout.contains("linha 3:"),
        "{stdout}"
    );

    let out = cli(
        dir.path(),
        &[
            "--lang",
            "en",
            "contacts",
            "export",
            "--account",
            id,
            "--tag",
            "vip",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "phone,name,tags,opted_out_at,created_at");
    assert!(
        lines[1].starts_with("+5511987654321,Maria da Conceição,VIP,,"),
        "{csv}"
    );

    let missing = cli(
        dir.path(),
        &[
            "--json",
            "contacts",
            "import",
            "/nonexistent.csv",
            "--account",
            id,
        ],
    );
    assert!(!missing.status.success());
    let err: serde_json::Value = serde_json::from_slice(&missing.stderr).unwrap();
    assert_eq!(err["code"], "import_file_unreadable");
}

/// A plan's limit is refused from the CLI as from the app (issue 18, item 4):
/// the reason on stderr, a failing exit, and no number added.
#[test]
fn a_number_past_the_plan_is_refused_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let acc = ok_json(dir.path(), &["accounts", "create", "--name", "Padaria"]);
    let id = acc["id"].as_str().unwrap();
    ok_json(
        dir.path(),
        &[
            "plans", "set", "--plan", "starter", "--limit", "numbers", "--value", "1",
        ],
    );
    ok_json(
        dir.path(),
        &[
            "numbers",
            "add",
            "--account",
            id,
            "--name",
            "Balcão",
            "--sandbox",
        ],
    );
    let out = cli(
        dir.path(),
        &[
            "--json",
            "numbers",
            "add",
            "--account",
            id,
            "--name",
            "Delivery",
            "--sandbox",
        ],
    );
    assert!(!out.status.success());
    let error: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "plan_limit_reached");
    assert_eq!(
        error["message"],
        "O plano Inicial permite 1 números; esta conta já tem 1. Para ir além, mude o plano ou o limite da conta em Configurações → Contas."
    );
    let numbers = ok_json(dir.path(), &["numbers", "list", "--account", id]);
    assert_eq!(numbers.as_array().unwrap().len(), 1);

    // The account's own limit lifts it; the usage says so.
    ok_json(
        dir.path(),
        &[
            "plans",
            "override",
            "--account",
            id,
            "--limit",
            "numbers",
            "--value",
            "none",
        ],
    );
    ok_json(
        dir.path(),
        &[
            "numbers",
            "add",
            "--account",
            id,
            "--name",
            "Delivery",
            "--sandbox",
        ],
    );
    let usage = ok_json(dir.path(), &["plans", "usage", "--account", id]);
    assert_eq!(usage["items"][0]["limit"], "numbers");
    assert_eq!(usage["items"][0]["used"], 2);
    assert_eq!(usage["items"][0]["max"], serde_json::Value::Null);
    assert_eq!(usage["items"][0]["overridden"], true);
}
