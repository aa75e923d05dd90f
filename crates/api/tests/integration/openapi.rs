//! `docs/openapi.json` is the document the code generates: this fails when
//! they differ (a handler, a type or a route changed without the committed
//! document). `ZAPDESK_UPDATE_OPENAPI=1` rewrites it.

use std::path::Path;

use zapdesk_api::openapi;

#[test]
fn the_committed_document_is_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let generated = openapi::document_json();
    if std::env::var_os("ZAPDESK_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from what the code generates; run \
         `ZAPDESK_UPDATE_OPENAPI=1 cargo test -p zapdesk-api --test integration openapi` and commit it"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_every_route_and_error() {
    let doc: serde_json::Value = serde_json::from_str(&openapi::document_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/instances",
        "/api/instances/{instance}/status",
        "/api/instances/{instance}/qr",
        "/api/instances/{instance}/start",
        "/api/instances/{instance}/stop",
        "/api/accounts",
        "/api/accounts/{account}",
        "/api/accounts/{account}/contacts",
        "/api/accounts/{account}/campaigns",
        "/api/accounts/{account}/send",
        "/api/accounts/{account}/chats",
        "/api/accounts/{account}/chats/{chat}/messages",
        "/api/accounts/{account}/webhooks",
        "/evolution/instance/fetchInstances",
        "/evolution/instance/connectionState/{instance}",
        "/evolution/instance/connect/{instance}",
        "/evolution/message/sendText/{instance}",
        "/evolution/message/sendMedia/{instance}",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401", "403", "404", "429", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            assert!(op["security"].is_array(), "{method} {path} has no security");
        }
    }
}
