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
