//! The Evolution API dialect without a running number: `apikey`, numbers by
//! name or id, sends queued with Evolution's request and answered with its
//! shapes (tests/fixtures/evolution), its error fields, what is refused.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zapdesk_core::api_tokens::Scope;

use crate::support::{self, ALL, code, fixture, same_shape};

async fn evolution(
    api: &support::Api,
    method: reqwest::Method,
    path: &str,
    apikey: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = api
        .http
        .request(method, format!("{}/evolution{path}", api.base))
        .header("apikey", apikey);
    if let Some(body) = body {
        request = request.json(&body);
    }
    support::read(request.send().await.unwrap()).await
}

#[tokio::test]
async fn evolution_calls_answer_in_evolution_shapes_on_a_stopped_number() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let number = api.number(acc, "vendas").await;
    let key = api.token(Some(acc), ALL).await;
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    let (s, listed) = evolution(&api, get.clone(), "/instance/fetchInstances", &key, None).await;
    assert_eq!(s, StatusCode::OK);
    let recorded = fixture("fetchInstances");
    let skip: Vec<&str> = recorded["unsupported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    same_shape(&recorded["response"], &listed, &skip, "fetchInstances");
    assert_eq!(listed[0]["name"], "vendas");
    assert_eq!(listed[0]["id"], number.to_string());
    assert_eq!(listed[0]["connectionStatus"], "close");
    assert_eq!(listed[0]["token"], Value::Null, "never the token");

    // By name and by id.
    for instance in ["vendas".to_owned(), number.to_string()] {
        let (s, state) = evolution(
            &api,
            get.clone(),
            &format!("/instance/connectionState/{instance}"),
            &key,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        same_shape(
            &fixture("connectionState")["response"],
            &state,
            &[],
            "connectionState",
        );
        assert_eq!(state["instance"]["state"], "close");
        assert_eq!(state["instance"]["instanceName"], "vendas");
    }

    // A text to a stopped number: queued, answered as Evolution does.
    let text = fixture("sendText");
    let (s, sent) = evolution(
        &api,
        post.clone(),
        "/message/sendText/vendas",
        &key,
        Some(text["request"].clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    same_shape(
        &text["response"],
        &sent,
        &["pushName", "contextInfo"],
        "sendText",
    );
    assert_eq!(sent["key"]["remoteJid"], "5511987654321@s.whatsapp.net");
    assert_eq!(
        sent["message"]["conversation"],
        "Seu pedido saiu para entrega."
    );
    assert_eq!(sent["status"], "PENDING");
    assert_eq!(sent["instanceId"], number.to_string());

    let media = fixture("sendMedia");
    let (s, sent) = evolution(
        &api,
        post.clone(),
        "/message/sendMedia/vendas",
        &key,
        Some(media["request"].clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    same_shape(
        &media["response"],
        &sent,
        &["pushName", "contextInfo"],
        "sendMedia",
    );
    assert_eq!(sent["messageType"], "documentMessage");
    assert_eq!(sent["message"]["documentMessage"]["fileName"], "boleto.pdf");

    // Evolution's `messageId` makes a retry send once.
    let once = json!({"number": "5511987654321", "text": "Uma vez só", "messageId": "n8n-run-1"});
    let (_, a) = evolution(
        &api,
        post.clone(),
        "/message/sendText/vendas",
        &key,
        Some(once.clone()),
    )
    .await;
    let (_, b) = evolution(
        &api,
        post.clone(),
        "/message/sendText/vendas",
        &key,
        Some(once),
    )
    .await;
    assert_eq!(a["key"]["id"], b["key"]["id"]);

    // Refused: a group, a URL instead of the file, an unknown instance; the
    // error carries Evolution's fields beside ZapDesk's.
    let (s, group) = evolution(
        &api,
        post.clone(),
        "/message/sendText/vendas",
        &key,
        Some(json!({"number": "120363025246125888@g.us", "text": "Oi"})),
    )
    .await;
    assert_eq!(
        (s, code(&group)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    assert_eq!(group["status"], 400);
    assert_eq!(group["error"], "Bad Request");
    assert_eq!(group["response"]["message"][0], group["message"]);
    let (s, url) = evolution(&api, post.clone(), "/message/sendMedia/vendas", &key,
        Some(json!({"number": "5511987654321", "mediatype": "image", "media": "https://example.com/a.jpg"}))).await;
    assert_eq!(
        (s, code(&url)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    let (s, unknown) = evolution(
        &api,
        get.clone(),
        "/instance/connectionState/suporte",
        &key,
        None,
    )
    .await;
    assert_eq!(
        (s, unknown["status"].clone()),
        (StatusCode::NOT_FOUND, json!(404))
    );

    // The key is a token like any other: wrong is 401, another account's
    // number is not found, a read-only key cannot send.
    let (s, _) = evolution(
        &api,
        get.clone(),
        "/instance/fetchInstances",
        "zdk_errado",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let other = api.account("Farmácia").await;
    api.number(other, "balcao").await;
    let (s, _) = evolution(
        &api,
        get.clone(),
        "/instance/connectionState/balcao",
        &key,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let reader = api.token(Some(acc), &[Scope::Read]).await;
    let (s, _) = evolution(
        &api,
        post,
        "/message/sendText/vendas",
        &reader,
        Some(json!({"number": "5511987654321", "text": "Oi"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_name_several_numbers_share_is_refused_and_the_id_asked_for() {
    let api = support::start().await;
    support::owner(api.store()).await;
    let padaria = api.account("Padaria").await;
    let farmacia = api.account("Farmácia").await;
    let theirs = api.number(padaria, "vendas").await;
    let ours = api.number(farmacia, "vendas").await;
    let agency = api.token(None, ALL).await;
    let get = reqwest::Method::GET;

    // Two accounts the agency token sees each have a "vendas": no guessing.
    let (s, refused) = evolution(
        &api,
        get.clone(),
        "/instance/connectionState/vendas",
        &agency,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["status"], 409);
    assert!(
        refused["message"].as_str().unwrap().contains("id"),
        "{refused}"
    );
    let (s, _) = evolution(
        &api,
        reqwest::Method::POST,
        "/message/sendText/vendas",
        &agency,
        Some(json!({"number": "5511987654321", "text": "Oi"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // By id each is found.
    for number in [theirs, ours] {
        let (s, state) = evolution(
            &api,
            get.clone(),
            &format!("/instance/connectionState/{number}"),
            &agency,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{state}");
    }
    // A token of one account sees one "vendas" only.
    let own = api.token(Some(farmacia), ALL).await;
    let (s, _) = evolution(
        &api,
        get.clone(),
        "/instance/connectionState/vendas",
        &own,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Twice within one account: refused too.
    api.number(farmacia, "vendas").await;
    let (s, refused) = evolution(&api, get, "/instance/connectionState/vendas", &own, None).await;
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::CONFLICT, "api_bad_request")
    );
    api.stop().await;
}

#[tokio::test]
async fn the_qr_and_connect_need_manage() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let number = api.number(acc, "vendas").await;
    let reader = api.token(Some(acc), &[Scope::Read, Scope::Send]).await;

    let (s, refused) = api
        .get(&format!("/api/instances/{number}/qr"), &reader)
        .await;
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::FORBIDDEN, "api_forbidden")
    );
    let (s, refused) = evolution(
        &api,
        reqwest::Method::GET,
        "/instance/connect/vendas",
        &reader,
        None,
    )
    .await;
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::FORBIDDEN, "api_forbidden")
    );
    // Its status stays readable.
    let (s, _) = api
        .get(&format!("/api/instances/{number}/status"), &reader)
        .await;
    assert_eq!(s, StatusCode::OK);
    // With manage: a stopped number has no QR now.
    let manager = api.token(Some(acc), &[Scope::Manage]).await;
    let (s, none) = api
        .get(&format!("/api/instances/{number}/qr"), &manager)
        .await;
    assert_eq!((s, code(&none)), (StatusCode::NOT_FOUND, "api_not_found"));
    api.stop().await;
}
