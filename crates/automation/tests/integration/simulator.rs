//! The simulator on a real store: a flow played in a throwaway store of its
//! own, a message at a time (`write`), time moved on only when asked
//! (`advance`), the path, variables, fields and tags as the panel shows
//! them; the canvas's unsaved document played as it is, or refused with
//! every problem; nothing written to the real store; the folder removed on
//! close.

use serde_json::json;
use zapdesk_automation::Caller;
use zapdesk_automation::simulator::{
    SimError, SimEvent, SimOptions, SimSource, SimState, Simulation,
};
use zapdesk_core::automation::engine::EndReason;
use zapdesk_core::automation::{AutomationError, flow, flows};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::ids::FlowId;
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::bot::{Bot, MENU, bot, coupon_after_an_hour, doc, end, http, menu_doc, node, send};

fn v1() -> SimSource {
    SimSource::Version { number: 1 }
}

async fn open(b: &Bot, flow: FlowId, source: SimSource, skip_calls: bool) -> Simulation {
    Simulation::open(
        &b.store,
        b.acc,
        flow,
        &source,
        SimOptions::new(skip_calls, Caller::new()),
    )
    .await
    .unwrap_or_else(|e| panic!("not opened: {}", e.message(Lang::En)))
}

fn bot_lines(events: &[SimEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            SimEvent::Bot { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Rows of the real store's table.
async fn rows(b: &Bot, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&b.raw)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_menu_is_played_a_message_at_a_time_in_a_store_of_its_own() {
    let b = bot().await;
    let flow = b.publish("Atendimento", menu_doc()).await;
    let mut sim = open(&b, flow, v1(), false).await;

    let view = sim.view().await.unwrap();
    assert_eq!(view.id, sim.id());
    assert_eq!(bot_lines(&view.events), ["Oi Maria!", MENU]);
    assert_eq!(view.path, ["hi", "menu"]);
    assert_eq!(view.node.as_deref(), Some("menu"));
    assert_eq!(view.state, SimState::WaitingReply { timeout_at: None });

    sim.write("2").await.unwrap();
    let view = sim.view().await.unwrap();
    assert_eq!(
        bot_lines(&view.events),
        ["Oi Maria!", MENU, "Abrimos às 8h."]
    );
    assert_eq!(
        view.events[3],
        SimEvent::Contact { text: "2".into() },
        "the contact's message between the menu and the answer"
    );
    assert_eq!(view.path, ["hi", "menu", "menu", "hours", "end"]);
    assert_eq!(
        view.state,
        SimState::Ended {
            reason: EndReason::Done
        }
    );
    assert_eq!(view.vars.get("menu").map(String::as_str), Some("Horários"));

    // Advancing an ended session moves nothing.
    assert!(!sim.advance().await.unwrap());
    assert_eq!(sim.view().await.unwrap().events.len(), view.events.len());

    // The real store saw nothing of it.
    assert_eq!(rows(&b, "flow_sessions").await, 0);
    assert_eq!(rows(&b, "contacts").await, 0);
    assert_eq!(rows(&b, "messages").await, 0);
    sim.close().await;
}

#[tokio::test]
async fn a_delay_waits_until_advance_moves_the_clock_to_its_end() {
    let b = bot().await;
    let flow = b.publish("Lembrete", coupon_after_an_hour()).await;
    let mut sim = open(&b, flow, v1(), false).await;
    let view = sim.view().await.unwrap();
    assert_eq!(bot_lines(&view.events), ["Já volto com o cupom."]);
    let SimState::WaitingTimer { at } = view.state else {
        panic!("waiting on the delay: {:?}", view.state);
    };
    assert_eq!(view.node.as_deref(), Some("wait"));
    assert!(at - view.clock >= 59 * 60_000, "an hour from the clock");

    assert!(sim.advance().await.unwrap());
    let after = sim.view().await.unwrap();
    assert_eq!(after.clock, at, "the clock is at the delay's end");
    assert_eq!(
        bot_lines(&after.events),
        ["Já volto com o cupom.", "Seu cupom: BEMVINDO10"]
    );
    // The clock also moved with real time meanwhile: a little under an hour.
    assert!(
        after.events.iter().any(|e| matches!(
            e,
            SimEvent::Waited { ms, reply: false } if (59 * 60_000..=60 * 60_000).contains(ms)
        )),
        "{:?}",
        after.events
    );
    assert_eq!(after.path, ["a", "wait", "wait", "b", "end"]);
    sim.close().await;
}

#[tokio::test]
async fn an_answer_saved_in_a_field_and_a_questions_time_limit() {
    let b = bot().await;
    fields::create(
        &b.store,
        b.acc,
        &FieldInput {
            label: "Email".into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        },
    )
    .await
    .unwrap();
    let ask = |id: &str, minutes: Option<u32>| {
        node(
            id,
            json!({"type": "ask", "question": "Qual seu e-mail?", "answer": "email",
                   "field": "email", "retry": "Não parece um e-mail.", "tries": 2,
                   "timeout_minutes": minutes}),
        )
    };
    let flow = b
        .publish(
            "Cadastro",
            doc(
                "email",
                vec![
                    ask("email", Some(30)),
                    send("ok", "Obrigado!"),
                    send("later", "Fica para depois."),
                ],
                vec![
                    ("email", "next", "ok"),
                    ("email", "failed", "later"),
                    ("email", "timeout", "later"),
                ],
            ),
        )
        .await;

    let mut sim = open(&b, flow, v1(), false).await;
    sim.write("ana@exemplo.com.br").await.unwrap();
    let view = sim.view().await.unwrap();
    assert_eq!(
        view.fields.get("email").map(String::as_str),
        Some("ana@exemplo.com.br")
    );
    assert_eq!(
        view.vars.get("email").map(String::as_str),
        Some("ana@exemplo.com.br")
    );
    assert_eq!(bot_lines(&view.events), ["Qual seu e-mail?", "Obrigado!"]);
    sim.close().await;

    // Nobody answers: advance goes to the time limit.
    let mut sim = open(&b, flow, v1(), false).await;
    let view = sim.view().await.unwrap();
    let SimState::WaitingReply {
        timeout_at: Some(limit),
    } = view.state
    else {
        panic!("a time limit: {:?}", view.state);
    };
    assert!(sim.advance().await.unwrap());
    let view = sim.view().await.unwrap();
    assert_eq!(view.clock, limit);
    assert_eq!(
        bot_lines(&view.events),
        ["Qual seu e-mail?", "Fica para depois."]
    );
    assert!(view.fields.is_empty());
    sim.close().await;
}

#[tokio::test]
async fn an_http_node_is_skipped_when_asked() {
    let b = bot().await;
    let flow = b
        .publish(
            "Pedido",
            doc(
                "lookup",
                vec![
                    http("lookup", "https://example.com/pedidos", 2000, &[]),
                    send("ok", "Achei seu pedido."),
                    send("error", "Não consegui consultar agora."),
                ],
                vec![("lookup", "next", "ok"), ("lookup", "error", "error")],
            ),
        )
        .await;
    let sim = open(&b, flow, v1(), true).await;
    let view = sim.view().await.unwrap();
    assert_eq!(bot_lines(&view.events), ["Não consegui consultar agora."]);
    assert!(
        view.events
            .iter()
            .any(|e| matches!(e, SimEvent::Call { detail } if detail.contains("failed: skipped"))),
        "{:?}",
        view.events
    );
    assert_eq!(view.path, ["lookup", "lookup", "error"]);
    sim.close().await;
}

#[tokio::test]
async fn the_canvas_document_is_played_unsaved_or_refused_with_every_problem() {
    let b = bot().await;
    let flow = b.publish("Atendimento", menu_doc()).await;

    // Not saved anywhere: a new greeting.
    let changed = menu_doc()
        .to_string()
        .replace("Oi {{primeiro_nome}}!", "Olá de novo!");
    let document = flow::parse(&changed).unwrap();
    let sim = open(&b, flow, SimSource::Document { document }, false).await;
    assert_eq!(
        bot_lines(&sim.view().await.unwrap().events),
        ["Olá de novo!", MENU]
    );
    sim.close().await;
    let stored = flows::get(&b.store, b.acc, flow).await.unwrap();
    assert_ne!(
        serde_json::to_value(&stored.draft).unwrap()["nodes"][0]["content"]["text"],
        "Olá de novo!",
        "the draft is not saved by a simulation"
    );

    // Two links to nowhere: both named.
    let broken = menu_doc()
        .to_string()
        .replace(r#""to":"orders""#, r#""to":"sumiu""#)
        .replace(r#""to":"hours""#, r#""to":"foi""#);
    let document = flow::parse(&broken).unwrap();
    let refused = Simulation::open(
        &b.store,
        b.acc,
        flow,
        &SimSource::Document { document },
        SimOptions::new(false, Caller::new()),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(refused.code(), ErrorCode::FlowInvalid);
    let text = refused.message(Lang::PtBr);
    assert!(
        text.contains("e1") && text.contains("e2"),
        "both links named: {text}"
    );
    assert!(
        matches!(&refused, SimError::Automation(AutomationError::FlowProblems(all)) if all.len() >= 2),
        "{refused:?}"
    );

    let missing = Simulation::open(
        &b.store,
        b.acc,
        flow,
        &SimSource::Version { number: 7 },
        SimOptions::new(false, Caller::new()),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(missing.code(), ErrorCode::FlowUnknown);
}

/// The app's picker names a version by id: the older of two versions is
/// played as it was published, and another flow's version is refused.
#[tokio::test]
async fn a_version_picked_by_id_is_played_as_published() {
    let b = bot().await;
    let greeting = |text: &str| {
        doc(
            "a",
            vec![send("a", text), end("end")],
            vec![("a", "next", "end")],
        )
    };
    let flow = b.publish("Saudação", greeting("Versão um")).await;
    let made = flows::get(&b.store, b.acc, flow).await.unwrap();
    let second = flow::parse(&greeting("Versão dois").to_string()).unwrap();
    let saved = flows::save_draft(&b.store, b.acc, flow, made.revision, second, Lang::PtBr)
        .await
        .unwrap();
    flows::publish(&b.store, b.acc, flow, saved.revision)
        .await
        .unwrap();
    let versions = flows::versions(&b.store, b.acc, flow).await.unwrap();
    let first = versions.iter().find(|v| v.number == 1).unwrap().id;
    let sim = open(&b, flow, SimSource::VersionId { id: first }, false).await;
    let said: Vec<String> = sim
        .view()
        .await
        .unwrap()
        .events
        .into_iter()
        .filter_map(|e| match e {
            SimEvent::Bot { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(said, ["Versão um"]);
    sim.close().await;

    let other = b.publish("Outro", greeting("Oi")).await;
    let refused = Simulation::open(
        &b.store,
        b.acc,
        other,
        &SimSource::VersionId { id: first },
        SimOptions::new(false, Caller::new()),
    )
    .await
    .err()
    .unwrap();
    assert!(
        matches!(
            refused,
            SimError::Automation(AutomationError::VersionUnknown)
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn closing_or_dropping_a_simulation_removes_its_folder() {
    let b = bot().await;
    let flow = b.publish("Atendimento", menu_doc()).await;
    let parent = tempfile::tempdir().unwrap();
    let options = || SimOptions {
        folder_in: Some(parent.path().join("simulations")),
        ..SimOptions::new(false, Caller::new())
    };
    let sim = Simulation::open(&b.store, b.acc, flow, &v1(), options())
        .await
        .unwrap();
    let folder = sim.folder().to_path_buf();
    assert!(folder.starts_with(parent.path().join("simulations")));
    assert!(folder.join(zapdesk_core::store::DB_FILE).exists());
    sim.close().await;
    assert!(!folder.exists(), "removed on close");

    let sim = Simulation::open(&b.store, b.acc, flow, &v1(), options())
        .await
        .unwrap();
    let folder = sim.folder().to_path_buf();
    assert!(folder.exists());
    drop(sim);
    assert!(!folder.exists(), "removed when dropped");
}
