//! The server itself: loopback unless the local network is allowed, a port
//! in use reported in the person's words, moving to another port, the docs
//! page and document served, no CORS for browsers.

use reqwest::StatusCode;
use zapdesk_api::{ApiConfig, ServeError, openapi};
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::support;

#[tokio::test]
async fn it_listens_on_loopback_moves_ports_and_reports_one_in_use() {
    let api = support::start().await;
    let first = api.server.local_addr().unwrap();
    assert!(first.ip().is_loopback());

    // Another program holds a port: the server says so, and keeps nothing.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let e = api
        .server
        .restart(ApiConfig {
            port,
            ..support::config()
        })
        .await
        .unwrap_err();
    assert!(matches!(e, ServeError::PortInUse(p) if p == port));
    assert_eq!(e.code(), ErrorCode::ApiPortInvalid);
    assert!(e.message(Lang::PtBr).contains(&port.to_string()));
    let state = api.server.state();
    assert_eq!(state.listening, None);
    assert!(state.error.is_some());
    assert!(
        api.http
            .get(format!("{}/docs", api.base))
            .send()
            .await
            .is_err(),
        "the old port is closed"
    );

    // The local network: every interface.
    let lan = api
        .server
        .restart(ApiConfig {
            lan: true,
            ..support::config()
        })
        .await
        .unwrap();
    assert!(lan.ip().is_unspecified());
    let state = api.server.state();
    assert_eq!(
        state.docs_url(),
        Some(format!("http://127.0.0.1:{}/docs", lan.port()))
    );
    let response = api
        .http
        .get(format!("http://127.0.0.1:{}/docs", lan.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    api.server.stop().await;
    assert_eq!(api.server.local_addr(), None);
}

#[tokio::test]
async fn the_docs_and_the_document_are_served_and_browsers_get_no_cors() {
    let api = support::start().await;
    let page = api
        .http
        .get(format!("{}/docs", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("/openapi.json"));
    assert!(
        !html.contains("https://"),
        "nothing loaded from the internet"
    );
    let doc = api
        .http
        .get(format!("{}/openapi.json", api.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(doc, openapi::document_json());

    // A browser's preflight from another site: no CORS headers, so it is refused.
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), support::ALL).await;
    let preflight = api
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/accounts", api.base),
        )
        .header("Origin", "https://example.com")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let plain = api
        .http
        .get(format!("{}/api/accounts", api.base))
        .bearer_auth(&token)
        .header("Origin", "https://example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get("access-control-allow-origin").is_none());
}

#[test]
fn ports_a_person_may_choose() {
    assert_eq!(zapdesk_api::check_port(8787).unwrap(), 8787);
    assert_eq!(zapdesk_api::check_port(65535).unwrap(), 65535);
    for bad in [0, 80, 1023, 65536, 100_000] {
        let e = zapdesk_api::check_port(bad).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ApiPortInvalid);
        assert!(e.message(Lang::En).contains("1024"));
    }
    assert_eq!(zapdesk_api::DEFAULT_PORT, 8787);
}

#[tokio::test]
async fn settings_move_the_port_and_one_that_cannot_be_used_changes_nothing() {
    let api = support::start().await;
    let before = api.server.local_addr().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let state = api.server.apply(u32::from(port), false).await.unwrap();
    assert_eq!(state.listening.map(|a| a.port()), Some(port));
    assert_ne!(port, before.port());
    let saved = zapdesk_core::settings::ApiSettings { port, lan: false };
    assert_eq!(
        zapdesk_core::settings::api(api.store()).await.unwrap(),
        saved
    );

    // A privileged port, or one another program holds: refused, nothing
    // saved, still listening where it was.
    let e = api.server.apply(80, false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiPortInvalid);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let held = taken.local_addr().unwrap().port();
    let e = api.server.apply(u32::from(held), false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiPortInvalid);
    assert!(e.message(Lang::PtBr).contains(&held.to_string()));
    assert_eq!(
        zapdesk_core::settings::api(api.store()).await.unwrap(),
        saved
    );
    assert_eq!(api.server.local_addr().map(|a| a.port()), Some(port));
    api.stop().await;
}

#[tokio::test]
async fn only_the_owner_opens_the_api_to_the_local_network() {
    use zapdesk_core::domain::Role;
    use zapdesk_core::users::{self, UserInput};
    let api = support::start().await;
    let port = |l: std::net::TcpListener| l.local_addr().unwrap().port();
    let free = || port(std::net::TcpListener::bind("127.0.0.1:0").unwrap());

    // Nobody chosen at this desktop, then an operator: refused, nothing
    // saved, still on loopback.
    let before = zapdesk_core::settings::api(api.store()).await.unwrap();
    let e = api.server.apply(u32::from(free()), true).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiForbidden);
    let agent = users::create(
        api.store(),
        &UserInput {
            name: "Atendente".into(),
            email: "atendente@agencia.com".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    users::set_me(api.store(), agent.id).await.unwrap();
    let e = api.server.apply(u32::from(free()), true).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiForbidden);
    assert!(
        e.message(Lang::En).contains("owner"),
        "{}",
        e.message(Lang::En)
    );
    assert!(e.message(Lang::PtBr).contains("dono"));
    assert_eq!(
        zapdesk_core::settings::api(api.store()).await.unwrap(),
        before
    );
    assert!(api.server.local_addr().unwrap().ip().is_loopback());
    // The operator may still move the port on loopback.
    let moved = api.server.apply(u32::from(free()), false).await.unwrap();
    assert!(moved.listening.unwrap().ip().is_loopback());

    // The owner may open it; once open, others may change the port.
    support::owner(api.store()).await;
    let open = api.server.apply(u32::from(free()), true).await.unwrap();
    assert!(open.listening.unwrap().ip().is_unspecified());
    users::set_me(api.store(), agent.id).await.unwrap();
    let still = api.server.apply(u32::from(free()), true).await.unwrap();
    assert!(still.listening.unwrap().ip().is_unspecified());
    api.stop().await;
}

#[tokio::test]
async fn stopping_cuts_a_stuck_request_and_nothing_listens_again() {
    use std::sync::Arc;
    use std::time::Duration;
    use zapdesk_api::Hooks;
    use zapdesk_core::api_tokens::Scope;

    let (arrived_tx, arrived_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let config = ApiConfig {
        hooks: Hooks {
            // The send never finishes: a stuck request.
            before_send: Some(Arc::new(move || {
                let _ = arrived_tx.send(());
                Box::pin(std::future::pending::<()>())
            })),
            stop_grace: Some(Duration::from_millis(200)),
            ..Hooks::default()
        },
        ..support::config()
    };
    let api = support::start_with(config).await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), &[Scope::Send]).await;
    let addr = api.server.local_addr().unwrap();
    let stuck = {
        let request = api
            .http
            .post(format!("{}/api/accounts/{acc}/send", api.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"phone": "11987654321", "text": "Oi"}));
        tokio::spawn(async move { request.send().await })
    };
    let mut arrived_rx = arrived_rx;
    arrived_rx.recv().await.unwrap();

    // Stopping waits for the stuck request a moment, then cuts it (the
    // bound only keeps a regression from hanging the suite).
    tokio::time::timeout(Duration::from_secs(60), api.server.stop())
        .await
        .expect("stop() waited for the stuck request forever");
    assert_eq!(api.server.local_addr(), None);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    // Stopped for good: neither a restart nor Settings bring it back.
    let e = api.server.restart(support::config()).await.unwrap_err();
    assert!(matches!(e, ServeError::Stopped), "{e:?}");
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let e = api.server.apply(u32::from(port), false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiPortInvalid);
    assert_eq!(api.server.local_addr(), None);
    stuck.abort();
    api.app.shutdown().await;
}

