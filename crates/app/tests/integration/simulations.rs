//! The simulator panel's simulations as the app keeps them: by id, a few at
//! once (the oldest closed when one more opens), their folders in the data
//! folder removed on close, at shutdown, and (what a crash left) at the
//! next open; a closed id refused as `simulation_unknown`.

use std::path::{Path, PathBuf};

use zapdesk_app::{App, Host, SIMULATIONS_DIR, SIMULATIONS_OPEN, SimEvent, SimSource, SimState};
use zapdesk_core::automation::{flow, flows};
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

use crate::support;

/// A published one-question flow.
async fn flow(app: &App, acc: AccountId) -> zapdesk_core::ids::FlowId {
    let doc = flow::parse(
        r#"{"schema":1,"start":"q","nodes":[
            {"id":"q","position":{"x":0,"y":0},"type":"ask","question":"Seu nome?","answer":"text",
             "field":null,"retry":"De novo?","tries":2,"timeout_minutes":null},
            {"id":"ok","position":{"x":0,"y":0},"type":"send","typing_ms":0,
             "content":{"kind":"text","text":"Prazer, {{ultima_resposta}}!"}}],
          "edges":[{"id":"e1","from":"q","handle":"next","to":"ok"},
                   {"id":"e2","from":"q","handle":"failed","to":"ok"}]}"#,
    )
    .unwrap();
    let made = flows::create(app.store(), acc, "Nome", Some(doc))
        .await
        .unwrap();
    flows::publish(app.store(), acc, made.id, made.revision)
        .await
        .unwrap();
    made.id
}

fn folders(data: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(data.join(SIMULATIONS_DIR)) {
        Ok(list) => list.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn simulations_are_kept_by_id_a_few_at_once_and_their_folders_removed() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    let acc = support::account(app.store()).await;
    let flow = flow(&app, acc).await;
    let v1 = SimSource::Version { number: 1 };

    let first = app.flows_simulate_open(acc, flow, &v1, true).await.unwrap();
    assert_eq!(first.state, SimState::WaitingReply { timeout_at: None });
    let view = app.flows_simulate_write(&first.id, "Ana").await.unwrap();
    assert!(
        view.events.contains(&SimEvent::Bot {
            text: "Prazer, Ana!".into(),
            file: None
        }),
        "{:?}",
        view.events
    );
    assert_eq!(folders(dir.path()).len(), 1);

    // Four more: the first is closed, its folder gone.
    let mut ids = vec![first.id.clone()];
    for _ in 0..SIMULATIONS_OPEN {
        ids.push(
            app.flows_simulate_open(acc, flow, &v1, true)
                .await
                .unwrap()
                .id,
        );
    }
    assert_eq!(app.flows_simulations_open(), ids[1..]);
    assert_eq!(folders(dir.path()).len(), SIMULATIONS_OPEN);
    let gone = app
        .flows_simulate_write(&first.id, "Bia")
        .await
        .unwrap_err();
    assert_eq!(gone.code(), ErrorCode::SimulationUnknown);
    assert!(gone.message(Lang::PtBr).contains("simulação"));
    assert_eq!(
        app.flows_simulate_advance(&first.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::SimulationUnknown
    );

    app.flows_simulate_close(&ids[1]).await.unwrap();
    assert_eq!(folders(dir.path()).len(), SIMULATIONS_OPEN - 1);
    assert_eq!(
        app.flows_simulate_close(&ids[1]).await.unwrap_err().code(),
        ErrorCode::SimulationUnknown
    );

    app.shutdown().await;
    assert!(folders(dir.path()).is_empty(), "closed at shutdown");
}

#[tokio::test]
async fn a_folder_a_crash_left_is_removed_when_the_app_opens() {
    let dir = tempfile::tempdir().unwrap();
    let left = dir.path().join(SIMULATIONS_DIR).join("zapdesk-sim-old");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("zapdesk.sqlite3"), b"").unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    assert!(!left.exists());
    app.shutdown().await;
}
