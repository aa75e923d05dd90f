//! Two desktops share a Sandbox number through the agency's server (the
//! real PostgreSQL), each running the whole app (fleet, flow runner, sync)
//! on its own data folder. Desktop A runs the number; a contact starts a
//! menu flow there and the session, waiting for the answer, reaches B.
//! A stops the number (its lease goes back), B takes it over, and the
//! contact answers the menu: B continues the flow from the menu's branch,
//! and A, whose runner still runs, sends nothing more.
//!
//! Each desktop's Sandbox is its own fake WhatsApp (its data folder's), so
//! what each one sent is counted apart.

use std::time::Duration;

use crate::support::{self, Recorder};

use zapdesk_app::{App, Scope};
use zapdesk_core::automation::flow;
use zapdesk_core::automation::flows;
use zapdesk_core::automation::keywords::{self, Actions, KeywordInput};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::automation::sessions::{self, Waiting};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::conversations::{self, ListFilter};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, ConversationId, InstanceId, Lang, Store};
use zapdesk_sync::testing::desktop::{Desktop, first_desktop, other_desktop};
use zapdesk_sync::testing::{ScratchDatabase, use_memory_keyring};
use zapdesk_sync::{ConnectionSettings, Password, SyncRunner};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::fleet::FleetConfig;
use zapdesk_whatsapp::sandbox::{Incoming, SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

const MARIA: &str = "+5511987654321";
const MENU: &str = "Escolha:\n\n1 - Pedidos\n2 - Horários";

/// Saves `desk`'s connection to the scratch server, as Settings does.
async fn save_connection(db: &ScratchDatabase, desk: &Desktop) {
    let saving = SyncRunner::new(desk.store.clone(), std::sync::Arc::new(|_| {}));
    saving
        .connect(
            ConnectionSettings::new("127.0.0.1", 5432, &db.name, &desk.role),
            &Password::new("senha-de-teste-123"),
            Lang::PtBr,
        )
        .await
        .unwrap();
    saving.shutdown().await;
}

/// The desktop's own fake WhatsApp for `number`, already linked.
fn linked_sandbox(desk: &Desktop, number: InstanceId) -> SandboxServer {
    let sandbox =
        SandboxServer::open(&desk.dir.path().join("sandbox").join(number.to_string())).unwrap();
    sandbox
        .set_state(&SandboxState {
            paired: true,
            autopilot: false,
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    sandbox
}

/// The app on the desktop's folder, asking for leases often so a takeover
/// is quick.
async fn open(desk: &Desktop, told: &Recorder) -> App {
    let config = FleetConfig {
        chromium: support::chromium(),
        lease_every: Duration::from_millis(300),
        ..FleetConfig::new(desk.dir.path().to_path_buf())
    };
    App::open_with(config, told.host()).await.unwrap()
}

/// Texts the fake WhatsApp received, in order.
fn sent(sandbox: &SandboxServer) -> Vec<String> {
    sandbox
        .sent()
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect()
}

/// Waits, pull by pull, until `check` holds on the app's store.
async fn after_pulls<T>(app: &App, what: &str, check: impl AsyncFn(&Store) -> Option<T>) -> T {
    let mut pulled = app.sync().pulled();
    tokio::time::timeout(support::WAIT, async {
        loop {
            if let Some(found) = check(app.store()).await {
                return found;
            }
            pulled.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("never saw {what}"))
}

/// The menu flow, started by the keyword `menu`, made on `store`.
async fn menu_flow(store: &Store, acc: AccountId) {
    let doc = serde_json::json!({
        "schema": 1, "start": "hi",
        "nodes": [
            {"id": "hi", "position": {"x": 0, "y": 0}, "type": "send",
             "content": {"kind": "text", "text": "Oi {{primeiro_nome}}!"}, "typing_ms": 0},
            {"id": "menu", "position": {"x": 0, "y": 0}, "type": "menu", "question": "Escolha:",
             "options": [{"id": "a", "label": "Pedidos", "synonyms": []},
                         {"id": "b", "label": "Horários", "synonyms": []}],
             "retry": "Responda com o número.", "tries": 2},
            {"id": "orders", "position": {"x": 0, "y": 0}, "type": "send",
             "content": {"kind": "text", "text": "Seu pedido está a caminho."}, "typing_ms": 0},
            {"id": "hours", "position": {"x": 0, "y": 0}, "type": "send",
             "content": {"kind": "text", "text": "Abrimos às 8h."}, "typing_ms": 0},
            {"id": "end", "position": {"x": 0, "y": 0}, "type": "end"}
        ],
        "edges": [
            {"id": "e1", "from": "hi", "handle": "next", "to": "menu"},
            {"id": "e2", "from": "menu", "handle": "option:a", "to": "orders"},
            {"id": "e3", "from": "menu", "handle": "option:b", "to": "hours"},
            {"id": "e4", "from": "menu", "handle": "other", "to": "end"},
            {"id": "e5", "from": "orders", "handle": "next", "to": "end"},
            {"id": "e6", "from": "hours", "handle": "next", "to": "end"}
        ]
    });
    let made = flows::create(
        store,
        acc,
        "Atendimento",
        Some(flow::parse(&doc.to_string()).unwrap()),
    )
    .await
    .unwrap();
    flows::publish(store, acc, made.id, made.revision)
        .await
        .unwrap();
    keywords::create(
        store,
        acc,
        &KeywordInput {
            name: "Menu".into(),
            match_kind: MatchKind::Exact,
            words: vec!["menu".into()],
            numbers: Vec::new(),
            priority: 0,
            enabled: true,
            cooldown_minutes: 0,
            actions: Actions {
                start_flow: Some(made.id),
                ..Actions::default()
            },
        },
    )
    .await
    .unwrap();
}

fn maria(text: &str) -> SandboxAction {
    SandboxAction::Incoming(Incoming {
        from: MARIA.into(),
        name: Some("Maria".into()),
        body: text.into(),
        ..Default::default()
    })
}

async fn only_conversation(store: &Store, acc: AccountId) -> Option<ConversationId> {
    conversations::list(
        store,
        acc,
        &ListFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .first()
    .map(|c| c.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_waiting_for_a_reply_continues_on_the_desktop_that_takes_the_number_over() {
    let _one = support::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();

    // A's number (marked to run), the flow and its keyword; all on the server.
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
    instances::set_autostart(&a.store, acc, number, true)
        .await
        .unwrap();
    menu_flow(&a.store, acc).await;
    a.push().await;
    b.pull().await;
    // B means to run the number too: it waits for the lease.
    instances::set_autostart(&b.store, acc, number, true)
        .await
        .unwrap();
    let fake_a = linked_sandbox(&a, number);
    let fake_b = linked_sandbox(&b, number);
    save_connection(&db, &a).await;
    save_connection(&db, &b).await;

    let told_a = Recorder::new();
    let app_a = open(&a, &told_a).await;
    let started = app_a.start(Scope::All).await.unwrap();
    assert!(started.sync.is_ok(), "{:?}", started.sync);
    told_a
        .until_status(number, "A connected", |s| {
            matches!(s, Status::Connected { .. })
        })
        .await;
    let told_b = Recorder::new();
    let app_b = open(&b, &told_b).await;
    let started = app_b.start(Scope::All).await.unwrap();
    assert!(started.sync.is_ok(), "{:?}", started.sync);
    assert_eq!(started.numbers, 0, "A holds the number");

    // Maria starts the menu on A.
    app_a
        .fleet()
        .sandbox(acc, number, maria("menu"))
        .await
        .unwrap();
    told_a
        .until("the menu at A's fake", |_| {
            sent(&fake_a) == ["Oi Maria!", MENU]
        })
        .await;
    // B has the session waiting for the answer, and the menu as sent.
    let conv = after_pulls(&app_b, "the session on B", async |s: &Store| {
        let conv = only_conversation(s, acc).await?;
        let session = sessions::active_session(s, acc, conv).await.ok()??;
        let thread = conversations::thread(s, acc, conv, None, 10).await.ok()?;
        let menu_sent = thread
            .iter()
            .any(|m| m.body == MENU && m.wa_message_id.is_some());
        (matches!(session.waiting, Waiting::Reply { .. }) && session.node == "menu" && menu_sent)
            .then_some(conv)
    })
    .await;
    assert!(app_b.fleet().running(acc).is_empty());

    // A lets the number go (its app, and its flow runner, go on running);
    // B takes it over.
    app_a.fleet().stop(acc, number).await.unwrap();
    told_b
        .until_status(number, "B connected", |s| {
            matches!(s, Status::Connected { .. })
        })
        .await;

    // Maria answers the menu: B goes on from the menu's branch.
    app_b
        .fleet()
        .sandbox(acc, number, maria("2"))
        .await
        .unwrap();
    told_b
        .until("the answer at B's fake", |_| {
            sent(&fake_b) == ["Abrimos às 8h."]
        })
        .await;
    let session = sessions::latest(app_b.store(), acc, conv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        session.ended,
        Some(zapdesk_core::automation::engine::EndReason::Done)
    );
    assert_eq!(
        session.vars.get("menu").map(String::as_str),
        Some("Horários")
    );
    // A sent nothing after the menu; its store learns how the session ended.
    after_pulls(&app_a, "the session's end on A", async |s: &Store| {
        let latest = sessions::latest(s, acc, conv).await.ok()??;
        latest.ended.is_some().then_some(())
    })
    .await;
    assert_eq!(sent(&fake_a), ["Oi Maria!", MENU]);
    assert_eq!(sent(&fake_b), ["Abrimos às 8h."]);

    app_b.shutdown().await;
    app_a.shutdown().await;
}
