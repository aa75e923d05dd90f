//! Flows survive a kill: `zapdesk-cli serve` runs a Sandbox number (real
//! Chromium, the fake WhatsApp page), a contact starts a flow with a
//! keyword, and serve is killed with SIGKILL in the middle of it.
//!
//! - During a delay: after the restart (the delay's time having passed
//!   while the app was dead: its `wake_at` moved to now through SQL), the
//!   message after the delay reaches the fake exactly once.
//! - During an HTTP call (a local server holding the request): after the
//!   restart the interrupted call takes the error branch once, and the
//!   server never got a second request.
//!
//! "Never twice" is checked after a fence: serve is started once more with
//! another keyword the contact wrote, and that keyword's reply reaches the
//! fake. The fake's own log is counted.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::support::{cli_json, doc, node, send_typing};
use serde_json::{Value, json};
use zapdesk_core::automation::flow;
use zapdesk_core::automation::keywords::{self, Actions, KeywordInput};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::automation::settings;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, Store};
use zapdesk_whatsapp::sandbox::{Incoming, SandboxServer, SandboxState};

const MARIA: &str = "+5511987654321";
/// Bounds a wait that never ends (a failing test), never paces one.
const WAIT: Duration = Duration::from_secs(120);

/// An account with a paired Sandbox number marked to run, made through the
/// CLI; the flow `doc` imported and published through the CLI; keywords
/// `start` (starts the flow) and `oi` (replies "Olá!", the fence).
struct Setup {
    dir: tempfile::TempDir,
    account: AccountId,
    sandbox: SandboxServer,
}

async fn setup(doc: Value, allow_private_http: bool) -> Setup {
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
    let number = cli_json(
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
        .to_owned();
    cli_json(d, &["numbers", "start", "--account", &acc, &number]);
    let file = d.join("fluxo.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let flow = cli_json(
        d,
        &["flows", "import", file.to_str().unwrap(), "--account", &acc],
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    cli_json(d, &["flows", "publish", &flow, "--account", &acc]);

    let store = Store::open(d).await.unwrap();
    if allow_private_http {
        let mut s = settings::get(&store, account).await.unwrap();
        s.allow_private_http = true;
        settings::save(&store, account, &s).await.unwrap();
    }
    let keyword = |word: &str, actions: Actions| KeywordInput {
        name: format!("Palavra {word}"),
        match_kind: MatchKind::Exact,
        words: vec![word.into()],
        numbers: Vec::new(),
        priority: 0,
        enabled: true,
        cooldown_minutes: 0,
        actions,
    };
    keywords::create(
        &store,
        account,
        &keyword(
            "comecar",
            Actions {
                start_flow: Some(flow.parse().unwrap()),
                ..Actions::default()
            },
        ),
    )
    .await
    .unwrap();
    keywords::create(
        &store,
        account,
        &keyword(
            "oi",
            Actions {
                reply: Some(flow::Content::Text {
                    text: "Olá!".into(),
                }),
                ..Actions::default()
            },
        ),
    )
    .await
    .unwrap();
    store.close().await;

    let sandbox = SandboxServer::open(&d.join("sandbox").join(&number)).unwrap();
    sandbox
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            ..SandboxState::default()
        })
        .unwrap();
    Setup {
        dir,
        account,
        sandbox,
    }
}

/// `zapdesk-cli --json serve`, its stdout's lines (one per fleet event).
struct Serve {
    child: Child,
    lines: mpsc::Receiver<String>,
}

fn serve(dir: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zapdesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--json", "serve"])
        .env_remove("ZAPDESK_DATA_DIR")
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
    Serve { child, lines }
}

impl Serve {
    /// Waits, event by event, until `check` holds on what the fake
    /// received (written before the send that made the event returns).
    fn until(&self, what: &str, check: impl Fn() -> bool) {
        let deadline = Instant::now() + WAIT;
        while !check() {
            let left = deadline.saturating_duration_since(Instant::now());
            self.lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("never saw {what}"));
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    /// Ctrl-C: serve closes its Chromium and exits.
    fn stop(mut self) {
        assert!(self.interrupt().success());
    }

    fn interrupt(&mut self) -> std::process::ExitStatus {
        let interrupted = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(interrupted.success());
        self.child.wait().unwrap()
    }
}

/// A failed test stops its serve (and so its Chromium) on the way out.
impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.interrupt();
        }
    }
}

/// How many times the fake received `text`.
fn received(sandbox: &SandboxServer, text: &str) -> usize {
    sandbox
        .sent()
        .unwrap()
        .iter()
        .filter(|s| s.text == text)
        .count()
}

