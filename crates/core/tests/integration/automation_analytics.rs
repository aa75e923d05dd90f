//! A flow's analytics from its session rows, on a real store with sessions
//! driven the way the runner drives them (`ingest`, `run::handle_queued`,
//! `run::handle_due`, "Parar o bot"): the flow's totals, what became of the
//! sessions at each node (`entered = went_on + waiting + completed +
//! handed_off + dropped`), the branches taken, a question's time limit, a
//! `go to flow`, the period; an ended session's stored state keeps the node
//! it ended on and every node and branch it ran.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use zapdesk_core::automation::flows::{self, FlowAnalytics, NodeStats};
use zapdesk_core::automation::{AutomationError, run, sessions};
use zapdesk_core::ids::FlowId;
use zapdesk_core::time::now_ms;
use zapdesk_core::{ConversationId, ErrorCode, UserError};

use crate::support::automation::{Bot, actions, bot, doc, end, go_to, handoff, menu, node, send};

const MINUTE: i64 = 60_000;

/// A menu: orders (then the end), a name question with a 30-minute time
/// limit (thanks or goodbye, then the end), a person.
fn service() -> Value {
    doc(
        "hi",
        vec![
            send("hi", "Oi!", 0),
            menu(
                "menu",
                "Escolha:",
                &["Pedidos", "Cadastro", "Falar com alguém"],
            ),
            send("orders", "Seu pedido está a caminho.", 0),
            node(
                "nome",
                json!({"type": "ask", "question": "Seu nome?", "answer": "text", "field": null,
                       "retry": "De novo?", "tries": 2, "timeout_minutes": 30}),
            ),
            send("tchau", "Fica para depois.", 0),
            handoff("pessoa", "Pediu uma pessoa"),
            end("fim"),
        ],
        vec![
            ("hi", "next", "menu"),
            ("menu", "option:a", "orders"),
            ("menu", "option:b", "nome"),
            ("menu", "option:c", "pessoa"),
            ("menu", "other", "fim"),
            ("orders", "next", "fim"),
            ("nome", "next", "fim"),
            ("nome", "failed", "fim"),
            ("nome", "timeout", "tchau"),
            ("tchau", "next", "fim"),
        ],
    )
}

/// The contact `n`'s phone.
fn phone(n: u32) -> String {
    format!("+55119876500{n:02}")
}

/// Contact `n` writes each of `texts`, each handled at once.
async fn says(b: &Bot, n: u32, texts: &[&str]) -> ConversationId {
    let mut conv = None;
    for text in texts {
        conv = Some(b.write(&phone(n), text).await.conversation);
        b.handle().await;
    }
    conv.unwrap()
}

/// Steps every session due at `now`, as the runner's timer does.
async fn due_at(b: &Bot, now: i64) {
    for item in run::due(&b.store, &|_| true, now, 50).await.unwrap() {
        run::handle_due(&b.store, item.account, item.session, item.wake_at, now)
            .await
            .unwrap();
    }
}

fn by_node(a: &FlowAnalytics) -> BTreeMap<&str, &NodeStats> {
    a.nodes.iter().map(|n| (n.node.as_str(), n)).collect()
}

fn edges(a: &FlowAnalytics) -> Vec<(&str, &str, u32)> {
    a.edges
        .iter()
        .map(|e| (e.from.as_str(), e.handle.as_str(), e.taken))
        .collect()
}

/// (entered, went_on, waiting, completed, handed_off, dropped, timed_out)
fn counts(n: &NodeStats) -> (u32, u32, u32, u32, u32, u32, u32) {
    (
        n.entered,
        n.went_on,
        n.waiting,
        n.completed,
        n.handed_off,
        n.dropped,
        n.timed_out,
    )
}

fn holds_the_invariants(a: &FlowAnalytics) {
    assert_eq!(
        a.started,
        a.completed + a.handed_off + a.went_to + a.active + a.dropped,
        "{a:?}"
    );
    for n in &a.nodes {
        assert_eq!(
            n.entered,
            n.went_on + n.waiting + n.completed + n.handed_off + n.dropped,
            "{n:?}"
        );
    }
}

async fn analytics(b: &Bot, flow: FlowId) -> FlowAnalytics {
    flows::analytics(&b.store, b.acc, flow, 0, now_ms() + 24 * 60 * MINUTE)
        .await
        .unwrap()
}

