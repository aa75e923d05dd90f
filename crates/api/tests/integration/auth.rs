//! Who may ask what: no token, a wrong one, a revoked one (401); a token of
//! another account (404, the same body as an id that does not exist); the
//! scopes (403); the language of the messages; the last-used time.

use reqwest::{Method, StatusCode};
use serde_json::json;
use zapdesk_core::AccountId;
use zapdesk_core::api_tokens::{self, Scope};

use crate::support::{self, ALL, code};

#[tokio::test]
async fn without_a_valid_token_every_route_answers_401() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let good = api.token(Some(acc), ALL).await;
    let revoked = api.token(Some(acc), ALL).await;
    let id = api_tokens::list(api.store()).await.unwrap()[0].id;
    api_tokens::revoke(api.store(), id).await.unwrap();
    // The last one made is listed first: that is `revoked`.
    let (s, _) = api.get("/api/accounts", &revoked).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let last = if good.ends_with('0') { "1" } else { "0" };
    let wrong = format!("{}{last}", &good[..good.len() - 1]);
    let routes = [
        (Method::GET, "/api/accounts".to_owned()),
        (Method::GET, format!("/api/accounts/{acc}/contacts")),
        (Method::POST, format!("/api/accounts/{acc}/send")),
        (Method::GET, "/api/instances".to_owned()),
        (Method::GET, "/evolution/instance/fetchInstances".to_owned()),
    ];
    for (method, path) in &routes {
        for token in [
            None,
            Some("zdk_nope"),
            Some(wrong.as_str()),
            Some(revoked.as_str()),
        ] {
            let (status, body) = api.call(method.clone(), path, token, Some(json!({}))).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} {token:?}"
            );
            assert_eq!(code(&body), "api_unauthorized");
            assert!(
                body["message"]
                    .as_str()
                    .unwrap()
                    .contains("Configurações → API")
            );
        }
    }
    // A token in another scheme is no token.
    let response = api
        .http
        .get(format!("{}/api/accounts", api.base))
        .header("Authorization", format!("Basic {good}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // And the good one works.
    let (s, body) = api.get("/api/accounts", &good).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_accounts_data_is_not_found_as_an_unknown_id_is() {
    let api = support::start().await;
    let mine = api.account("Padaria").await;
    let theirs = api.account("Farmácia").await;
    let token = api.token(Some(mine), ALL).await;

    let (s1, other) = api
        .get(&format!("/api/accounts/{theirs}/contacts"), &token)
        .await;
    let (s2, unknown) = api
        .get(
            &format!("/api/accounts/{}/contacts", AccountId::new()),
            &token,
        )
        .await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(other, unknown, "nothing tells them apart");
    assert_eq!(code(&other), "api_not_found");
    // Writes too, and the list shows only its own account.
    let (s, _) = api
        .post(
            &format!("/api/accounts/{theirs}/send"),
            &token,
            json!({"phone": "+5511987654321", "text": "Oi"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, listed) = api.get("/api/accounts", &token).await;
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mine.to_string()]);

    // An agency token (an owner's) sees both; an unknown account is still 404.
    support::owner(api.store()).await;
    let agency = api.token(None, &[Scope::Read]).await;
    let (_, listed) = api.get("/api/accounts", &agency).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let (s, _) = api
        .get(&format!("/api/accounts/{theirs}/contacts"), &agency)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = api
        .get(&format!("/api/accounts/{}", AccountId::new()), &agency)
        .await;
    assert_eq!((s, code(&body)), (StatusCode::NOT_FOUND, "api_not_found"));
}

#[tokio::test]
async fn each_scope_opens_its_operations_only() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let read = api.token(Some(acc), &[Scope::Read]).await;
    let send = api.token(Some(acc), &[Scope::Send]).await;
    let manage = api.token(Some(acc), &[Scope::Manage]).await;
    let contacts = format!("/api/accounts/{acc}/contacts");
    let upsert = json!({"phone": "11987654321", "name": "Ana"});
    let message = json!({"phone": "11987654321", "text": "Oi"});
    let send_path = format!("/api/accounts/{acc}/send");

    let cases = [
        (&read, Method::GET, &contacts, None, StatusCode::OK),
        (&send, Method::GET, &contacts, None, StatusCode::FORBIDDEN),
        (&manage, Method::GET, &contacts, None, StatusCode::FORBIDDEN),
        (
            &read,
            Method::POST,
            &contacts,
            Some(upsert.clone()),
            StatusCode::FORBIDDEN,
        ),
        (
            &send,
            Method::POST,
            &contacts,
            Some(upsert.clone()),
            StatusCode::FORBIDDEN,
        ),
        (
            &manage,
            Method::POST,
            &contacts,
            Some(upsert.clone()),
            StatusCode::CREATED,
        ),
        (
            &read,
            Method::POST,
            &send_path,
            Some(message.clone()),
            StatusCode::FORBIDDEN,
        ),
        (
            &manage,
            Method::POST,
            &send_path,
            Some(message.clone()),
            StatusCode::FORBIDDEN,
        ),
        (
            &send,
            Method::POST,
            &send_path,
            Some(message.clone()),
            StatusCode::ACCEPTED,
        ),
    ];
    for (token, method, path, body, expected) in cases {
        let (status, answer) = api.call(method.clone(), path, Some(token), body).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        if status == StatusCode::FORBIDDEN {
            assert_eq!(code(&answer), "api_forbidden");
        }
    }
}

#[tokio::test]
async fn messages_follow_accept_language_and_the_last_use_is_recorded() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), &[Scope::Read]).await;
    let ask = |lang: Option<&'static str>| {
        let mut request = api
            .http
            .get(format!("{}/api/accounts/{acc}/chats?after=nope", api.base));
        request = request.bearer_auth(&token);
        if let Some(lang) = lang {
            request = request.header("Accept-Language", lang);
        }
        async move { support::read(request.send().await.unwrap()).await }
    };
    let (s, pt) = ask(None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        pt["message"]
            .as_str()
            .unwrap()
            .starts_with("Requisição inválida"),
        "{pt}"
    );
    let (_, en) = ask(Some("en-US,en;q=0.9")).await;
    assert!(
        en["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid request"),
        "{en}"
    );
    let (_, still_pt) = ask(Some("pt-BR,en;q=0.5")).await;
    assert_eq!(still_pt["message"], pt["message"]);
    assert_eq!(pt["code"], en["code"]);

    let used = api_tokens::list(api.store()).await.unwrap()[0].last_used_at;
    assert!(used.is_some_and(|at| at > 0), "{used:?}");
}