fn write(sandbox: &SandboxServer, text: &str) {
    sandbox
        .push_incoming(&Incoming {
            from: MARIA.into(),
            name: Some("Maria".into()),
            body: text.into(),
            ..Default::default()
        })
        .unwrap();
}

fn send(id: &str, text: &str) -> Value {
    send_typing(id, text, 0)
}

const A: &str = "Recebemos seu pedido.";
const B: &str = "Seu cupom: BEMVINDO10";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_killed_during_a_delay_sends_what_follows_it_exactly_once() {
    let s = setup(
        doc(
            "a",
            vec![
                send("a", A),
                node(
                    "espera",
                    json!({"type": "delay", "minutes": 60, "window": null}),
                ),
                send("b", B),
                node("fim", json!({"type": "end"})),
            ],
            &[
                ("a", "next", "espera"),
                ("espera", "next", "b"),
                ("b", "next", "fim"),
            ],
        ),
        false,
    )
    .await;
    let d = s.dir.path();

    // The Sandbox's page takes a contact's messages when it loads (the app
    // pokes a running page; nothing outside it can): each message is
    // written before a start.
    write(&s.sandbox, "comecar");
    let first = serve(d);
    first.until("A reaching the fake", || received(&s.sandbox, A) == 1);
    first.kill();

    // The hour passed while ZapDesk was dead.
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        d.join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    let now = now_ms();
    let moved = sqlx::query(
        "UPDATE flow_sessions SET wake_at = ?, state = json_set(state, '$.wait.at', ?)
         WHERE account_id = ? AND status = 'active' AND json_extract(state, '$.wait.for') = 'timer'",
    )
    .bind(now)
    .bind(now)
    .bind(s.account)
    .execute(&raw)
    .await
    .unwrap();
    assert_eq!(moved.rows_affected(), 1, "the session waits on its delay");
    raw.close().await;

    let second = serve(d);
    second.until("B reaching the fake", || received(&s.sandbox, B) >= 1);
    second.stop();
    // The fence: started again, a later keyword's reply reaches the fake,
    // and B did not come again.
    write(&s.sandbox, "oi");
    let third = serve(d);
    third.until("the fence's reply", || received(&s.sandbox, "Olá!") == 1);
    assert_eq!(received(&s.sandbox, A), 1);
    assert_eq!(received(&s.sandbox, B), 1, "{:?}", s.sandbox.sent());
    third.stop();
}

/// A server that counts the requests it receives and answers none: each
/// connection is held open until the test ends.
struct Holding {
    port: u16,
    requests: Arc<AtomicUsize>,
    arrived: mpsc::Receiver<()>,
}

fn holding_server() -> Holding {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let (tx, arrived) = mpsc::channel();
    let counted = requests.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut first = [0u8; 4];
            // A request is a connection that sent its first bytes.
            if stream.read_exact(&mut first).is_ok() {
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = tx.send(());
            }
            held.push(stream);
        }
    });
    Holding {
        port,
        requests,
        arrived,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_killed_during_an_http_call_takes_the_error_branch_once() {
    let server = holding_server();
    let url = format!("http://127.0.0.1:{}/pedido", server.port);
    let s = setup(
        doc(
            "a",
            vec![
                send("a", A),
                node(
                    "consulta",
                    json!({"type": "http", "method": "GET", "url": url, "headers": [],
                           "body": null, "timeout_ms": 30000, "save": []}),
                ),
                send("ok", "OK"),
                send("erro", "ERRO"),
            ],
            &[
                ("a", "next", "consulta"),
                ("consulta", "next", "ok"),
                ("consulta", "error", "erro"),
            ],
        ),
        true,
    )
    .await;
    let d = s.dir.path();

    write(&s.sandbox, "comecar");
    let first = serve(d);
    server.arrived.recv_timeout(WAIT).expect("the request left");
    first.kill();

    let second = serve(d);
    second.until("ERRO reaching the fake", || {
        received(&s.sandbox, "ERRO") >= 1
    });
    second.stop();
    write(&s.sandbox, "oi");
    let third = serve(d);
    third.until("the fence's reply", || received(&s.sandbox, "Olá!") == 1);
    assert_eq!(received(&s.sandbox, A), 1);
    assert_eq!(received(&s.sandbox, "ERRO"), 1, "{:?}", s.sandbox.sent());
    assert_eq!(received(&s.sandbox, "OK"), 0);
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "never sent twice"
    );
    third.stop();
}