#[tokio::test]
async fn a_server_for_one_account_serves_no_other() {
    use zapdesk_core::api_tokens::Scope;
    let padaria_dir = tempfile::tempdir().unwrap();
    let app = support::open_app(padaria_dir.path()).await;
    let padaria = support::account(app.store(), "Padaria").await;
    let farmacia = support::account(app.store(), "Farmácia").await;
    let config = ApiConfig {
        account: Some(padaria),
        ..support::config()
    };
    let api = support::serve(padaria_dir, app, config).await;
    support::owner(api.store()).await;
    let agency = api.token(None, &[Scope::Read]).await;
    let theirs = api.token(Some(farmacia), &[Scope::Read]).await;
    api.number(farmacia, "balcao").await;

    let (s, listed) = api.get("/api/accounts", &agency).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![padaria.to_string()]);
    let (s, _) = api.get(&format!("/api/accounts/{padaria}"), &agency).await;
    assert_eq!(s, StatusCode::OK);
    for token in [&agency, &theirs] {
        let (s, body) = api
            .get(&format!("/api/accounts/{farmacia}/contacts"), token)
            .await;
        assert_eq!(
            (s, support::code(&body)),
            (StatusCode::NOT_FOUND, "api_not_found")
        );
        let (s, body) = api.get("/api/instances", token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body, serde_json::json!([]));
    }
    api.stop().await;
}
