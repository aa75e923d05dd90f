//! The bot at agency scale (issue 15's goals):
//! 1. one engine step alone (goal p99 < 50 µs), beside reading the
//!    session's state from its JSON, which every turn does anyway (floor);
//! 2. a contact's message to its bot reply queued in the outbox — `ingest`,
//!    then the queue row handled in its transaction — with 10 000 active
//!    sessions in the store (goal p99 < 5 ms), beside `ingest` alone (floor);
//! 3. 1 000 contacts writing at once to one number's flow (each says the
//!    keyword, then answers the menu, all stored before the bot looks):
//!    messages handled per second, and that each contact got its answers in
//!    order.
//!
//! 4. publishing a 300-node flow — the draft checked (`flow_check`) and the
//!    version written (issue 16's goal < 100 ms) — beside writing the same
//!    document text in one plain transaction (floor).
//!
//! The flow is the pizzeria's menu of the engine's golden transcripts
//! (`tests/fixtures/flows/welcome_menu.json`), started by the keyword "oi".
//! Prints Markdown rows for docs/benchmarks.md. Run:
//! `cargo bench -p zapdesk-core --bench automation`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::automation::engine::{self, Budget, Contact, Context, Input, Session, Wait};
use zapdesk_core::automation::flow;
use zapdesk_core::automation::flows;
use zapdesk_core::automation::keywords::{self, Actions, KeywordInput};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::automation::run::{self, Handled};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::store::DB_FILE;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, InstanceId, Store};

