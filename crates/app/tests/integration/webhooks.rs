//! Webhooks delivered by the running app to a real receiver on loopback
//! (axum): every request's signature checked with the secret the app gave;
//! 500s and a receiver that never answers tried again until a 2xx; one
//! contact's events in order while another's go on; "send test event" and
//! "send again"; and a ZapDesk killed with SIGKILL while the receiver holds
//! its requests loses no event, and sends again only what was in flight.
//! Waits are on what the receiver records; timeouts only bound a failure.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{Notify, watch};
use zapdesk_app::{App, Host, Scope, WebhookConfig};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::ids::WebhookId;
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::webhooks::{
    self, Delivery, DeliveryStatus, EventType, RetryPolicy, WebhookInput, queue,
};
use zapdesk_core::{AccountId, ContactId, Store};
use zapdesk_sync::testing::use_memory_keyring;

use crate::support::{self, Recorder};

const WAIT: Duration = Duration::from_secs(90);
const CHILD_ENV: &str = "ZAPDESK_WEBHOOK_CHILD";

/// What the receiver does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Status(u16),
    /// Never answers (until the client gives up or dies).
    Hold,
    /// Answers 200 once the test says so.
    HoldThen200,
}

/// A request as the receiver got it.
#[derive(Debug, Clone)]
struct Got {
    event: String,
    event_id: String,
    delivery: String,
    /// Which of the accepted secrets signed it (`None`: none did).
    signed_by: Option<usize>,
    timestamp: i64,
    body: Value,
    reply: Reply,
}

type Plan = Arc<dyn Fn(usize, &Got) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Receiver {
    url: String,
    log: Arc<Mutex<Vec<Got>>>,
    moved: watch::Sender<usize>,
    plan: Arc<Mutex<Plan>>,
    secrets: Arc<Mutex<Vec<String>>>,
    release: Arc<Notify>,
}

fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let timestamp = header("x-zapdesk-timestamp");
    // As docs/webhooks.md tells receivers: HMAC-SHA256 of "<timestamp>.<body>".
    let mut signed = timestamp.clone().into_bytes();
    signed.push(b'.');
    signed.extend_from_slice(&body);
    let signature = header("x-zapdesk-signature");
    let signed_by = r
        .secrets
        .lock()
        .unwrap()
        .iter()
        .position(|s| signature == format!("v1={}", hmac_hex(s, &signed)));
    let mut got = Got {
        event: header("x-zapdesk-event"),
        event_id: header("x-zapdesk-event-id"),
        delivery: header("x-zapdesk-delivery"),
        signed_by,
        timestamp: timestamp.parse().unwrap_or(0),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        reply: Reply::Status(0),
    };
    let plan = r.plan.lock().unwrap().clone();
    let reply = {
        let mut log = r.log.lock().unwrap();
        got.reply = plan(log.len(), &got);
        log.push(got.clone());
        got.reply
    };
    r.moved.send_modify(|n| *n += 1);
    match reply {
        Reply::Status(code) => StatusCode::from_u16(code).unwrap(),
        Reply::Hold => std::future::pending().await,
        Reply::HoldThen200 => {
            r.release.notified().await;
            StatusCode::OK
        }
    }
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            url: format!("http://{}/hook", listener.local_addr().unwrap()),
            log: Arc::default(),
            moved: watch::Sender::new(0),
            plan: Arc::new(Mutex::new(Arc::new(|_, _| Reply::Status(200)))),
            secrets: Arc::default(),
            release: Arc::new(Notify::new()),
        };
        let router = Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        receiver
    }

    fn plan(&self, plan: impl Fn(usize, &Got) -> Reply + Send + Sync + 'static) {
        *self.plan.lock().unwrap() = Arc::new(plan);
    }

    fn accept(&self, secret: &str) {
        self.secrets.lock().unwrap().push(secret.to_owned());
    }

    fn log(&self) -> Vec<Got> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until `check` holds on what was received.
    async fn until(&self, what: &str, check: impl Fn(&[Got]) -> bool) {
        let mut moved = self.moved.subscribe();
        let found = tokio::time::timeout(WAIT, async {
            loop {
                if check(&self.log.lock().unwrap()) {
                    return;
                }
                moved.changed().await.unwrap();
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("never received {what}; got {:#?}", self.log()));
    }
}

/// The timing the tests use: retries within a fraction of a second.
fn quick(timeout_ms: u64) -> WebhookConfig {
    WebhookConfig {
        retry: RetryPolicy {
            base_ms: 100,
            cap_ms: 400,
            window_ms: 600_000,
            disable_after_ms: 86_400_000,
        },
        timeout: Duration::from_millis(timeout_ms),
        poll: Duration::from_millis(500),
        stop_grace: Duration::from_millis(500),
        ..WebhookConfig::default()
    }
}

/// Waits until the webhook's log satisfies `check`, woken by the log's
/// changes as the screens are.
async fn until_log(
    app: &App,
    told: &Recorder,
    account: AccountId,
    hook: WebhookId,
    what: &str,
    check: impl Fn(&[Delivery]) -> bool,
) -> Vec<Delivery> {
    let found = tokio::time::timeout(WAIT, async {
        loop {
            // Cleared before the read: a change after it is not missed.
            told.clear();
            let log = app.webhooks_deliveries(account, hook, None).await.unwrap();
            if check(&log) {
                return log;
            }
            told.until_change(Change::of(account, Table::WebhookDeliveries))
                .await;
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("the log never showed {what}"))
}

/// A connection of the test's own to the app's database.
async fn raw_db(app: &App) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        app.store()
            .data_dir()
            .join(zapdesk_core::store::DB_FILE)
            .display()
    ))
    .await
    .unwrap()
}

