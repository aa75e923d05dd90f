//! The campaign kill test: `zapdesk-cli serve` sends a 1 000-recipient
//! campaign through a Sandbox number (real Chromium, the fake WhatsApp page)
//! and is killed with SIGKILL at random points, then started again, until
//! the fake has received the whole campaign. In the end every recipient got
//! exactly one message: the fake's own log is counted.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::cli_json;
use rand::{Rng, SeedableRng};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::domain::InstanceStatus;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::{AccountId, InstanceId, Store, instances};
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};

const RECIPIENTS: usize = 1_000;

/// How many messages the fake received, per chat.
fn received(sandbox: &SandboxServer) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for sent in sandbox.sent().unwrap() {
        *out.entry(sent.chat).or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_killed_again_and_again_reaches_everyone_exactly_once() {
    assert!(
        Path::new(&std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .exists(),
        "Chromium is required"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let account: AccountId = cli_json(d, &["accounts", "create", "--name", "Loja"])["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let acc = account.to_string();
    let number: InstanceId = cli_json(
        d,
        &[
            "numbers",
            "add",
            "--account",
            &acc,
            "--name",
            "Vendas",
            "--sandbox",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    cli_json(
        d,
        &["numbers", "start", "--account", &acc, &number.to_string()],
    );
    let csv: String = std::iter::once("telefone;nome".to_owned())
        .chain((0..RECIPIENTS).map(|i| format!("+55 11 9{:08};Cliente {i}", 10_000_000 + i)))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.join("clientes.csv"), csv).unwrap();
    let report = cli_json(
        d,
        &[
            "contacts",
            "import",
            d.join("clientes.csv").to_str().unwrap(),
            "--account",
            &acc,
        ],
    );
    assert_eq!(report["created"], RECIPIENTS);

    let sandbox = SandboxServer::open(&d.join("sandbox").join(number.to_string())).unwrap();
    sandbox
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            ..SandboxState::default()
        })
        .unwrap();
    {
        // The campaign starts now, so its number must count as connected.
        let store = Store::open(d).await.unwrap();
        instances::set_status(
            &store,
            account,
            number,
            InstanceStatus::Connected,
            None,
            None,
        )
        .await
        .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        campaigns::create(
            &store,
            account,
            &CampaignInput {
                name: "Liquidação".into(),
                message: "{Olá|Oi} {{primeiro_nome}}, liquidação hoje!".into(),
                audience: ContactFilter::default(),
                numbers: vec![number],
                // Pacing off: this test is about crashes, not about waiting.
                pacing: Pacing {
                    window_start: 0,
                    window_end: 24 * 60,
                    weekdays: [true; 7],
                    delay_min_s: 0,
                    delay_max_s: 0,
                    daily_cap: 100_000,
                    warmup_days: 0,
                    ..Pacing::default()
                },
                starts_at: None,
                attachment: None,
                reply_flow: None,
            },
            now,
        )
        .await
        .unwrap();
    }

    let seed: u64 = rand::random();
    eprintln!("kill points seed: {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kills = 0;
    loop {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
            .arg("--data-dir")
            .arg(d)
            .args(["--json", "serve"])
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
        // Kill after a random number of events (each sent message makes some),
        // a few times; the last run goes until the fake has everyone.
        let kill_after = (kills < 5).then(|| rng.random_range(5..120));
        let mut events = 0;
        let finished = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| {
                    panic!("serve went quiet after {events} events (kills: {kills})")
                });
            if line.contains("\"conversation\"") {
                events += 1;
            }
            if kill_after.is_some_and(|k| events >= k) {
                break false;
            }
            if received(&sandbox).len() == RECIPIENTS {
                break true;
            }
        };
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // What the killed process left running is killed by the next start.
        if finished {
            break;
        }
        kills += 1;
    }
    let got = received(&sandbox);
    assert_eq!(got.len(), RECIPIENTS, "everyone reached");
    let twice: Vec<_> = got.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "sent twice after {kills} kills: {twice:?}"
    );
    assert!(kills >= 5);
    let show = cli_json(d, &["campaigns", "list", "--account", &acc]);
    assert_eq!(show[0]["report"]["pending"], 0, "{show}");
    std::process::Command::new("pkill")
        .args(["-KILL", "-f", &format!("{}/profiles/", d.display())])
        .status()
        .ok();
}