const ACTIVE: usize = 10_000;
const MEASURED: usize = 500;
const AT_ONCE: usize = 1_000;
const STEPS: usize = 20_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn row(what: &str, mut times: Vec<Duration>, floor: Option<&[Duration]>) {
    times.sort();
    let p50 = percentile(&times, 0.5);
    let p99 = percentile(&times, 0.99);
    let ratio = floor.map_or(String::from("—"), |floor| {
        let mut floor = floor.to_vec();
        floor.sort();
        format!(
            "{:.1}× / {:.1}×",
            p50.as_secs_f64() / percentile(&floor, 0.5).as_secs_f64(),
            p99.as_secs_f64() / percentile(&floor, 0.99).as_secs_f64()
        )
    });
    println!(
        "| {what} | {:.1} µs | {:.1} µs | {ratio} |",
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
}

/// A second connection to the store's file, for the bench's own reads.
async fn raw(dir: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .connect()
        .await
        .unwrap()
}

fn phone(i: usize) -> String {
    format!("+55119{:08}", 10_000_000 + i)
}

fn message(i: usize, n: usize, text: &str) -> Inbound {
    Inbound {
        wa_id: format!(
            "false_{}@c.us_BENCH{n:010}",
            phone(i).trim_start_matches('+')
        ),
        phone: phone(i),
        push_name: Some(format!("Cliente {i}")),
        body: text.into(),
        sent_at: now_ms(),
        ..Inbound::default()
    }
}

/// The menu flow published, and the keyword "oi" that starts it.
async fn setup(store: &Store) -> (AccountId, InstanceId) {
    let account = accounts::create(
        store,
        &AccountInput {
            name: "Pizzaria".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let number = instances::create(
        store,
        account,
        &NumberInput {
            name: "Pedidos".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let mut doc = flow::parse(include_str!("../tests/fixtures/flows/welcome_menu.json")).unwrap();
    // The menu's "cardápio" is a file the bench's account does not have: its
    // caption alone, so the flow publishes.
    for node in &mut doc.nodes {
        if let flow::NodeKind::Send { content, .. } = &mut node.kind
            && let flow::Content::File { caption, .. } = content
        {
            *content = flow::Content::Text {
                text: caption.clone(),
            };
        }
    }
    let created = flows::create(store, account, "Menu", Some(doc))
        .await
        .unwrap();
    flows::publish(store, account, created.id, created.revision)
        .await
        .unwrap();
    keywords::create(
        store,
        account,
        &KeywordInput {
            name: "Oi".into(),
            match_kind: MatchKind::Contains,
            words: vec!["oi".into()],
            numbers: vec![],
            priority: 0,
            enabled: true,
            cooldown_minutes: 0,
            actions: Actions {
                start_flow: Some(created.id),
                ..Actions::default()
            },
        },
    )
    .await
    .unwrap();
    (account, number)
}

/// Handles every queued row, as the runner does; how many.
async fn drain(store: &Store) -> usize {
    let here = |_| true;
    let mut handled = 0;
    loop {
        let batch = run::next_queued(store, &here, 0, now_ms(), 256)
            .await
            .unwrap();
        if batch.is_empty() {
            return handled;
        }
        for item in &batch {
            match run::handle_queued(store, item, &here, now_ms())
                .await
                .unwrap()
            {
                Handled::Done(_) => handled += 1,
                Handled::Kept { .. } => panic!("kept {item:?}"),
            }
        }
    }
}

fn engine_step() {
    let doc = flow::parse(include_str!("../tests/fixtures/flows/welcome_menu.json")).unwrap();
    let tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let waiting = Session {
        node: "menu".into(),
        wait: Wait::Reply { timeout_at: None },
        tries: 0,
        vars: BTreeMap::new(),
        turn: 1,
        ..Session::starting("menu")
    };
    let state = serde_json::to_string(&waiting).unwrap();
    let contact = Contact {
        name: Some("João Silva".into()),
        phone: "+5511912345678".into(),
        ..Contact::default()
    };
    let mut steps = Vec::with_capacity(STEPS);
    let mut reads = Vec::with_capacity(STEPS);
    for i in 0..STEPS {
        let started = Instant::now();
        let session: Session = serde_json::from_str(&state).unwrap();
        reads.push(started.elapsed());
        let mut ctx = Context {
            now: 1_765_000_000_000,
            tz: &tz,
            hours: None,
            contact: contact.clone(),
            fields: &[],
            contact_seed: i as u64,
            seed: i as u64,
            budget: Budget::default(),
        };
        let reply = ["3", "financeiro", "quero pagar o boleto", "7"][i % 4];
        let started = Instant::now();
        let turn = engine::step(
            &doc,
            session,
            Input::Reply {
                text: reply,
                is_text: true,
            },
            &mut ctx,
        );
        steps.push(started.elapsed());
        assert!(!turn.path.is_empty());
    }
    println!("| what | p50 | p99 | ratio to the floor (p50 / p99) |");
    println!("|---|---|---|---|");
    row("read a session's state (JSON), floor", reads.clone(), None);
    row("one engine step (a menu reply)", steps, Some(&reads));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    engine_step();

    // 10 000 contacts in the menu, then 500 of them answer it.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (account, number) = setup(&store).await;
    let started = Instant::now();
    for i in 0..ACTIVE {
        ingest(&store, account, number, &message(i, 0, "oi"))
            .await
            .unwrap()
            .unwrap();
        if i % 500 == 499 {
            drain(&store).await;
        }
    }
    drain(&store).await;
    let active: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM flow_sessions WHERE account_id = ? AND status = 'active'",
    )
    .bind(account)
    .fetch_one(&mut raw(dir.path()).await)
    .await
    .unwrap();
    assert_eq!(active as usize, ACTIVE);
    eprintln!(
        "{ACTIVE} sessions waiting at the menu in {:.1?}",
        started.elapsed()
    );

    let here = |_| true;
    let mut ingests = Vec::with_capacity(MEASURED);
    let mut replies = Vec::with_capacity(MEASURED);
    for k in 0..MEASURED {
        let i = k * (ACTIVE / MEASURED);
        let t0 = Instant::now();
        ingest(&store, account, number, &message(i, 1, "3"))
            .await
            .unwrap()
            .unwrap();
        let t1 = Instant::now();
        let batch = run::next_queued(&store, &here, 0, now_ms(), 8)
            .await
            .unwrap();
        assert_eq!(batch.len(), 1);
        let done = run::handle_queued(&store, &batch[0], &here, now_ms())
            .await
            .unwrap();
        let t2 = Instant::now();
        assert!(
            matches!(done, Handled::Done(ref d) if d.kick == [number]),
            "{done:?}"
        );
        ingests.push(t1 - t0);
        replies.push(t2 - t0);
    }
    row(
        &format!("store a contact's message (ingest), floor; {ACTIVE} active sessions"),
        ingests.clone(),
        None,
    );
    row(
        &format!("a contact's message to its bot reply queued; {ACTIVE} active sessions"),
        replies,
        Some(&ingests),
    );

    // 1 000 contacts at once: each says "oi" and answers "3", all stored
    // before the bot looks.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (account, number) = setup(&store).await;
    for i in 0..AT_ONCE {
        ingest(&store, account, number, &message(i, 0, "oi"))
            .await
            .unwrap()
            .unwrap();
    }
    for i in 0..AT_ONCE {
        ingest(&store, account, number, &message(i, 1, "3"))
            .await
            .unwrap()
            .unwrap();
    }
    let started = Instant::now();
    let handled = drain(&store).await;
    let took = started.elapsed();
    assert_eq!(handled, 2 * AT_ONCE);
    // Each contact: the greeting, the menu, then the answer to "3", in the
    // order the outbox sends them (its claim order).
    let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
        "SELECT conversation_id, bot_node FROM messages
         WHERE account_id = ? AND direction = 'outbound'
         ORDER BY conversation_id, COALESCE(send_after, created_at), created_at, id",
    )
    .bind(account)
    .fetch_all(&mut raw(dir.path()).await)
    .await
    .unwrap();
    let mut per: BTreeMap<Vec<u8>, Vec<String>> = BTreeMap::new();
    for (conversation, node) in rows {
        per.entry(conversation).or_default().push(node);
    }
    assert_eq!(per.len(), AT_ONCE);
    for nodes in per.values() {
        assert_eq!(nodes, &["ola", "menu", "financeiro"], "out of order");
    }
    println!();
    println!(
        "| {AT_ONCE} contacts writing at once (2 messages each) | handled | took | messages/s |"
    );
    println!("|---|---|---|---|");
    println!(
        "| one number's flow, queue drained as the runner does | {handled} | {:.2} s | {:.0} |",
        took.as_secs_f64(),
        handled as f64 / took.as_secs_f64()
    );
    println!("(every contact got the greeting, the menu and the answer, in order)");

    publish_big_flow().await;
}

/// A 300-node flow as a canvas makes one: a long conversation of messages
/// with a menu every ten blocks (every branch leads on), ending on `end`.
fn big_flow(nodes: usize) -> flow::FlowDocument {
    let id = |i: usize| format!("b{i}");
    let mut doc = flow::FlowDocument {
        schema: flow::SCHEMA,
        start: id(0),
        nodes: Vec::with_capacity(nodes),
        edges: Vec::new(),
    };
    let edge = |from: usize, handle: &str, to: usize, doc: &mut flow::FlowDocument| {
        let n = doc.edges.len();
        doc.edges.push(flow::Edge {
            id: format!("e{n}"),
            from: id(from),
            handle: handle.into(),
            to: id(to),
        });
    };
    for i in 0..nodes {
        let kind = if i == nodes - 1 {
            flow::NodeKind::End
        } else if i % 10 == 5 {
            flow::NodeKind::Menu {
                question: format!("Pergunta {i}, {{{{nome}}}}?"),
                options: ["a", "b"]
                    .iter()
                    .map(|o| flow::MenuOption {
                        id: (*o).into(),
                        label: format!("Opção {o}"),
                        synonyms: vec![],
                    })
                    .collect(),
                retry: "De novo?".into(),
                tries: 2,
            }
        } else {
            flow::NodeKind::Send {
                content: flow::Content::Text {
                    text: format!("{{Olá|Oi}}, mensagem {i}."),
                },
                typing_ms: 800,
            }
        };
        for handle in kind.handles() {
            edge(i, &handle, i + 1, &mut doc);
        }
        doc.nodes.push(flow::Node {
            id: id(i),
            position: flow::Position {
                x: (i % 20) as f64 * 280.0,
                y: (i / 20) as f64 * 160.0,
            },
            kind,
        });
    }
    doc
}

async fn publish_big_flow() {
    const NODES: usize = 300;
    const ROUNDS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let (account, _) = setup(&store).await;
    let doc = big_flow(NODES);
    let text = serde_json::to_string(&doc).unwrap();
    let made = flows::create(&store, account, "Longo", Some(doc.clone()))
        .await
        .unwrap();
    let pool = store.pool_for_sync();
    sqlx::query("CREATE TABLE bench_docs (doc TEXT NOT NULL)")
        .execute(pool)
        .await
        .unwrap();
    let mut revision = made.revision;
    let (mut publishes, mut floors) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // A new draft each round (a version is written only for a change).
        let mut changed = doc.clone();
        if let flow::NodeKind::Send { content, .. } = &mut changed.nodes[0].kind {
            *content = flow::Content::Text {
                text: format!("Versão {round}"),
            };
        }
        revision = flows::save_draft(
            &store,
            account,
            made.id,
            revision,
            changed,
            zapdesk_core::Lang::PtBr,
        )
        .await
        .unwrap()
        .revision;
        let started = Instant::now();
        let version = flows::publish(&store, account, made.id, revision)
            .await
            .unwrap();
        publishes.push(started.elapsed());
        assert_eq!(version.number, round as i64 + 1);
        let started = Instant::now();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO bench_docs (doc) VALUES (?)")
            .bind(&text)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        floors.push(started.elapsed());
    }
    println!();
    println!("| what | p50 | p99 | ratio to the floor (p50 / p99) |");
    println!("|---|---|---|---|");
    row(
        &format!(
            "write the {NODES}-node document in one transaction, floor ({} KiB)",
            text.len() / 1024
        ),
        floors.clone(),
        None,
    );
    row(
        &format!("publish a {NODES}-node flow (check + version)"),
        publishes,
        Some(&floors),
    );
}