async fn add_contact(app: &App, account: AccountId, phone: &str) -> ContactId {
    app.wrote(
        Some(account),
        &[Table::Contacts],
        contacts::create(
            app.store(),
            account,
            &ContactInput {
                phone: phone.into(),
                name: Some("Maria Souza".into()),
            },
        ),
    )
    .await
    .unwrap()
    .id
}

fn input(url: &str, events: &[EventType]) -> WebhookInput {
    WebhookInput {
        url: url.into(),
        events: events.to_vec(),
        format: webhooks::WebhookFormat::Zapdesk,
    }
}

/// An app on a fresh folder with its sender started, an account, and a
/// webhook to `receiver` (whose secret the receiver accepts).
async fn running(
    receiver: &Receiver,
    config: WebhookConfig,
    events: &[EventType],
) -> (
    tempfile::TempDir,
    Recorder,
    App,
    AccountId,
    WebhookId,
    String,
) {
    use_memory_keyring();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = App::open(dir.path(), told.host()).await.unwrap();
    app.tune_webhooks(config);
    let account = support::account(app.store()).await;
    let (hook, secret) = app
        .webhooks_create(account, &input(&receiver.url, events))
        .await
        .unwrap();
    receiver.accept(&secret);
    app.start(Scope::All).await.unwrap();
    (dir, told, app, account, hook.id, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_event_arrives_after_500s_and_the_log_says_how_it_went() {
    let receiver = Receiver::start().await;
    receiver.plan(|n, _| Reply::Status(if n < 2 { 500 } else { 200 }));
    let (_dir, told, app, account, hook, secret) =
        running(&receiver, quick(5_000), &[EventType::ContactCreated]).await;
    assert_eq!(secret.len(), 64);
    assert_eq!(app.webhooks_secret(account, hook).await.unwrap(), secret);

    let maria = add_contact(&app, account, "+5511987654321").await;
    receiver
        .until("a 200", |log| {
            log.iter().any(|g| g.reply == Reply::Status(200))
        })
        .await;
    let log = receiver.log();
    assert_eq!(log.len(), 3, "{log:#?}");
    let now_s = zapdesk_core::time::now_ms() / 1000;
    for got in &log {
        assert_eq!(got.signed_by, Some(0), "signed with the secret: {got:?}");
        assert!((got.timestamp - now_s).abs() < 300, "{got:?}");
        assert_eq!(got.event, "contact.created");
        assert_eq!(got.event_id, log[0].event_id, "one event");
        assert_eq!(got.delivery, log[0].delivery, "one delivery, retried");
        assert_eq!(got.body["id"], got.event_id.as_str());
        assert_eq!(got.body["type"], "contact.created");
        assert_eq!(got.body["account_id"], account.to_string());
        assert_eq!(got.body["data"]["contact"]["id"], maria.to_string());
        assert_eq!(got.body["data"]["contact"]["phone"], "+5511987654321");
    }
    // The screens hear of the log's progress.
    told.until_change(Change::of(account, Table::WebhookDeliveries))
        .await;

    // A new secret signs what follows.
    let rotated = app.webhooks_rotate_secret(account, hook).await.unwrap();
    assert_ne!(rotated, secret);
    assert_eq!(app.webhooks_secret(account, hook).await.unwrap(), rotated);
    receiver.accept(&rotated);
    add_contact(&app, account, "+5511987654322").await;
    receiver
        .until("a fourth request", |log| log.len() >= 4)
        .await;
    assert_eq!(
        receiver.log()[3].signed_by,
        Some(1),
        "signed with the new secret only"
    );

    // Stopped, every answer received is recorded: the log says how it went.
    app.shutdown().await;
    let lines = app.webhooks_deliveries(account, hook, None).await.unwrap();
    assert_eq!(lines.len(), 2);
    let d = &lines[1];
    assert_eq!(
        (d.status, d.attempts, d.last_status_code),
        (DeliveryStatus::Delivered, 3, Some(200))
    );
    assert_eq!(d.event_id.to_string(), log[0].event_id);
    assert!(d.last_duration_ms.is_some() && d.delivered_at.is_some() && d.last_error.is_none());
    assert_eq!(
        (lines[0].status, lines[0].attempts),
        (DeliveryStatus::Delivered, 1)
    );
    // Two failures marked the webhook failing; the 2xx cleared it.
    assert_eq!(
        app.webhooks_list(account).await.unwrap()[0].failing_since,
        None
    );
}

/// A rotation whose new version cannot be recorded (the store busy, the
/// disk full) changes nothing: the keyring and the sender keep the secret
/// the receiver has, and what follows is signed with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_the_store_refuses_keeps_the_old_secret() {
    let receiver = Receiver::start().await;
    let (_dir, _told, app, account, hook, secret) =
        running(&receiver, quick(5_000), &[EventType::ContactCreated]).await;
    let raw = raw_db(&app).await;
    sqlx::query(
        "CREATE TRIGGER test_refuse_rotation BEFORE UPDATE OF secret_version ON webhooks
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    )
    .execute(&raw)
    .await
    .unwrap();
    assert!(app.webhooks_rotate_secret(account, hook).await.is_err());
    assert_eq!(app.webhooks_secret(account, hook).await.unwrap(), secret);
    sqlx::query("DROP TRIGGER test_refuse_rotation")
        .execute(&raw)
        .await
        .unwrap();
    add_contact(&app, account, "+5511987654321").await;
    receiver.until("a request", |log| !log.is_empty()).await;
    assert_eq!(
        receiver.log()[0].signed_by,
        Some(0),
        "signed with the secret the receiver has"
    );
    app.shutdown().await;
}

/// A secret fetched from the server while this desktop rotated (the fetch
/// was in flight) never lands over the rotated one: the exchange's step
/// skips a version this desktop keeps already; a newer one it keeps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_in_flight_never_overwrites_a_rotation_made_here() {
    let receiver = Receiver::start().await;
    let (_dir, _told, app, account, hook, _secret) =
        running(&receiver, quick(5_000), &[EventType::ContactCreated]).await;
    let rotated = app.webhooks_rotate_secret(account, hook).await.unwrap();
    for stale in [1, 2] {
        let kept = app
            .webhooks_take_fetched_secret(account, hook, stale, "f".repeat(64))
            .await
            .unwrap();
        assert!(!kept, "version {stale} is not newer than the rotation's");
        assert_eq!(app.webhooks_secret(account, hook).await.unwrap(), rotated);
    }
    let kept = app
        .webhooks_take_fetched_secret(account, hook, 3, "e".repeat(64))
        .await
        .unwrap();
    assert!(kept, "a later version (rotated elsewhere) is kept");
    assert_eq!(
        app.webhooks_secret(account, hook).await.unwrap(),
        "e".repeat(64)
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_is_given_up_on_in_time_and_tried_again() {
    let receiver = Receiver::start().await;
    receiver.plan(|n, _| {
        if n == 0 {
            Reply::Hold
        } else {
            Reply::HoldThen200
        }
    });
    let (_dir, _told, app, account, hook, _) =
        running(&receiver, quick(2_000), &[EventType::ContactCreated]).await;
    add_contact(&app, account, "+5511987654321").await;
    // The second request comes only after the first timed out and was recorded.
    receiver
        .until("a second request", |log| log.len() >= 2)
        .await;
    let log = app.webhooks_deliveries(account, hook, None).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].status, log[0].attempts, log[0].last_status_code),
        (DeliveryStatus::Retrying, 1, None)
    );
    let error = log[0].last_error.clone().unwrap_or_default();
    assert!(error.starts_with("timeout"), "{error}");
    assert!(log[0].last_duration_ms.unwrap() >= 2_000);
    receiver.release.notify_one();
    // Stopping waits for the answer in flight and records it.
    app.shutdown().await;
    let log = app.webhooks_deliveries(account, hook, None).await.unwrap();
    assert_eq!(
        (log[0].status, log[0].attempts, log[0].last_status_code),
        (DeliveryStatus::Delivered, 2, Some(200))
    );
    assert_eq!(receiver.log().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_contacts_events_arrive_in_order_while_anothers_go_on() {
    let receiver = Receiver::start().await;
    let (_dir, _told, app, account, _hook, _) = running(
        &receiver,
        quick(5_000),
        &[EventType::ContactCreated, EventType::TagAdded],
    )
    .await;
    let slow = "+5511911110000";
    let failures = Arc::new(Mutex::new(0));
    let count = Arc::clone(&failures);
    // The slow contact's creation fails twice; everything else is taken.
    receiver.plan(move |_, got| {
        if got.event == "contact.created" && got.body["data"]["contact"]["phone"] == slow {
            let mut n = count.lock().unwrap();
            *n += 1;
            if *n <= 2 {
                return Reply::Status(503);
            }
        }
        Reply::Status(200)
    });
    let vip = tags::create(
        app.store(),
        account,
        &TagInput {
            name: "VIP".into(),
            color: "#f59e0b".into(),
        },
    )
    .await
    .unwrap();
    let a = add_contact(&app, account, slow).await;
    let b = add_contact(&app, account, "+5511922220000").await;
    app.wrote(
        Some(account),
        &[Table::ContactTags],
        tags::apply(app.store(), account, vip.id, &[a, b], true),
    )
    .await
    .unwrap();
    receiver
        .until("both tags", |log| {
            log.iter()
                .filter(|g| g.event == "tag.added" && g.reply == Reply::Status(200))
                .count()
                == 2
        })
        .await;
    let log = receiver.log();
    let phone = |g: &Got| {
        g.body["data"]["contact"]["phone"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let index = |pred: &dyn Fn(&Got) -> bool| log.iter().position(pred).unwrap();
    for who in [slow, "+5511922220000"] {
        let created_ok = index(&|g| {
            phone(g) == who && g.event == "contact.created" && g.reply == Reply::Status(200)
        });
        let tagged = index(&|g| phone(g) == who && g.event == "tag.added");
        assert!(
            created_ok < tagged,
            "{who}: tag before its creation was taken: {log:#?}"
        );
    }
    // The other contact did not wait for the slow one's retries.
    let slow_ok = index(&|g| {
        phone(g) == slow && g.event == "contact.created" && g.reply == Reply::Status(200)
    });
    let other_tagged = index(&|g| phone(g) == "+5511922220000" && g.event == "tag.added");
    assert!(other_tagged < slow_ok, "{log:#?}");
    assert_eq!(*failures.lock().unwrap(), 3);
    assert!(log.iter().all(|g| g.signed_by == Some(0)));
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_event_and_send_again_go_at_once() {
    let receiver = Receiver::start().await;
    receiver.plan(|_, _| Reply::Status(204));
    let (_dir, told, app, account, hook, _) =
        running(&receiver, quick(5_000), &[EventType::TagAdded]).await;
    let test = app.webhooks_test(account, hook).await.unwrap();
    assert_eq!(test.event_type, EventType::Test);
    told.until_change(Change::of(account, Table::WebhookDeliveries))
        .await;
    receiver
        .until("the test event", |log| !log.is_empty())
        .await;
    let first = receiver.log()[0].clone();
    assert_eq!(first.event, "test");
    assert_eq!(first.body["data"]["webhook_id"], hook.to_string());
    assert_eq!(first.delivery, test.id.to_string());
    // Sent again once it has ended (one still waiting would be hurried in
    // its place instead of copied).
    until_log(&app, &told, account, hook, "the test delivered", |log| {
        log.iter()
            .any(|d| d.id == test.id && d.status == DeliveryStatus::Delivered)
    })
    .await;

    let again = app.webhooks_redeliver(account, test.id).await.unwrap();
    receiver
        .until("the event again", |log| log.len() == 2)
        .await;
    let second = receiver.log()[1].clone();
    assert_eq!(
        second.event_id, first.event_id,
        "the same event: the receiver can dedupe"
    );
    assert_eq!(second.delivery, again.id.to_string());
    assert_ne!(second.delivery, first.delivery);
    assert!(second.signed_by.is_some());
    // Deleted: its log and its secret go with it.
    app.webhooks_delete(account, hook).await.unwrap();
    assert!(app.webhooks_list(account).await.unwrap().is_empty());
    assert!(app.webhooks_secret(account, hook).await.is_err());
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_store_could_not_record_is_not_sent_again() {
    let receiver = Receiver::start().await;
    let (_dir, told, app, account, hook, _) =
        running(&receiver, quick(5_000), &[EventType::ContactCreated]).await;
    // The store refuses every change of a delivery (as a database kept busy
    // by another writer would) until the test lets it.
    let raw = raw_db(&app).await;
    sqlx::query(
        "CREATE TRIGGER test_refuse BEFORE UPDATE ON webhook_deliveries
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    )
    .execute(&raw)
    .await
    .unwrap();
    let phones = ["+5511911110001", "+5511911110002", "+5511911110003"];
    // Each answered 200 and not recorded; the next contact goes only after
    // the one before was answered, so the sender has gone round its loop
    // (where it used to send an unrecorded delivery again) several times.
    for (i, phone) in phones.iter().enumerate() {
        add_contact(&app, account, phone).await;
        receiver
            .until(phone, |log| {
                log.iter()
                    .any(|g| g.body["data"]["contact"]["phone"] == *phone)
            })
            .await;
        assert_eq!(receiver.log().len(), i + 1, "{:#?}", receiver.log());
    }
    sqlx::query("DROP TRIGGER test_refuse")
        .execute(&raw)
        .await
        .unwrap();
    // Recorded once the store takes it: delivered, at the first attempt.
    let log = until_log(&app, &told, account, hook, "all three delivered", |log| {
        log.len() == 3 && log.iter().all(|d| d.status == DeliveryStatus::Delivered)
    })
    .await;
    assert!(log.iter().all(|d| d.attempts == 1), "{log:#?}");
    app.shutdown().await;
    let got = receiver.log();
    assert_eq!(got.len(), 3, "each sent once: {got:#?}");
    raw.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2xx_whose_body_never_ends_is_delivered() {
    use tokio::io::AsyncReadExt as _;
    use_memory_keyring();
    // A receiver that answers 200 at once and then never finishes its body.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let asked = watch::Sender::new(0_usize);
    let counted = asked.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0_u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = socket.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    head.extend_from_slice(&buf[..n]);
                }
                socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nok, still writ")
                    .await
                    .unwrap();
                counted.send_modify(|n| *n += 1);
                std::future::pending::<()>().await;
                drop(socket);
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = App::open(dir.path(), told.host()).await.unwrap();
    app.tune_webhooks(quick(1_000));
    let account = support::account(app.store()).await;
    let (hook, _) = app
        .webhooks_create(account, &input(&url, &[EventType::ContactCreated]))
        .await
        .unwrap();
    app.start(Scope::All).await.unwrap();
    add_contact(&app, account, "+5511987654321").await;
    let log = until_log(&app, &told, account, hook.id, "the attempt", |log| {
        log.iter().any(|d| d.attempts > 0)
    })
    .await;
    assert_eq!(
        (log[0].status, log[0].last_status_code, log[0].attempts),
        (DeliveryStatus::Delivered, Some(200), 1),
        "{log:#?}"
    );
    assert_eq!(*asked.borrow(), 1);
    app.shutdown().await;
}

/// The child of the SIGKILL test: the app on the folder given, its webhook
/// secret put in this process's (memory) credential store, started, then
/// waiting for "stop" on stdin (or the SIGKILL). Does nothing in an
/// ordinary test run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_child_process() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    // dir|webhook|secret|per_webhook
    let parts: Vec<&str> = spec.split('|').collect();
    use_memory_keyring();
    keyring::Entry::new("zapdesk-webhook", parts[1])
        .unwrap()
        .set_password(parts[2])
        .unwrap();
    let app = App::open(std::path::Path::new(parts[0]), Host::silent())
        .await
        .unwrap();
    app.tune_webhooks(WebhookConfig {
        per_webhook: parts[3].parse().unwrap(),
        timeout: Duration::from_secs(60),
        stop_grace: Duration::from_secs(30),
        ..quick(60_000)
    });
    app.start(Scope::All).await.unwrap();
    // Straight to the file descriptor: libtest's capture only intercepts
    // the print macros.
    let say = |word: &str| {
        let mut out = std::io::stdout();
        writeln!(out, "{word}").unwrap();
        out.flush().unwrap();
    };
    say("CHILD-STARTED");
    tokio::task::spawn_blocking(|| {
        for line in std::io::stdin().lines() {
            if line.map(|l| l.trim() == "stop").unwrap_or(true) {
                return;
            }
        }
    })
    .await
    .unwrap();
    app.shutdown().await;
    say("CHILD-STOPPED");
}

struct Child {
    process: tokio::process::Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Child {
    async fn start(spec: &str) -> Child {
        let mut process = tokio::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "webhooks::webhook_child_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, spec)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let lines = BufReader::new(process.stdout.take().unwrap()).lines();
        let mut child = Child { process, lines };
        child.until("CHILD-STARTED").await;
        child
    }

    async fn until(&mut self, word: &str) {
        let seen = tokio::time::timeout(WAIT, async {
            while let Some(line) = self.lines.next_line().await.unwrap() {
                // libtest may have written "test … ... " on the same line.
                if line.contains(word) {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap();
        assert!(seen, "the child ended before {word}");
    }
}

/// 20 contacts, each created then tagged: 40 events, queued by the
/// triggers before any ZapDesk runs on the folder. Their ids, per contact.
async fn forty_events(store: &Store, account: AccountId) -> HashMap<String, Vec<String>> {
    let tag = tags::create(
        store,
        account,
        &TagInput {
            name: "Lead".into(),
            color: "#123456".into(),
        },
    )
    .await
    .unwrap();
    for i in 0..20 {
        let c = contacts::create(
            store,
            account,
            &ContactInput {
                phone: format!("+55119870000{i:02}"),
                name: None,
            },
        )
        .await
        .unwrap();
        tags::apply(store, account, tag.id, &[c.id], true)
            .await
            .unwrap();
    }
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        store
            .data_dir()
            .join(zapdesk_core::store::DB_FILE)
            .display()
    ))
    .await
    .unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT lower(hex(e.id)), c.phone FROM webhook_events e JOIN contacts c ON c.id = e.contact_id
         ORDER BY e.seq",
    )
    .fetch_all(&raw)
    .await
    .unwrap();
    raw.close().await;
    let mut by_contact: HashMap<String, Vec<String>> = HashMap::new();
    for (h, phone) in rows {
        // As the header writes it: 8-4-4-4-12.
        let id = format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        );
        by_contact.entry(phone).or_default().push(id);
    }
    by_contact
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_with_deliveries_in_flight_loses_nothing() {
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let account = support::account(&store).await;
    let hook = webhooks::create(
        &store,
        account,
        &input(
            &receiver.url,
            &[EventType::ContactCreated, EventType::TagAdded],
        ),
    )
    .await
    .unwrap();
    let secret = "a".repeat(32) + &"0".repeat(32);
    receiver.accept(&secret);
    let events = forty_events(&store, account).await;
    assert_eq!(events.values().map(Vec::len).sum::<usize>(), 40);
    const IN_FLIGHT: usize = 4;
    let spec = format!("{}|{}|{secret}|{IN_FLIGHT}", dir.path().display(), hook.id);

    // First run: ten answered, then every request held; killed with
    // IN_FLIGHT requests held (the most it sends at once).
    let killed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let phase_two = Arc::clone(&killed);
    receiver.plan(move |n, _| {
        if phase_two.load(std::sync::atomic::Ordering::SeqCst) || n < 10 {
            Reply::Status(200)
        } else {
            Reply::Hold
        }
    });
    let mut first = Child::start(&spec).await;
    receiver
        .until("the requests held", |log| {
            log.iter().filter(|g| g.reply == Reply::Hold).count() == IN_FLIGHT
        })
        .await;
    // tokio's kill is SIGKILL on Unix: no destructor, nothing recorded.
    first.process.kill().await.unwrap();
    assert!(!first.process.wait().await.unwrap().success());
    let held: HashSet<String> = receiver
        .log()
        .iter()
        .filter(|g| g.reply == Reply::Hold)
        .map(|g| g.event_id.clone())
        .collect();
    let answered_before: HashSet<String> = receiver
        .log()
        .iter()
        .filter(|g| g.reply == Reply::Status(200))
        .map(|g| g.event_id.clone())
        .collect();
    assert_eq!((held.len(), answered_before.len()), (IN_FLIGHT, 10));

    // Second run: everything answered; then stopped cleanly.
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut second = Child::start(&spec).await;
    let all: HashSet<String> = events.values().flatten().cloned().collect();
    receiver
        .until("every event answered", |log| {
            let answered: HashSet<&String> = log
                .iter()
                .filter(|g| g.reply == Reply::Status(200))
                .map(|g| &g.event_id)
                .collect();
            all.iter().all(|id| answered.contains(id))
        })
        .await;
    second
        .process
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"stop\n")
        .await
        .unwrap();
    second.until("CHILD-STOPPED").await;
    assert!(second.process.wait().await.unwrap().success());

    let log = receiver.log();
    assert!(log.iter().all(|g| g.signed_by == Some(0)), "{log:#?}");
    // Sent more than once: only what was in flight at the kill.
    let mut times: HashMap<&str, usize> = HashMap::new();
    for g in &log {
        *times.entry(g.event_id.as_str()).or_default() += 1;
    }
    for (id, n) in &times {
        assert!(
            *n == 1 || held.contains(*id),
            "{id} sent {n} times: {log:#?}"
        );
        assert!(all.contains(*id), "an event nobody queued: {id}");
    }
    for id in &held {
        assert_eq!(times[id.as_str()], 2, "held {id}: sent again once");
    }
    // Each contact's events in order: its tag only after its creation was taken.
    for ids in events.values() {
        let (created, tagged) = (&ids[0], &ids[1]);
        let created_ok = log
            .iter()
            .position(|g| &g.event_id == created && g.reply == Reply::Status(200))
            .unwrap();
        let first_tag = log.iter().position(|g| &g.event_id == tagged).unwrap();
        assert!(created_ok < first_tag, "{log:#?}");
    }
    // The store agrees: all delivered, nothing waiting.
    let log = webhooks::deliveries(&store, account, hook.id, None, 100)
        .await
        .unwrap();
    assert_eq!(log.len(), 40);
    assert!(
        log.iter().all(|d| d.status == DeliveryStatus::Delivered),
        "{log:#?}"
    );
}

/// A Sandbox number (Chromium on the fake WhatsApp Web) waiting for its QR:
/// an Evolution-format receiver gets `connection.update` and the QR itself
/// in `qrcode.updated`, once per code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_numbers_qr_reaches_an_evolution_receiver_once_per_code() {
    let _one = support::serial();
    use_memory_keyring();
    let receiver = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    app.tune_webhooks(quick(5_000));
    let account = support::account(app.store()).await;
    support::sandbox_number(app.store(), dir.path(), account).await;
    let (_, secret) = app
        .webhooks_create(
            account,
            &WebhookInput {
                url: receiver.url.clone(),
                events: vec![EventType::NumberStatus, EventType::NumberQr],
                format: webhooks::WebhookFormat::Evolution,
            },
        )
        .await
        .unwrap();
    receiver.accept(&secret);
    app.start(Scope::All).await.unwrap();
    receiver
        .until("the QR and the status", |log| {
            log.iter().any(|g| g.event == "number.qr")
                && log.iter().any(|g| g.event == "number.status")
        })
        .await;
    app.shutdown().await;
    let log = receiver.log();
    assert!(log.iter().all(|g| g.signed_by == Some(0)));
    let qrs: Vec<&Got> = log.iter().filter(|g| g.event == "number.qr").collect();
    assert_eq!(qrs.len(), 1, "one code, one event: {log:#?}");
    let qr = &qrs[0].body;
    assert_eq!(qr["event"], "qrcode.updated");
    assert_eq!(qr["instance"], "Balcão");
    assert!(
        qr["data"]["qrcode"]["base64"]
            .as_str()
            .is_some_and(|b| b.starts_with("data:image/png")),
        "{qr}"
    );
    assert!(
        qr["data"]["qrcode"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    let status = log.iter().find(|g| g.event == "number.status").unwrap();
    assert_eq!(status.body["event"], "connection.update");
    assert_eq!(status.body["data"]["state"], "connecting");
}

/// Waits until `check` holds, read again at each `change` the app tells
/// (what it reads — an app's store, the agency's server — moves with it).
async fn until_told<F: Future<Output = bool>>(
    told: &Recorder,
    change: Change,
    what: &str,
    mut check: impl FnMut() -> F,
) {
    let found = tokio::time::timeout(WAIT, async {
        loop {
            // Cleared before the read: a change after it is not missed.
            told.clear();
            if check().await {
                return;
            }
            told.until_change(change).await;
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("never: {what}"));
}

/// Every file under `dir`, read whole.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

/// One count from an app's store, through a connection of the test's own.
async fn count_of(app: &App, sql: &str, hook: WebhookId) -> i64 {
    let raw = raw_db(app).await;
    let n = sqlx::query_scalar(sql)
        .bind(hook)
        .fetch_one(&raw)
        .await
        .unwrap();
    raw.close().await;
    n
}

/// Issue 17, item 4, on the real PostgreSQL: a webhook made on desktop A
/// (an owner's) reaches desktop B (an agent's, running the number) with its
/// secret, which went through the agency's server and no file; B makes and
/// delivers the events of the messages it receives, signed with A's
/// secret, and A — which pulls those messages — delivers nothing; a
/// rotation on A reaches B, which then signs with the new secret only; an
/// agent reads no secret from the server (not the table, and not the
/// function without a live lease).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_webhook_made_on_one_desktop_delivers_what_the_desktop_running_the_number_receives() {
    use zapdesk_core::domain::{InstanceKind, MessageKind};
    use zapdesk_core::inbox::ingest::{Inbound, ingest};
    use zapdesk_core::instances::{self, NumberInput};
    use zapdesk_core::lease::LeaseAnswer;
    use zapdesk_core::webhooks::secret_versions;
    use zapdesk_sync::leases::RemoteLeases;
    use zapdesk_sync::testing::ScratchDatabase;
    use zapdesk_sync::testing::desktop::{first_desktop, other_desktop};
    use zapdesk_whatsapp::fleet::FleetConfig;

    use crate::shared::save_connection;

    use_memory_keyring();
    let receiver = Receiver::start().await;
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let number = instances::create(
        &a.store,
        acc,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    instances::set_autostart(&a.store, acc, number, false)
        .await
        .unwrap();
    a.sync().await;
    b.pull().await;
    save_connection(&db, &a).await;
    save_connection(&db, &b).await;
    // Neither app may launch a browser.
    let fleet = |dir: &std::path::Path| FleetConfig {
        chromium: "/nonexistent/chromium".into(),
        ..FleetConfig::new(dir.to_path_buf())
    };
    let webhooks_of = |account| Change::of(account, Table::Webhooks);

    // A (the owner) makes the webhook; its secret goes to the server.
    let told_a = Recorder::new();
    let app_a = App::open_with(fleet(a.dir.path()), told_a.host())
        .await
        .unwrap();
    app_a.tune_webhooks(quick(5_000));
    app_a.start(Scope::All).await.unwrap();
    let (hook, first) = app_a
        .webhooks_create(acc, &input(&receiver.url, &[EventType::MessageReceived]))
        .await
        .unwrap();
    let hook = hook.id;
    receiver.accept(&first);
    until_told(
        &told_a,
        webhooks_of(acc),
        "A published the secret",
        || async {
            count_of(
                &app_a,
                "SELECT count(*) FROM webhook_secret_local WHERE webhook_id = ? AND published = 1",
                hook,
            )
            .await
                == 1
        },
    )
    .await;
    let mut owner = db.connect_owner().await;
    let on_server: (i64, String) =
        sqlx::query_as("SELECT version, set_by FROM zapdesk.webhook_secrets WHERE webhook_id = $1")
            .bind(hook.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(on_server, (1, a.role.clone()));
    // B is another computer: its keyring does not have A's entry (this
    // process's keyring is one for both apps; A's sender keeps the secret
    // in memory).
    keyring::Entry::new("zapdesk-webhook", &hook.to_string())
        .unwrap()
        .delete_credential()
        .unwrap();

    // B (an agent's desktop) starts and pulls the webhook; it does not run
    // the number yet, and the server gives an agent without a lease no
    // secret.
    let told_b = Recorder::new();
    let app_b = App::open_with(fleet(b.dir.path()), told_b.host())
        .await
        .unwrap();
    app_b.tune_webhooks(quick(5_000));
    app_b.start(Scope::All).await.unwrap();
    until_told(&told_b, webhooks_of(acc), "the webhook on B", || async {
        app_b.webhooks_list(acc).await.unwrap().len() == 1
    })
    .await;
    let synced = app_b.webhooks_list(acc).await.unwrap();
    assert_eq!(synced[0].url, receiver.url);
    assert_eq!(synced[0].events, [EventType::MessageReceived]);

    // A message received on B: B makes the event, whose delivery waits for
    // the secret (never sent unsigned).
    let received = |wa_id: &'static str| Inbound {
        wa_id: wa_id.into(),
        phone: "+5511987650123".into(),
        kind: Some(MessageKind::Text),
        body: "Oi! Vocês abrem sábado?".into(),
        sent_at: zapdesk_core::time::now_ms(),
        ..Inbound::default()
    };
    ingest(app_b.store(), acc, number, &received("3EB0AAA1"))
        .await
        .unwrap()
        .unwrap();
    until_log(&app_b, &told_b, acc, hook, "a wait for the secret", |log| {
        log.first()
            .is_some_and(|d| d.last_error.as_deref() == Some(queue::SECRET_NOT_HERE))
    })
    .await;
    assert!(receiver.log().is_empty());
    assert_eq!(
        secret_versions::kept(app_b.store(), acc, hook)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        app_b.webhooks_list(acc).await.unwrap()[0].failing_since,
        None,
        "a wait is no failure"
    );

    // B takes the number's lease: the secret comes from the server into
    // B's keyring, and the delivery that waited goes, signed with it.
    let leases_b = RemoteLeases::new(
        &b.store,
        b.remote.clone(),
        Duration::from_secs(600),
        zapdesk_core::Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(matches!(
        leases_b.take(acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    receiver
        .until("the message from B", |log| {
            log.iter().any(|g| g.event == "message.received")
        })
        .await;
    let got = receiver.log();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].signed_by, Some(0), "signed with A's secret");
    assert_eq!(
        got[0].body["data"]["message"]["body"],
        "Oi! Vocês abrem sábado?"
    );
    assert_eq!(got[0].body["instance_id"], number.to_string());
    assert_eq!(
        app_b
            .webhooks_deliveries(acc, hook, None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        secret_versions::kept(app_b.store(), acc, hook)
            .await
            .unwrap(),
        Some(1)
    );
    assert_eq!(app_b.webhooks_secret(acc, hook).await.unwrap(), first);
    // A pulls the message (its sync follows the server) and makes no event
    // of it: only the desktop running the number delivers it.
    let pulled_message =
        "SELECT count(*) FROM messages m JOIN webhooks w ON w.account_id = m.account_id
                          WHERE w.id = ? AND m.wa_message_id = '3EB0AAA1'";
    until_told(
        &told_a,
        Change::of(acc, Table::Messages),
        "A pulled B's message",
        || async { count_of(&app_a, pulled_message, hook).await == 1 },
    )
    .await;
    let made_on_a = "SELECT (SELECT count(*) FROM webhook_events e JOIN webhooks w
                             ON w.account_id = e.account_id WHERE w.id = ?1)
                          + (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?1)";
    assert_eq!(
        count_of(&app_a, made_on_a, hook).await,
        0,
        "A made no event of a pulled message, and delivers nothing"
    );
    assert!(
        app_a
            .webhooks_deliveries(acc, hook, None)
            .await
            .unwrap()
            .is_empty()
    );

    // Rotated on A: B fetches the new secret, and signs with it only.
    let second = app_a.webhooks_rotate_secret(acc, hook).await.unwrap();
    assert_ne!(second, first);
    receiver.accept(&second);
    until_told(
        &told_b,
        webhooks_of(acc),
        "version 2 of the secret on B",
        || async {
            secret_versions::kept(app_b.store(), acc, hook)
                .await
                .unwrap()
                == Some(2)
        },
    )
    .await;
    assert_eq!(app_b.webhooks_secret(acc, hook).await.unwrap(), second);
    ingest(app_b.store(), acc, number, &received("3EB0AAA2"))
        .await
        .unwrap()
        .unwrap();
    receiver
        .until("the second message from B", |log| log.len() >= 2)
        .await;
    let got = receiver.log();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1].signed_by, Some(1), "signed with the rotated secret");

    // No agent reads the secret from the server: not from the table (B's
    // login, holding the lease, nor another agent's), and not from the
    // function without a live lease.
    let c = other_desktop(&db, &a).await;
    for agent in [&b, &c] {
        let mut conn = agent.connect().await;
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.webhook_secrets")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows, 0, "an agent reads no row of the secrets");
    }
    let mut agent = c.connect().await;
    let none: Option<(i64, String)> =
        sqlx::query_as("SELECT version, secret FROM zapdesk.webhook_secret($1)")
            .bind(hook.as_uuid())
            .fetch_optional(&mut agent)
            .await
            .unwrap();
    assert!(none.is_none(), "an agent without a lease gets no secret");

    app_a.shutdown().await;
    app_b.shutdown().await;
    // Neither secret is in any file of B's data folder (nor of A's).
    for dir in [b.dir.path(), a.dir.path()] {
        for (path, bytes) in files_under(dir) {
            for secret in [&first, &second] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "a secret in {}",
                    path.display()
                );
            }
        }
    }
}

/// The delivery log shows a wait for the secret in the interface's language
/// by recognising the log's words: the screen's copy of them is Rust's.
#[test]
fn the_log_screen_knows_the_secret_wait_by_rusts_words() {
    let screen = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/src/screens/settings/DeliveryLog.tsx"
    ))
    .unwrap();
    assert!(
        screen.contains(&format!("\"{}\"", queue::SECRET_NOT_HERE)),
        "DeliveryLog.tsx's SECRET_NOT_HERE differs from Rust's"
    );
}