#[tokio::test]
async fn what_became_of_each_flows_sessions_node_by_node() {
    let b = bot().await;
    let flow = b.publish("Atendimento", service(), json!([])).await;
    b.keyword(
        "Menu",
        "exact",
        &["menu"],
        actions(json!({"start_flow": flow})),
    )
    .await;
    let bridge = b
        .publish(
            "Ponte",
            doc(
                "ola",
                vec![
                    send("ola", "Vou te passar ao menu.", 0),
                    go_to("vai", &flow.to_string()),
                ],
                vec![("ola", "next", "vai")],
            ),
            json!([]),
        )
        .await;
    b.keyword(
        "Outro",
        "exact",
        &["outro"],
        actions(json!({"start_flow": bridge})),
    )
    .await;

    let done = says(&b, 1, &["menu", "1"]).await;
    says(&b, 2, &["menu", "3"]).await;
    says(&b, 3, &["menu"]).await;
    says(&b, 4, &["menu", "2"]).await;
    says(&b, 5, &["menu", "2"]).await;
    says(&b, 6, &["menu", "SAIR"]).await;
    let stopped = says(&b, 7, &["menu"]).await;
    assert!(sessions::stop(&b.store, b.acc, stopped).await.unwrap());
    says(&b, 8, &["outro"]).await;
    // Contacts 4 and 5 never answer the question: its time limit passes.
    due_at(&b, now_ms() + 31 * MINUTE).await;

    let a = analytics(&b, flow).await;
    holds_the_invariants(&a);
    assert_eq!(
        (
            a.started,
            a.completed,
            a.handed_off,
            a.went_to,
            a.active,
            a.dropped
        ),
        (8, 3, 1, 0, 2, 2),
        "{a:?}"
    );
    let nodes = by_node(&a);
    // (entered, went_on, waiting, completed, handed_off, dropped, timed_out)
    assert_eq!(counts(nodes["hi"]), (8, 8, 0, 0, 0, 0, 0));
    assert_eq!(counts(nodes["menu"]), (8, 4, 2, 0, 0, 2, 0));
    assert_eq!(counts(nodes["orders"]), (1, 1, 0, 0, 0, 0, 0));
    assert_eq!(counts(nodes["nome"]), (2, 2, 0, 0, 0, 0, 2));
    assert_eq!(counts(nodes["tchau"]), (2, 2, 0, 0, 0, 0, 0));
    assert_eq!(counts(nodes["pessoa"]), (1, 0, 0, 0, 1, 0, 0));
    assert_eq!(counts(nodes["fim"]), (3, 0, 0, 3, 0, 0, 0));
    assert_eq!(
        edges(&a),
        [
            ("hi", "next", 8),
            ("menu", "option:a", 1),
            ("menu", "option:b", 2),
            ("menu", "option:c", 1),
            ("nome", "timeout", 2),
            ("orders", "next", 1),
            ("tchau", "next", 2),
        ]
    );
    // Contact 8 came from the other flow and waits at the menu, as
    // contact 3 does.
    let a_bridge = analytics(&b, bridge).await;
    holds_the_invariants(&a_bridge);
    assert_eq!((a_bridge.started, a_bridge.went_to), (1, 1));
    assert_eq!(counts(by_node(&a_bridge)["vai"]), (1, 1, 0, 0, 0, 0, 0));

    // An ended session keeps where it ended and what it ran.
    let state: String = sqlx::query_scalar(
        "SELECT state FROM flow_sessions WHERE account_id = ? AND conversation_id = ?",
    )
    .bind(b.acc)
    .bind(done)
    .fetch_one(&b.raw)
    .await
    .unwrap();
    let state: Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["node"], "fim");
    assert_eq!(state["entered"], json!(["fim", "hi", "menu", "orders"]));
    assert_eq!(
        state["branches"],
        json!([["hi", "next"], ["menu", "option:a"], ["orders", "next"]])
    );
    assert_eq!(state["vars"]["menu"], "Pedidos");

    // The period: sessions started from a minute on are none of these.
    let later = flows::analytics(&b.store, b.acc, flow, now_ms() + MINUTE, i64::MAX)
        .await
        .unwrap();
    assert_eq!(later, FlowAnalytics::default());
    let unknown = flows::analytics(&b.store, b.acc, FlowId::new(), 0, i64::MAX)
        .await
        .unwrap_err();
    assert!(matches!(unknown, AutomationError::FlowUnknown));
    assert_eq!(unknown.code(), ErrorCode::FlowUnknown);
}

/// 10 000 ended sessions: one query and a count in Rust.
#[tokio::test]
async fn analytics_of_ten_thousand_sessions() {
    let b = bot().await;
    let flow = b.publish("Atendimento", service(), json!([])).await;
    b.keyword(
        "Menu",
        "exact",
        &["menu"],
        actions(json!({"start_flow": flow})),
    )
    .await;
    says(&b, 1, &["menu", "1"]).await;
    // Copies of the one session, as sync would bring them.
    let started = std::time::Instant::now();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
         INSERT INTO flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status,
                                    ended_reason, started_by, started_at, updated_at, ended_at)
         SELECT randomblob(16), s.account_id, s.conversation_id, s.flow_id, s.version_id,
                s.state, 'ended', s.ended_reason, s.started_by, s.started_at, s.updated_at, s.ended_at
         FROM flow_sessions s, n",
    )
    .execute(&b.raw)
    .await
    .unwrap();
    let inserted = started.elapsed();
    let started = std::time::Instant::now();
    let a = analytics(&b, flow).await;
    let took = started.elapsed();
    holds_the_invariants(&a);
    assert_eq!((a.started, a.completed), (10_000, 10_000));
    assert_eq!(counts(by_node(&a)["menu"]), (10_000, 10_000, 0, 0, 0, 0, 0));
    eprintln!("analytics of 10 000 sessions: {took:?} (inserted in {inserted:?})");
}
