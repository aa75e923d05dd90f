//! Numbers tied to the store: Sandbox numbers in real Chromium, messages
//! stored once across crashes and reconnects, the outbox sending exactly once.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::{InstanceKind, InstanceStatus, MessageStatus};
use zapdesk_core::inbox::conversations::ListFilter;
use zapdesk_core::inbox::{conversations, outbox};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, InstanceId, MessageId, Store};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::backoff::Backoff;
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetEvent};
use zapdesk_whatsapp::protocol::{chat_id, outgoing_message_id};
use zapdesk_whatsapp::sandbox::{Incoming, SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

struct Desk {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    store: Store,
    fleet: Arc<Fleet>,
    events: mpsc::UnboundedReceiver<FleetEvent>,
    account: AccountId,
    number: InstanceId,
}

fn config(data: &std::path::Path, answer_within: Duration) -> FleetConfig {
    FleetConfig {
        chromium: common::chromium(),
        backoff: Backoff {
            first: Duration::from_millis(200),
            max: Duration::from_secs(5),
        },
        watchdog_every: Duration::from_secs(5),
        answer_within,
        ..FleetConfig::new(data.to_path_buf())
    }
}

const ANSWER_WITHIN: Duration = Duration::from_secs(10);

fn fleet(
    store: &Store,
    data: &std::path::Path,
) -> (Arc<Fleet>, mpsc::UnboundedReceiver<FleetEvent>) {
    fleet_answering_within(store, data, ANSWER_WITHIN)
}

fn fleet_answering_within(
    store: &Store,
    data: &std::path::Path,
    answer_within: Duration,
) -> (Arc<Fleet>, mpsc::UnboundedReceiver<FleetEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let sink = Arc::new(move |e: FleetEvent| {
        let _ = tx.send(e);
    });
    (
        Fleet::new(store.clone(), config(data, answer_within), sink),
        rx,
    )
}

async fn desk() -> Desk {
    desk_answering_within(ANSWER_WITHIN).await
}

async fn desk_answering_within(answer_within: Duration) -> Desk {
    desk_with(answer_within, zapdesk_core::store::BUSY_TIMEOUT).await
}

/// A desk whose store waits `busy_timeout` for another connection's write lock.
async fn desk_with(answer_within: Duration, busy_timeout: Duration) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let store = Store::open_with_busy_timeout(&data, busy_timeout)
        .await
        .unwrap();
    let account = accounts::create(
        &store,
        &AccountInput {
            name: "Padaria".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let number = instances::create(
        &store,
        account,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    // Acks only when a test sends them.
    let sandbox = SandboxServer::open(&data.join("sandbox").join(number.to_string())).unwrap();
    sandbox
        .set_state(&SandboxState {
            autopilot: false,
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    let (fleet, events) = fleet_answering_within(&store, &data, answer_within);
    Desk {
        _dir: dir,
        data,
        store,
        fleet,
        events,
        account,
        number,
    }
}

async fn until_status(desk: &mut Desk, what: &str, pred: impl Fn(&Status) -> bool) {
    let number = desk.number;
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let FleetEvent::Number {
                instance, status, ..
            } = desk.events.recv().await.unwrap()
                && instance == number
                && pred(&status)
            {
                return;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

async fn until_new_message(desk: &mut Desk) {
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let FleetEvent::Conversation {
                new_message: true, ..
            } = desk.events.recv().await.unwrap()
            {
                return;
            }
        }
    })
    .await
    .expect("a new message");
}

async fn pair(desk: &mut Desk) {
    desk.fleet.start(desk.account, desk.number).await.unwrap();
    until_status(desk, "a QR", |s| matches!(s, Status::AwaitingQr { .. })).await;
    desk.fleet
        .sandbox(desk.account, desk.number, SandboxAction::Scan)
        .await
        .unwrap();
    until_status(desk, "connected", |s| matches!(s, Status::Connected { .. })).await;
}

/// Waits, change by change, until a message has a status; returns it.
async fn until_message(
    desk: &mut Desk,
    id: zapdesk_core::MessageId,
    status: MessageStatus,
) -> zapdesk_core::domain::Message {
    tokio::time::timeout(common::WAIT, async {
        loop {
            let m = messages(desk)
                .await
                .into_iter()
                .find(|m| m.id == id)
                .unwrap();
            if m.status == status {
                return m;
            }
            desk.events.recv().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("message never became {status:?}"))
}

/// The account's conversations, newest first.
async fn chats(desk: &Desk, limit: u32) -> Vec<conversations::ConversationSummary> {
    conversations::list(
        &desk.store,
        desk.account,
        &ListFilter {
            limit,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn messages(desk: &Desk) -> Vec<zapdesk_core::domain::Message> {
    let mut all = Vec::new();
    for c in chats(desk, 100).await {
        all.extend(
            conversations::thread(&desk.store, desk.account, c.id, None, 500)
                .await
                .unwrap(),
        );
    }
    all
}

async fn write(desk: &Desk, from: &str, body: &str) {
    let msg = Incoming {
        from: from.into(),
        name: Some("Cliente".into()),
        body: body.into(),
        ..Default::default()
    };
    desk.fleet
        .sandbox(desk.account, desk.number, SandboxAction::Incoming(msg))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_writes_the_operator_replies_and_the_ack_arrives() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    let stored = instances::get(&d.store, d.account, d.number).await.unwrap();
    assert_eq!(
        (stored.status, stored.phone.as_deref(), stored.autostart),
        (InstanceStatus::Connected, Some("+5511900000000"), true)
    );

    write(&d, "+5511987654321", "Bom dia! Tem pão de queijo?").await;
    until_new_message(&mut d).await;
    let list = chats(&d, 10).await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].contact_phone.as_str(),
            list[0].contact_name.as_deref()
        ),
        ("+5511987654321", Some("Cliente"))
    );
    assert_eq!(
        list[0].last_body.as_deref(),
        Some("Bom dia! Tem pão de queijo?")
    );

    assert!(
        d.fleet
            .reply(
                d.account,
                list[0].id,
                MessageId::new(),
                "Temos sim, saindo do forno!"
            )
            .await
            .unwrap()
    );
    let sent = tokio::time::timeout(common::WAIT, async {
        loop {
            let sent = d.fleet.sandbox_sent(d.number).unwrap();
            if !sent.is_empty() {
                return sent;
            }
            // Wait for the next change the fleet reports instead of polling blindly.
            d.events.recv().await.unwrap();
        }
    })
    .await
    .unwrap();
    assert_eq!(
        (sent[0].chat.as_str(), sent[0].text.as_str()),
        ("5511987654321@c.us", "Temos sim, saindo do forno!")
    );

    d.fleet
        .sandbox(
            d.account,
            d.number,
            SandboxAction::Ack {
                id: sent[0].id.clone(),
                ack: 3,
            },
        )
        .await
        .unwrap();
    tokio::time::timeout(common::WAIT, async {
        loop {
            let mine = messages(&d)
                .await
                .into_iter()
                .find(|m| m.wa_message_id.as_deref() == Some(sent[0].id.as_str()));
            if mine.is_some_and(|m| m.status == MessageStatus::Read) {
                return;
            }
            d.events.recv().await.unwrap();
        }
    })
    .await
    .expect("the reply is marked read");
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_killed_browser_history_is_redelivered_but_stored_once() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    write(&d, "+5511987654321", "um").await;
    until_new_message(&mut d).await;
    write(&d, "+5521912345678", "dois").await;
    until_new_message(&mut d).await;
    assert_eq!(messages(&d).await.len(), 2);

    // Kill the browser: on reconnect both are in the history the page loads,
    // and the catch-up finds them stored already.
    let pid = d.fleet_pid().await;
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    until_status(&mut d, "disconnected", |s| {
        matches!(s, Status::Disconnected { .. })
    })
    .await;
    until_status(&mut d, "connected again", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    write(&d, "+5511987654321", "três").await;
    until_new_message(&mut d).await;
    let bodies: Vec<String> = messages(&d).await.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    d.fleet.shutdown().await;
}

/// Every message body stored, oldest first.
async fn bodies(desk: &Desk) -> Vec<String> {
    let mut all = messages(desk).await;
    all.sort_by_key(|m| (m.sent_at, m.created_at));
    all.into_iter().map(|m| m.body).collect()
}

/// Waits, change by change, until `n` messages are stored; counts the
/// conversations announced as having a new message meanwhile.
async fn until_stored(desk: &mut Desk, n: usize) -> usize {
    let mut announced = 0;
    tokio::time::timeout(common::WAIT, async {
        while messages(desk).await.len() < n {
            if let FleetEvent::Conversation {
                new_message: true, ..
            } = desk.events.recv().await.unwrap()
            {
                announced += 1;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{n} messages never stored"));
    announced
}

/// Waits until the number holds nothing it received and did not store.
async fn until_nothing_waits(desk: &Desk) {
    let number = desk.number;
    let mut waiting = desk.fleet.inbound_waiting();
    tokio::time::timeout(common::WAIT, waiting.wait_for(|w| !w.contains_key(&number)))
        .await
        .expect("the number's received events were never all stored")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_arrives_while_zapdesk_is_down_is_history_and_is_caught_up_once() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    write(&d, "+5511987654321", "bom dia").await;
    until_new_message(&mut d).await;
    d.fleet.stop(d.account, d.number).await.unwrap();
    assert_eq!(d.fleet.status(d.number), Status::Stopped);
    // Delivered to WhatsApp's "server" while nobody listens: the page that
    // loads next gets them as history, never as new messages.
    write(&d, "+5511987654321", "enquanto você estava fora").await;
    write(&d, "+5511987654321", "outra").await;
    write(&d, "+5521912345678", "sou novo aqui").await;
    while d.events.try_recv().is_ok() {}
    d.fleet.start(d.account, d.number).await.unwrap();
    let mut announced = until_stored(&mut d, 4).await;
    until_nothing_waits(&d).await;
    while let Ok(event) = d.events.try_recv() {
        if let FleetEvent::Conversation {
            new_message: true, ..
        } = event
        {
            announced += 1;
        }
    }
    let mut stored = bodies(&d).await;
    stored.sort();
    assert_eq!(
        stored,
        [
            "bom dia",
            "enquanto você estava fora",
            "outra",
            "sou novo aqui"
        ]
    );
    // A backlog is announced once per conversation, not once per message.
    assert_eq!(announced, 2);

    // A reload (the browser killed) delivers nothing again as new, and the
    // history it loads is not stored a second time.
    let pid = d.fleet_pid().await;
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    until_status(&mut d, "disconnected", |s| {
        matches!(s, Status::Disconnected { .. })
    })
    .await;
    until_status(&mut d, "connected again", |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    write(&d, "+5521912345678", "ainda aí?").await;
    until_stored(&mut d, 5).await;
    until_nothing_waits(&d).await;
    assert_eq!(bodies(&d).await.len(), 5);
    let sandbox = SandboxServer::open(&d.data.join("sandbox").join(d.number.to_string())).unwrap();
    let deliveries = sandbox.deliveries().unwrap();
    let ids: std::collections::HashSet<&str> = deliveries.iter().map(|x| x.id.as_str()).collect();
    assert_eq!((deliveries.len(), ids.len()), (5, 5), "{deliveries:?}");
    let as_history = deliveries.iter().filter(|x| x.history).count();
    assert_eq!(as_history, 3, "{deliveries:?}");
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_store_refuses_for_a_while_is_kept_and_stored_once_in_order() {
    let _one = common::serial();
    // The store gives up on a held write lock after 200 ms instead of 10 s.
    let mut d = desk_with(ANSWER_WITHIN, Duration::from_millis(200)).await;
    pair(&mut d).await;
    let conversation = only_conversation(&mut d).await;
    // An operator's reply, on WhatsApp's server (ack 1) before the lock.
    let reply = MessageId::new();
    d.fleet
        .reply(d.account, conversation, reply, "Olá!")
        .await
        .unwrap();
    until_message(&mut d, reply, MessageStatus::Sent).await;
    let sent = d.fleet.sandbox_sent(d.number).unwrap();

    // Another connection (a sync pull, another process) holds the write lock.
    use sqlx::Connection;
    let mut other = sqlx::SqliteConnection::connect(&format!(
        "sqlite://{}",
        d.data.join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    write(&d, "+5511987654321", "dois").await;
    // The contact reads the reply: an ack the store refuses as well.
    d.fleet
        .sandbox(
            d.account,
            d.number,
            SandboxAction::Ack {
                id: sent[0].id.clone(),
                ack: 3,
            },
        )
        .await
        .unwrap();
    write(&d, "+5511987654321", "três").await;
    // All three were received and refused by the store; they wait in order.
    let number = d.number;
    let mut waiting = d.fleet.inbound_waiting();
    tokio::time::timeout(
        common::WAIT,
        waiting.wait_for(|w| w.get(&number).copied().unwrap_or(0) >= 3),
    )
    .await
    .expect("the refused messages are kept")
    .unwrap();
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    until_stored(&mut d, 4).await;
    until_nothing_waits(&d).await;
    // Each once, the contact's in the order they came.
    let mut all = messages(&d).await;
    all.sort_by_key(|m| m.created_at);
    let bodies: Vec<&str> = all.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["oi", "Olá!", "dois", "três"]);
    until_message(&mut d, reply, MessageStatus::Read).await;
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_queued_while_stopped_goes_out_once_when_connected() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    write(&d, "+5511987654321", "oi").await;
    until_new_message(&mut d).await;
    let conv = chats(&d, 1).await[0].id;
    d.fleet.stop(d.account, d.number).await.unwrap();
    assert!(
        !d.fleet
            .reply(d.account, conv, MessageId::new(), "respondo quando voltar")
            .await
            .unwrap(),
        "queued, not sent"
    );
    assert!(d.fleet.sandbox_sent(d.number).unwrap().is_empty());
    let queued = messages(&d)
        .await
        .into_iter()
        .find(|m| m.body == "respondo quando voltar")
        .unwrap();
    assert_eq!(queued.status, MessageStatus::Pending);
    d.fleet.start(d.account, d.number).await.unwrap();
    until_message(&mut d, queued.id, MessageStatus::Sent).await;
    let texts: Vec<String> = d
        .fleet
        .sandbox_sent(d.number)
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(texts, ["respondo quando voltar"]);
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_sending_but_before_recording_does_not_send_twice() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    write(&d, "+5511987654321", "oi").await;
    until_new_message(&mut d).await;
    let conv = chats(&d, 1).await[0].id;
    d.fleet.stop(d.account, d.number).await.unwrap();

    // The state a crash leaves: the row claimed ("sending"), the message already
    // at WhatsApp under the id derived from the row, nothing recorded.
    let queued = outbox::enqueue_text(&d.store, d.account, conv, "só uma vez")
        .await
        .unwrap();
    let job = outbox::claim_next(&d.store, d.account, d.number)
        .await
        .unwrap()
        .unwrap();
    let chat = chat_id(&job.phone);
    let id = outgoing_message_id(&chat, queued.id.as_uuid());
    let sandbox = SandboxServer::open(&d.data.join("sandbox").join(d.number.to_string())).unwrap();
    let record = serde_json::json!({"id": id, "chat": chat, "kind": "text", "text": "só uma vez", "filename": null, "at": 1});
    assert_eq!(
        sandbox
            .handle(
                "POST",
                "https://web.whatsapp.com/__fake/sent",
                record.to_string().as_bytes()
            )
            .status,
        200
    );

    d.fleet.start(d.account, d.number).await.unwrap();
    let mine = until_message(&mut d, queued.id, MessageStatus::Sent).await;
    assert_eq!(mine.wa_message_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        d.fleet.sandbox_sent(d.number).unwrap().len(),
        1,
        "WhatsApp got it once"
    );
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_that_were_running_start_again_with_the_app_without_a_qr() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    d.fleet.shutdown().await;
    // "The app starts again": a new fleet on the same store.
    let (fleet, events) = fleet(&d.store, &d.data);
    d.fleet = fleet;
    d.events = events;
    assert_eq!(d.fleet.resume().await.unwrap(), 1);
    let mut saw_qr = false;
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let FleetEvent::Number { status, .. } = d.events.recv().await.unwrap() {
                saw_qr |= matches!(status, Status::AwaitingQr { .. });
                if matches!(status, Status::Connected { .. }) {
                    return;
                }
            }
        }
    })
    .await
    .expect("connected again");
    assert!(!saw_qr);
    d.fleet.remove(d.account, d.number).await.unwrap();
    assert!(!d.data.join("profiles").join(d.number.to_string()).exists());
    assert!(
        instances::list(&d.store, d.account)
            .await
            .unwrap()
            .is_empty()
    );
    d.fleet.shutdown().await;
}

impl Desk {
    async fn fleet_pid(&self) -> u32 {
        // The only Chromium of this test whose profile is this number's.
        let needle = format!(
            "--user-data-dir={}",
            self.data
                .join("profiles")
                .join(self.number.to_string())
                .display()
        );
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let args = String::from_utf8_lossy(&cmdline);
            if args.split('\0').any(|a| a == needle) && !args.contains("--type=") {
                return entry.file_name().to_str().unwrap().parse().unwrap();
            }
        }
        panic!("no browser for {needle}");
    }
}

/// The one conversation of a desk, after a contact wrote.
async fn only_conversation(d: &mut Desk) -> zapdesk_core::ConversationId {
    write(d, "+5511987654321", "oi").await;
    until_new_message(d).await;
    chats(d, 1).await[0].id
}

/// How long the fake WhatsApp's "server" takes to take each send.
async fn send_latency(d: &Desk, ms: u64) {
    d.fleet
        .sandbox(
            d.account,
            d.number,
            SandboxAction::Script(format!("window.__fake.setSendLatency({ms})")),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_slower_than_the_answer_time_goes_once_and_the_rest_follows() {
    let _one = common::serial();
    // WhatsApp takes 3 s per send; ZapDesk waits 1 s for an answer.
    let mut d = desk_answering_within(Duration::from_secs(1)).await;
    pair(&mut d).await;
    let conv = only_conversation(&mut d).await;
    send_latency(&d, 3000).await;
    d.fleet
        .reply(d.account, conv, MessageId::new(), "primeira")
        .await
        .unwrap();
    d.fleet
        .reply(d.account, conv, MessageId::new(), "segunda")
        .await
        .unwrap();
    let queued: Vec<_> = messages(&d)
        .await
        .into_iter()
        .filter(|m| m.body == "primeira" || m.body == "segunda")
        .map(|m| m.id)
        .collect();
    assert_eq!(queued.len(), 2);
    for id in &queued {
        until_message(&mut d, *id, MessageStatus::Sent).await;
    }
    // Fast again: the number is not jammed.
    send_latency(&d, 0).await;
    d.fleet
        .reply(d.account, conv, MessageId::new(), "terceira")
        .await
        .unwrap();
    let third = messages(&d)
        .await
        .into_iter()
        .find(|m| m.body == "terceira")
        .unwrap()
        .id;
    until_message(&mut d, third, MessageStatus::Sent).await;

    let mut texts: Vec<String> = d
        .fleet
        .sandbox_sent(d.number)
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect();
    texts.sort();
    assert_eq!(texts, ["primeira", "segunda", "terceira"], "each once");
    // WhatsApp reported each back as a message of ours: still one row each.
    let bodies: Vec<String> = messages(&d).await.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies.len(), 4, "oi and the three replies: {bodies:?}");
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synced_row_pointing_outside_its_media_folder_is_never_sent() {
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    let conv = only_conversation(&mut d).await;
    d.fleet.stop(d.account, d.number).await.unwrap();
    // An operator of the account (on another desktop) writes a pending
    // document whose file is this desktop's database, then a profile's
    // file, then one of another account's folder.
    let other = zapdesk_core::AccountId::new();
    let targets = [
        d.data
            .join(zapdesk_core::store::DB_FILE)
            .display()
            .to_string(),
        format!("media/{}/../../{}", d.account, zapdesk_core::store::DB_FILE),
        format!("media/{other}/out-1.pdf"),
    ];
    std::fs::create_dir_all(d.data.join("media").join(other.to_string())).unwrap();
    std::fs::write(
        d.data
            .join("media")
            .join(other.to_string())
            .join("out-1.pdf"),
        b"%PDF",
    )
    .unwrap();
    let file = zapdesk_core::inbox::attachments::Attachment {
        name: "relatorio.pdf".into(),
        mime: "application/pdf".into(),
        bytes: b"%PDF-1.4".to_vec(),
        kind: zapdesk_core::domain::MessageKind::Document,
    };
    let mut queued = Vec::new();
    for target in &targets {
        let m = outbox::enqueue_file(&d.store, d.account, conv, &file, "")
            .await
            .unwrap();
        sqlx::query("UPDATE messages SET media_path = ? WHERE account_id = ? AND id = ?")
            .bind(target)
            .bind(d.account)
            .bind(m.id)
            .execute(d.store.pool_for_sync())
            .await
            .unwrap();
        queued.push(m.id);
    }
    // And a genuine file behind them, which does go.
    let fine = outbox::enqueue_file(&d.store, d.account, conv, &file, "")
        .await
        .unwrap();
    d.fleet.start(d.account, d.number).await.unwrap();
    for id in &queued {
        let m = until_message(&mut d, *id, MessageStatus::Failed).await;
        assert!(
            m.error.as_deref().unwrap_or_default().contains("refused"),
            "{:?}",
            m.error
        );
    }
    until_message(&mut d, fine.id, MessageStatus::Sent).await;
    assert_eq!(
        d.fleet.sandbox_sent(d.number).unwrap().len(),
        1,
        "only the genuine file"
    );
    d.fleet.shutdown().await;
}

/// Waits, change by change, until the fake WhatsApp received `n` sends.
async fn until_sent(d: &mut Desk, n: usize) -> Vec<zapdesk_whatsapp::sandbox::Sent> {
    tokio::time::timeout(common::WAIT, async {
        loop {
            let sent = d.fleet.sandbox_sent(d.number).unwrap();
            if sent.len() >= n {
                return sent;
            }
            d.events.recv().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("fewer than {n} sends"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_whatsapp_knows_by_an_old_id_or_a_lid_are_one_contact_each() {
    use zapdesk_whatsapp::sandbox_directory::Listing;
    let _one = common::serial();
    let mut d = desk().await;
    // Kátia's account predates the ninth digit; Rui hides his number behind
    // a LID; Zé's number has no WhatsApp.
    for listing in [
        Listing {
            phone: "+5511987654321".into(),
            wid: Some("551187654321@c.us".into()),
            ..Default::default()
        },
        Listing {
            phone: "+5521912345678".into(),
            lid: Some("208715302051234@lid".into()),
            ..Default::default()
        },
        Listing {
            phone: "+5531999990000".into(),
            absent: true,
            ..Default::default()
        },
    ] {
        d.fleet.sandbox_list(d.number, listing).unwrap();
    }
    // The operator typed Kátia with the ninth digit, as people write it now.
    let katia = zapdesk_core::contacts::create(
        &d.store,
        d.account,
        &zapdesk_core::contacts::ContactInput {
            phone: "(11) 98765-4321".into(),
            name: Some("Kátia".into()),
        },
    )
    .await
    .unwrap();
    pair(&mut d).await;
    write(&d, "+5511987654321", "Oi, sou a Kátia").await;
    until_new_message(&mut d).await;
    write(&d, "+5521912345678", "Rui aqui").await;
    until_new_message(&mut d).await;

    let list = chats(&d, 10).await;
    let mut phones: Vec<&str> = list.iter().map(|c| c.contact_phone.as_str()).collect();
    phones.sort_unstable();
    assert_eq!(phones, ["+5511987654321", "+5521912345678"]);
    assert!(
        list.iter().any(|c| c.contact_id == katia.id),
        "Kátia's old id is the contact typed with the 9"
    );

    // Replies go to the ids WhatsApp knows them by.
    for c in &list {
        d.fleet
            .reply(d.account, c.id, MessageId::new(), "Olá!")
            .await
            .unwrap();
    }
    let mut to: Vec<String> = until_sent(&mut d, 2)
        .await
        .into_iter()
        .map(|s| s.chat)
        .collect();
    to.sort_unstable();
    assert_eq!(to, ["551187654321@c.us", "5521912345678@c.us"]);

    // A number without WhatsApp fails with that reason, and the queue goes on.
    let ze = zapdesk_core::contacts::create(
        &d.store,
        d.account,
        &zapdesk_core::contacts::ContactInput {
            phone: "+55 31 99999-0000".into(),
            name: Some("Zé".into()),
        },
    )
    .await
    .unwrap();
    let to_ze = conversations::open(&d.store, d.account, d.number, ze.id)
        .await
        .unwrap();
    let lost = MessageId::new();
    d.fleet
        .reply(d.account, to_ze, lost, "Oi Zé")
        .await
        .unwrap();
    let kept = MessageId::new();
    d.fleet
        .reply(d.account, list[0].id, kept, "Mais uma")
        .await
        .unwrap();
    let failed = until_message(&mut d, lost, MessageStatus::Failed).await;
    assert_eq!(failed.error.as_deref(), Some("not_on_whatsapp"));
    until_message(&mut d, kept, MessageStatus::Sent).await;
    assert_eq!(d.fleet.sandbox_sent(d.number).unwrap().len(), 3);

    // While ZapDesk is down both write again: the catch-up finds their
    // chats (the LID one by the phone behind it) and stores each once.
    d.fleet.stop(d.account, d.number).await.unwrap();
    let before = messages(&d).await.len();
    write(&d, "+5511987654321", "Kátia de novo").await;
    write(&d, "+5521912345678", "Rui de novo").await;
    d.fleet.start(d.account, d.number).await.unwrap();
    until_stored(&mut d, before + 2).await;
    until_nothing_waits(&d).await;
    let list = chats(&d, 10).await;
    assert_eq!(list.len(), 3, "Kátia, Rui and Zé: no new contact");
    for (phone, body) in [
        ("+5511987654321", "Kátia de novo"),
        ("+5521912345678", "Rui de novo"),
    ] {
        assert!(
            list.iter()
                .any(|c| c.contact_phone == phone && c.last_body.as_deref() == Some(body)),
            "{body} in {phone}'s conversation: {list:?}"
        );
    }
    d.fleet.shutdown().await;
}

/// The bot's messages wait for their typing pauses (`send_after`), and the
/// number's sender wakes itself when each pause ends: nothing else happens
/// after the bot's turn, and both messages still go, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bots_typing_pause_ends_on_its_own_and_its_messages_go_in_order() {
    use zapdesk_core::automation::run::{self, Handled};
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    // A keyword that starts a two-message flow, as the flows screen leaves them.
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        d.data.join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    let (flow, version) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let document = serde_json::json!({
        "schema": 1, "start": "a",
        "nodes": [
            {"id": "a", "position": {"x": 0.0, "y": 0.0}, "type": "send",
             "content": {"kind": "text", "text": "Um instante…"}, "typing_ms": 1500},
            {"id": "b", "position": {"x": 0.0, "y": 0.0}, "type": "send",
             "content": {"kind": "text", "text": "Pronto!"}, "typing_ms": 1000}
        ],
        "edges": [{"id": "e", "from": "a", "handle": "next", "to": "b"}]
    })
    .to_string();
    sqlx::query(
        "INSERT INTO flows (id, account_id, name, draft, created_at, updated_at) VALUES (?, ?, 'F', ?, 0, 0)",
    )
    .bind(flow)
    .bind(d.account)
    .bind(&document)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO flow_versions (id, account_id, flow_id, number, document, published_at) VALUES (?, ?, ?, 1, ?, 0)",
    )
    .bind(version)
    .bind(d.account)
    .bind(flow)
    .bind(&document)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query("UPDATE flows SET published_version_id = ? WHERE id = ?")
        .bind(version)
        .bind(flow)
        .execute(&raw)
        .await
        .unwrap();
    let actions = serde_json::json!({
        "reply": null, "add_tags": [], "remove_tags": [], "set_field": null,
        "start_flow": flow.to_string(), "handoff": null
    });
    sqlx::query(
        "INSERT INTO keywords (id, account_id, name, match_kind, words, actions, created_at, updated_at)
         VALUES (?, ?, 'Oi', 'exact', '[\"oi\"]', ?, 0, 0)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(d.account)
    .bind(actions.to_string())
    .execute(&raw)
    .await
    .unwrap();

    write(&d, "+5511987654321", "oi").await;
    until_new_message(&mut d).await;
    // The runner's part: the queued message, then a kick of the number.
    let now = zapdesk_core::time::now_ms();
    let items = run::next_queued(&d.store, &|_| true, 0, now, 10)
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    let Handled::Done(done) = run::handle_queued(&d.store, &items[0], &|_| true, now)
        .await
        .unwrap()
    else {
        panic!("kept");
    };
    assert_eq!(done.kick, [d.number]);
    // Both still typing: nothing to claim yet.
    assert!(
        outbox::next_send_after(&d.store, d.account, d.number, now)
            .await
            .unwrap()
            .is_some()
    );
    d.fleet.kick_number(d.number);
    let sent = until_sent(&mut d, 2).await;
    let texts: Vec<&str> = sent.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["Um instante…", "Pronto!"]);
    d.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voice_note_goes_once_to_whatsapp_as_ogg_opus_push_to_talk() {
    use zapdesk_core::domain::MessageKind;
    use zapdesk_core::inbox::{attachments::Attachment, voice};
    let _one = common::serial();
    let mut d = desk().await;
    pair(&mut d).await;
    let conv = only_conversation(&mut d).await;
    // What Chromium's MediaRecorder recorded (WebM/Opus), made a voice note.
    let recorded = include_bytes!("../../../core/tests/fixtures/voice/chromium-mediarecorder.webm");
    let note = voice::recording_from_bytes("audio/webm;codecs=opus", recorded).unwrap();
    let id = MessageId::new();
    // Asked twice (a double click): queued and sent once.
    for _ in 0..2 {
        d.fleet
            .send_file(d.account, conv, id, &note, "")
            .await
            .unwrap();
    }
    let m = until_message(&mut d, id, MessageStatus::Sent).await;
    assert_eq!(m.kind, MessageKind::Audio);
    assert_eq!(m.media_mime.as_deref(), Some(voice::VOICE_MIME));
    // An audio file is still sent as one, not as a voice note.
    let song = Attachment {
        name: "jingle.mp3".into(),
        mime: "audio/mpeg".into(),
        bytes: b"ID3\x04\0\0\0\0\0\0".to_vec(),
        kind: MessageKind::Audio,
    };
    let file = outbox::enqueue_file(&d.store, d.account, conv, &song, "")
        .await
        .unwrap();
    d.fleet.kick_conversation(d.account, conv).await;
    until_message(&mut d, file.id, MessageStatus::Sent).await;
    let sent = until_sent(&mut d, 2).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    let (voice_sent, song_sent) = (&sent[0], &sent[1]);
    assert_eq!(voice_sent.kind, "audio");
    assert!(voice_sent.ptt, "sent with isPtt");
    assert_eq!(voice_sent.mime.as_deref(), Some("audio/ogg;codecs=opus"));
    assert_eq!(voice_sent.head.as_deref(), Some("OggS"));
    assert_eq!(song_sent.kind, "audio");
    assert!(!song_sent.ptt, "an audio file is not a voice note");
    assert_eq!(song_sent.mime.as_deref(), Some("audio/mpeg"));
    d.fleet.shutdown().await;
}
