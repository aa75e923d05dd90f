//! `zapdesk-cli serve` runs a Sandbox number in real Chromium without a
//! window: it connects, stores what a contact wrote, refuses a second copy on
//! the same data folder, and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use zapdesk_whatsapp::sandbox::{Incoming, SandboxServer, SandboxState};

fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(dir, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn serve_runs_a_sandbox_number_and_stores_what_it_receives() {
    assert!(
        Path::new(&std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .exists(),
        "Chromium is required"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let account = json(d, &["accounts", "create", "--name", "Padaria"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let number = json(
        d,
        &[
            "numbers",
            "add",
            "--account",
            &account,
            "--name",
            "Balcão",
            "--sandbox",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let marked = json(d, &["numbers", "start", "--account", &account, &number]);
    assert_eq!(marked["autostart"], true);

    // The Sandbox's phone already linked, and a contact who wrote meanwhile.
    let sandbox = SandboxServer::open(&d.join("sandbox").join(&number)).unwrap();
    sandbox
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            ..SandboxState::default()
        })
        .unwrap();
    sandbox
        .push_incoming(&Incoming {
            from: "+5511987654321".into(),
            name: Some("Maria".into()),
            body: "Bom dia!".into(),
            ..Default::default()
        })
        .unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(d)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| loop {
        let line = lines
            .recv_timeout(Duration::from_secs(90))
            .unwrap_or_else(|_| panic!("no line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    };
    assert_eq!(
        wait_for("connected"),
        "[Balcão] connected as 5511900000000@c.us"
    );
    wait_for("message in conversation");

    let second = cli(d, &["serve"]);
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already_running"));

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert!(child.wait().unwrap().success());

    let page = json(d, &["contacts", "list", "--account", &account]);
    assert_eq!(page["items"][0]["phone"], "+5511987654321");
    assert_eq!(page["items"][0]["name"], "Maria");
    let numbers = json(d, &["numbers", "list", "--account", &account]);
    assert_eq!(numbers[0]["status"], "stopped");
    assert_eq!(
        numbers[0]["autostart"], true,
        "still marked to run next time"
    );
}
