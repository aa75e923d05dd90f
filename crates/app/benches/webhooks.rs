//! Webhook deliveries per second to a receiver on loopback (issue 17's goal:
//! at least 500/s sustained, signed). The app's sender drains a backlog of
//! events the triggers queued — 1 000 contacts, 5 events each (created, then
//! renamed 4 times), one contact's events in order — each fanned out,
//! rendered, signed, POSTed and recorded; the clock runs from `App::start`
//! to the receiver's last 200. Floor, in the same run: the same receiver
//! hit by a bare reqwest loop (8 requests in flight, as the sender's default
//! per webhook, the same body size, signed) with no store at all.
//! Prints Markdown rows for docs/benchmarks.md.
//! Run: `cargo bench -p zapdesk-app --bench webhooks`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::Notify;
use zapdesk_app::{App, Host, Scope, WebhookConfig, webhook_signature};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::webhooks::{EventType, WebhookFormat, WebhookInput};

const CONTACTS: usize = 1_000;
const RENAMES: usize = 4;
const EVENTS: usize = CONTACTS * (1 + RENAMES);
const FLOOR_REQUESTS: usize = EVENTS;
const IN_FLIGHT: usize = 8;

/// Counts requests whose signature checks out (a bad one fails the bench).
struct Receiver {
    secret: std::sync::Mutex<String>,
    ok: AtomicUsize,
    target: AtomicUsize,
    done: Notify,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let secret = r.secret.lock().unwrap().clone();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(header("x-zapdesk-timestamp").as_bytes());
    mac.update(b".");
    mac.update(&body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        header("x-zapdesk-signature"),
        format!("v1={hex}"),
        "a bad signature"
    );
    let n = r.ok.fetch_add(1, Ordering::SeqCst) + 1;
    if n == r.target.load(Ordering::SeqCst) {
        r.done.notify_one();
    }
    StatusCode::OK
}

async fn start_receiver() -> (String, Arc<Receiver>) {
    let receiver = Arc::new(Receiver {
        secret: std::sync::Mutex::new(String::new()),
        ok: AtomicUsize::new(0),
        target: AtomicUsize::new(usize::MAX),
        done: Notify::new(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/hook", post(receive))
        .with_state(Arc::clone(&receiver));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, receiver)
}

/// Waits for `target` more signed requests, at most a few minutes.
async fn received(receiver: &Receiver, target: usize) {
    let start = receiver.ok.load(Ordering::SeqCst);
    receiver.target.store(start + target, Ordering::SeqCst);
    if receiver.ok.load(Ordering::SeqCst) >= start + target {
        return;
    }
    tokio::time::timeout(Duration::from_secs(600), receiver.done.notified())
        .await
        .expect("the receiver never got everything");
}

/// The floor: the receiver hit with no store, `IN_FLIGHT` at a time.
async fn floor(url: &str, receiver: &Receiver, body: Vec<u8>) -> f64 {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let secret = receiver.secret.lock().unwrap().clone();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (client, url, body, secret, next) = (
            client.clone(),
            url.to_owned(),
            body.clone(),
            secret.clone(),
            Arc::clone(&next),
        );
        workers.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::SeqCst) < FLOOR_REQUESTS {
                let ts = zapdesk_core::time::now_ms() / 1000;
                let status = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-zapdesk-timestamp", ts.to_string())
                    .header("x-zapdesk-signature", webhook_signature(&secret, ts, &body))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert!(status.is_success());
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    FLOOR_REQUESTS as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    zapdesk_sync::testing::use_memory_keyring();
    let (url, receiver) = start_receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    app.tune_webhooks(WebhookConfig::default());
    let account = accounts::create(
        app.store(),
        &AccountInput {
            name: "Bench".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let (_, secret) = app
        .webhooks_create(
            account,
            &WebhookInput {
                url: url.clone(),
                events: vec![EventType::ContactCreated, EventType::ContactUpdated],
                format: WebhookFormat::Zapdesk,
            },
        )
        .await
        .unwrap();
    *receiver.secret.lock().unwrap() = secret;

    // The backlog, written as an import and edits would: by the triggers.
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?1, printf('+55119%08d', i), 'Contato ' || i, 'contato ' || i, 1, 1 FROM n",
    )
    .bind(account)
    .bind(CONTACTS as i64)
    .execute(&raw)
    .await
    .unwrap();
    for round in 0..RENAMES {
        sqlx::query(
            "UPDATE contacts SET name = 'Contato ' || ?1 || ' ' || phone WHERE account_id = ?2",
        )
        .bind(round as i64)
        .bind(account)
        .execute(&raw)
        .await
        .unwrap();
    }
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(queued as usize, EVENTS);
    let sample: String =
        sqlx::query_scalar("SELECT data FROM webhook_events ORDER BY seq DESC LIMIT 1")
            .fetch_one(&raw)
            .await
            .unwrap();
    raw.close().await;

    let started = Instant::now();
    app.start(Scope::All).await.unwrap();
    received(&receiver, EVENTS).await;
    let elapsed = started.elapsed();
    app.shutdown().await;
    let sender = EVENTS as f64 / elapsed.as_secs_f64();

    // The same body size as an event's envelope.
    let body = format!(
        r#"{{"id":"8f14e45f-ceea-467f-a9d5-0b7a4c3e2d10","type":"contact.updated","account_id":"{account}","instance_id":null,"timestamp":1767268800000,"data":{sample}}}"#
    )
    .into_bytes();
    let floor = floor(&url, &receiver, body).await;

    println!("| | deliveries/s | time for {EVENTS} |");
    println!("|---|---|---|");
    println!(
        "| bare reqwest loop, {IN_FLIGHT} in flight (floor) | {floor:.0} | {:.2} s |",
        FLOOR_REQUESTS as f64 / floor
    );
    println!(
        "| ZapDesk's sender: fan-out, order per contact, sign, POST, record | {sender:.0} | {:.2} s |",
        elapsed.as_secs_f64()
    );
    println!("| ratio sender / floor | {:.2} | |", sender / floor);
}
