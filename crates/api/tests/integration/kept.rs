//! Pages, tokens and accounts kept while the store has not changed: every
//! change shows at the next request, whoever made it — this app, or another
//! connection to the file (another process) — and a revoked token is
//! refused at once though it was kept.

use reqwest::StatusCode;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_app::{SendContent, SendRequest, SendTo};
use zapdesk_core::MessageId;
use zapdesk_core::api_tokens;
use zapdesk_core::store::DB_FILE;

use crate::support::{self, ALL, code};

fn names(page: &serde_json::Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn a_kept_page_gives_way_to_every_change_wherever_it_is_made() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), ALL).await;
    let contacts = format!("/api/accounts/{acc}/contacts");
    let chats = format!("/api/accounts/{acc}/chats");

    let (s, page) = api.get(&contacts, &token).await;
    assert_eq!((s, page["total"].as_u64()), (StatusCode::OK, Some(0)));
    // The same page again is the same answer (kept or not, it must agree).
    assert_eq!(api.get(&contacts, &token).await.1, page);

    // A change through this app.
    let (s, _) = api
        .post(
            &contacts,
            &token,
            json!({"phone": "+5511987650001", "name": "Ana"}),
        )
        .await;
    assert!(s.is_success(), "{s}");
    let (_, page) = api.get(&contacts, &token).await;
    assert_eq!(
        (page["total"].as_u64(), names(&page)),
        (Some(1), vec!["Ana"])
    );

    // A change by another connection to the file: another process.
    let mut other = SqliteConnectOptions::new()
        .filename(api.dir.path().join(DB_FILE))
        .connect()
        .await
        .unwrap();
    sqlx::query("UPDATE contacts SET name = 'Ana Paula', name_folded = 'ana paula'")
        .execute(&mut other)
        .await
        .unwrap();
    other.close().await.unwrap();
    let (_, page) = api.get(&contacts, &token).await;
    assert_eq!(names(&page), ["Ana Paula"]);

    // A chat page, then a message sent by the app: the chat and its
    // message are on the next pages.
    let send = async |text: &str| {
        api.app
            .send(
                acc,
                MessageId::new(),
                SendRequest {
                    to: SendTo::Phone("+5511987650001".into()),
                    from: None,
                    content: SendContent::Text { text: text.into() },
                },
            )
            .await
            .unwrap();
    };
    let (_, before) = api.get(&chats, &token).await;
    assert_eq!(before["items"].as_array().unwrap().len(), 0);
    send("Bom dia").await;
    let (_, after) = api.get(&chats, &token).await;
    let chat = after["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(after["items"][0]["last_body"], "Bom dia", "{after}");
    let messages = format!("{chats}/{chat}/messages");
    let (_, thread) = api.get(&messages, &token).await;
    assert_eq!(thread["items"].as_array().unwrap().len(), 1);
    send("Tudo bem?").await;
    let (_, thread) = api.get(&messages, &token).await;
    assert_eq!(thread["items"].as_array().unwrap().len(), 2, "{thread}");

    // A kept token, revoked: refused at its next request.
    let id = api_tokens::list(api.store()).await.unwrap()[0].id;
    api_tokens::revoke(api.store(), id).await.unwrap();
    let (s, body) = api.get(&contacts, &token).await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::UNAUTHORIZED, "api_unauthorized")
    );
    api.stop().await;
}
