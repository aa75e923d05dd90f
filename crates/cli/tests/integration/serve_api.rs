//! `zapdesk-cli serve` serves the local API beside the numbers: tokens made
//! with `zapdesk-cli api tokens`, the port from `--api-port` (0: any free
//! one, printed), revocation felt at once, and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::cli_json;

/// One HTTP/1.1 GET with a bearer token; the status code and the body.
fn get(port: u16, path: &str, token: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn serve_answers_the_api_with_a_token_made_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let account = cli_json(d, &["accounts", "create", "--name", "Padaria"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let made = cli_json(
        d,
        &[
            "api",
            "tokens",
            "create",
            "--name",
            "n8n",
            "--account",
            &account,
            "--scope",
            "read",
        ],
    );
    let token = made["secret"].as_str().unwrap().to_owned();
    let id = made["token"]["id"].as_str().unwrap().to_owned();
    // Plain text: the token alone on stdout.
    let plain = cli(
        d,
        &[
            "api",
            "tokens",
            "create",
            "--name",
            "zap",
            "--account",
            &account,
            "--scope",
            "send",
        ],
    );
    let printed = String::from_utf8(plain.stdout).unwrap();
    assert!(printed.trim().starts_with("zdk_") && printed.trim().lines().count() == 1);
    // An agency token needs an owner at this desktop: refused with its code.
    let refused = cli(
        d,
        &[
            "--json", "api", "tokens", "create", "--name", "x", "--scope", "read",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("api_forbidden"));

    let mut serve = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(d)
        .args(["serve", "--api-port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = serve.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let port: u16 = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve never said where the API listens");
        if let Some(rest) = line.strip_prefix("api: listening on http://127.0.0.1:") {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };

    let (status, body) = get(port, "/api/accounts", &token);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&account));
    let (status, _) = get(port, "/api/accounts", "zdk_errado");
    assert_eq!(status, 401);
    let listed = cli_json(d, &["api", "tokens", "list"]);
    let used = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert!(used["last_used_at"].is_i64(), "{used}");
    // Revoked by the CLI while serve runs: refused at once.
    cli_json(d, &["api", "tokens", "revoke", &id]);
    let (status, body) = get(port, "/api/accounts", &token);
    assert_eq!(status, 401, "{body}");

    let term = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let exit = serve.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn serve_for_one_account_serves_no_other_accounts_api() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let create = |name: &str| {
        cli_json(d, &["accounts", "create", "--name", name])["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let padaria = create("Padaria");
    let farmacia = create("Farmácia");
    let token = |account: &str| {
        cli_json(
            d,
            &[
                "api",
                "tokens",
                "create",
                "--name",
                "n8n",
                "--account",
                account,
                "--scope",
                "read",
            ],
        )["secret"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let ours = token(&padaria);
    let theirs = token(&farmacia);

    let mut serve = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(d)
        .args(["serve", "--account", &padaria, "--api-port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = serve.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let port: u16 = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve never said where the API listens");
        if let Some(rest) = line.strip_prefix("api: listening on http://127.0.0.1:") {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };

    let (status, body) = get(port, &format!("/api/accounts/{padaria}"), &ours);
    assert_eq!(status, 200, "{body}");
    // Another account's token, on its own account: not served here.
    let (status, body) = get(port, &format!("/api/accounts/{farmacia}"), &theirs);
    assert_eq!(status, 404, "{body}");
    let (status, body) = get(port, "/api/accounts", &theirs);
    assert_eq!((status, body.trim()), (200, "[]"));

    let term = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let exit = serve.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
