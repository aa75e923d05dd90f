//! A Sandbox number in real Chromium, driven through the API: started, its
//! QR as JSON and as a PNG, paired, a text through the Evolution dialect
//! reaching the fake WhatsApp once, stopped.

use reqwest::StatusCode;
use serde_json::json;
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::sandbox::{SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

use crate::support::{self, ALL, code, fixture, same_shape};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_is_started_paired_used_and_stopped_through_the_api() {
    let _one = support::serial();
    let dir = tempfile::tempdir().unwrap();
    let (app, mut moved) = support::open_app_watching(dir.path()).await;
    let acc = support::account(app.store(), "Padaria").await;
    let number = instances::create(
        app.store(),
        acc,
        &NumberInput {
            name: "vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    // The fake WhatsApp keeps one QR for the whole test.
    SandboxServer::open(&dir.path().join("sandbox").join(number.to_string()))
        .unwrap()
        .set_state(&SandboxState {
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    let api = support::serve(dir, app, support::config()).await;
    let token = api.token(Some(acc), ALL).await;
    let base = format!("/api/instances/{number}");

    let (s, listed) = api.get("/api/instances", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(listed[0]["status"]["state"], "stopped");
    let (s, none) = api.get(&format!("{base}/qr"), &token).await;
    assert_eq!((s, code(&none)), (StatusCode::NOT_FOUND, "api_not_found"));

    let (s, started) = api
        .post(&format!("{base}/start"), &token, json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{started}");
    let fleet = api.app.fleet().clone();
    support::until(&mut moved, "a QR", || {
        matches!(fleet.status(number), Status::AwaitingQr { .. })
    })
    .await;
    let (_, status) = api.get(&format!("{base}/status"), &token).await;
    assert_eq!(status["state"], "awaiting_qr");
    assert_eq!(status["qr_pending"], true);
    let (s, qr) = api.get(&format!("{base}/qr"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        qr["png"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    assert!(!qr["code"].as_str().unwrap().is_empty());
    let png = api
        .http
        .get(format!("{}{base}/qr", api.base))
        .bearer_auth(&token)
        .header("Accept", "image/png")
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));

    // Evolution's connect while the QR waits: its qrCode shape.
    let evolution = |path: String| {
        let request = api
            .http
            .get(format!("{}/evolution{path}", api.base))
            .header("apikey", &token);
        async move { support::read(request.send().await.unwrap()).await }
    };
    let (_, connect) = evolution("/instance/connect/vendas".into()).await;
    same_shape(&fixture("connect")["response"], &connect, &[], "connect");
    assert_eq!(connect["count"], 1);
    assert_eq!(connect["code"], qr["code"]);
    let (_, state) = evolution("/instance/connectionState/vendas".into()).await;
    assert_eq!(state["instance"]["state"], "connecting");

    // The phone scans: connected.
    api.app
        .fleet()
        .sandbox(acc, number, SandboxAction::Scan)
        .await
        .unwrap();
    support::until(&mut moved, "connected", || fleet.connected(number)).await;
    let (_, status) = api.get(&format!("{base}/status"), &token).await;
    assert_eq!(status["state"], "connected");
    let (_, connect) = evolution("/instance/connect/vendas".into()).await;
    same_shape(
        &fixture("connect")["connected_response"],
        &connect,
        &[],
        "connect (open)",
    );
    let (_, listed) = evolution("/instance/fetchInstances".into()).await;
    assert_eq!(listed[0]["connectionStatus"], "open");

    // A text through Evolution's call: WhatsApp (the fake) gets it once.
    let response = api
        .http
        .post(format!("{}/evolution/message/sendText/vendas", api.base))
        .header("apikey", &token)
        .json(&json!({"number": "5511987654321", "text": "Chegou seu pedido!"}))
        .send()
        .await
        .unwrap();
    let (s, sent) = support::read(response).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    support::until(&mut moved, "the text on WhatsApp", || {
        fleet
            .sandbox_sent(number)
            .unwrap()
            .iter()
            .any(|m| m.text == "Chegou seu pedido!")
    })
    .await;
    assert_eq!(
        fleet
            .sandbox_sent(number)
            .unwrap()
            .iter()
            .filter(|m| m.text == "Chegou seu pedido!")
            .count(),
        1
    );

    let (s, stopped) = api.post(&format!("{base}/stop"), &token, json!(null)).await;
    assert_eq!(
        (s, stopped["state"].clone()),
        (StatusCode::OK, json!("stopped"))
    );
    api.stop().await;
}
