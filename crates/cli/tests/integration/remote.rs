//! `zapdesk-cli remote …` against a real PostgreSQL: provisioning, then an
//! invitation whose printed details let the operator in, to their account only.

use std::path::Path;
use std::process::{Command, Output};

use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::{ConnectionSettings, Password, test_connection};

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ZAPDESK_DATA_DIR")
        .env_remove("ZAPDESK_DATABASE_URL")
        .output()
        .expect("run zapdesk-cli")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The versions of `migrations/postgres/*.sql` (`0007_name.sql` is 7), sorted:
/// what a new database must end up with. Read from the folder so that a new
/// migration needs no edit here; numbered 1, 2, … without a hole, so a
/// misnamed file fails here too.
fn shipped_migrations() -> Vec<i64> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/postgres");
    let mut versions: Vec<i64> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let number = name.strip_suffix(".sql")?.split('_').next()?.to_owned();
            Some(number.parse().unwrap())
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
    assert!(versions.len() >= 7, "{versions:?}");
    versions
}

#[tokio::test]
async fn provision_then_invite_an_operator_who_sees_only_their_account() {
    let db = ScratchDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let url = db.owner_url();

    let first: serde_json::Value = serde_json::from_str(&ok(cli(
        dir.path(),
        &[
            "--json",
            "remote",
            "provision",
            "--database-url",
            &url,
            "--operator-group",
            &db.group,
        ],
    )))
    .unwrap();
    // A first run applies every migration shipped, in order.
    assert_eq!(first["applied"], serde_json::json!(shipped_migrations()));
    // Again, with the address from the environment: nothing to do.
    let again = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--lang", "en", "remote", "provision"])
        .env("ZAPDESK_DATABASE_URL", &url)
        .output()
        .unwrap();
    let again = ok(again);
    assert!(again.contains("nothing to apply"), "{again}");
    assert!(again.contains(&db.group), "{again}");

    // Two accounts on this computer; the agent is invited to the first.
    let account = |name: &str| {
        let out = ok(cli(
            dir.path(),
            &["--json", "accounts", "create", "--name", name],
        ));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["id"].as_str().unwrap().to_owned()
    };
    let a = account("Padaria Pão Quente");
    let b = account("Clínica Sorriso");
    let invite = |account: &str, email: &str, json: bool| {
        let mut args = vec![];
        if json {
            args.push("--json");
        }
        args.extend_from_slice(&[
            "remote",
            "invite",
            "--database-url",
            &url,
            "--email",
            email,
            "--name",
            "Maria Souza",
            "--role",
            "agent",
            "--account",
            account,
        ]);
        ok(cli(dir.path(), &args))
    };
    let invited: serde_json::Value =
        serde_json::from_str(&invite(&a, "maria@agencia.com.br", true)).unwrap();
    let text = invite(&b, "joao@agencia.com.br", false);
    assert!(
        text.contains("senha") && text.contains("canal seguro") && text.contains("operador"),
        "{text}"
    );

    assert_eq!(invited["host"], "127.0.0.1");
    assert_eq!(invited["port"], 5432);
    assert_eq!(invited["database"], db.name.as_str());
    assert_eq!(invited["existing"], false);
    let operator = invited["operator"].as_str().unwrap();
    let password = invited["password"].as_str().unwrap();
    assert_eq!(password.len(), 32);

    // What the operator types on their desktop.
    let settings = ConnectionSettings::new(
        invited["host"].as_str().unwrap(),
        u16::try_from(invited["port"].as_u64().unwrap()).unwrap(),
        invited["database"].as_str().unwrap(),
        operator,
    );
    let status = test_connection(&settings, &Password::new(password))
        .await
        .unwrap();
    assert_eq!(status.memberships.len(), 1);
    assert_eq!(status.memberships[0].account.to_string(), a);
    assert_eq!(status.memberships[0].account_name, "Padaria Pão Quente");
    let mut conn = db.connect_as(operator).await;
    let seen: Vec<String> = sqlx::query_scalar("SELECT name FROM zapdesk.accounts")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(seen, vec!["Padaria Pão Quente".to_owned()]);
}

#[test]
fn the_transaction_pooler_is_refused_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(
        dir.path(),
        &[
            "--lang",
            "en",
            "remote",
            "provision",
            "--database-url",
            "postgresql://postgres.abcdefgh:segredo@aws-0-sa-east-1.pooler.supabase.com:6543/postgres",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("[remote_pooler_transaction_mode]") && err.contains("5432"),
        "{err}"
    );
    assert!(!err.contains("segredo"));
}
