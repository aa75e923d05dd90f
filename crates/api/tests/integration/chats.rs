//! Chats and messages, cursor-paged to the end and no further; assigning
//! and resolving a chat.

use reqwest::StatusCode;
use serde_json::json;
use zapdesk_app::{SendContent, SendRequest, SendTo};
use zapdesk_core::MessageId;
use zapdesk_core::domain::Role;
use zapdesk_core::users::{self, UserInput};

use crate::support::{self, ALL, code};

#[tokio::test]
async fn chats_and_their_messages_page_by_cursor() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), ALL).await;
    // Seven chats; the first has five messages.
    for i in 0..7 {
        let times = if i == 0 { 5 } else { 1 };
        for n in 0..times {
            // Each message in its own millisecond (the next test shares one).
            let t = zapdesk_core::time::now_ms();
            while zapdesk_core::time::now_ms() == t {
                std::hint::spin_loop();
            }
            api.app
                .send(
                    acc,
                    MessageId::new(),
                    SendRequest {
                        to: SendTo::Phone(format!("+55119876543{i:02}")),
                        from: None,
                        content: SendContent::Text {
                            text: format!("mensagem {n}"),
                        },
                    },
                )
                .await
                .unwrap();
        }
    }
    let path = format!("/api/accounts/{acc}/chats");
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &after {
            None => format!("{path}?limit=3"),
            Some(c) => format!("{path}?limit=3&after={c}"),
        };
        let (s, page) = api.get(&url, &token).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        pages += 1;
        for chat in page["items"].as_array().unwrap() {
            seen.push(chat["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "the cursor never ends");
    }
    assert_eq!(pages, 3);
    let distinct: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (7, 7));

    // The busy chat's five messages, two at a time, back in time.
    let (_, all) = api.get(&format!("{path}?limit=50"), &token).await;
    let busy = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contact_phone"] == "+5511987654300")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let messages = format!("{path}/{busy}/messages");
    let mut bodies = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..10 {
        let url = match &before {
            None => format!("{messages}?limit=2"),
            Some(b) => format!("{messages}?limit=2&before={b}"),
        };
        let (s, page) = api.get(&url, &token).await;
        assert_eq!(s, StatusCode::OK);
        let items = page["items"].as_array().unwrap();
        let mut these: Vec<String> = items
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect();
        these.extend(bodies);
        bodies = these;
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..5).map(|n| format!("mensagem {n}")).collect();
    assert_eq!(bodies, expected, "oldest first, none twice, none missing");

    // A chat of another account (or none): not found.
    let (s, answer) = api
        .get(
            &format!("{path}/{}/messages", zapdesk_core::ConversationId::new()),
            &token,
        )
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::NOT_FOUND, "conversation_unknown")
    );
    let (s, answer) = api.get(&format!("{path}?after=123_nope"), &token).await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );

    // Assign to an operator, then resolve.
    let ana = users::create(
        api.store(),
        &UserInput {
            name: "Ana".into(),
            email: "ana@agencia.com".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    // Given the account: chats go only to operators who may see it.
    zapdesk_core::team::edit(
        api.store(),
        ana.id,
        &zapdesk_core::team::MemberEdit {
            name: "Ana".into(),
            role: Role::Agent,
            accounts: vec![acc],
        },
    )
    .await
    .unwrap();
    let (_, operators) = api.get("/api/users", &token).await;
    assert_eq!(operators[0]["name"], "Ana");
    assert!(operators[0].get("email").is_none());
    let (s, assigned) = api
        .post(
            &format!("{path}/{busy}/assign"),
            &token,
            json!({"user_id": ana.id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{assigned}");
    assert_eq!(assigned["assignee_name"], "Ana");
    let (s, resolved) = api
        .post(&format!("{path}/{busy}/resolve"), &token, json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["status"], "resolved");
    let (_, only_resolved) = api.get(&format!("{path}?status=resolved"), &token).await;
    assert_eq!(only_resolved["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn messages_of_the_same_millisecond_are_each_paged_once() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), ALL).await;
    let mut chat = None;
    for n in 0..5 {
        let sent = api
            .app
            .send(
                acc,
                MessageId::new(),
                SendRequest {
                    to: SendTo::Phone("+5511987654300".into()),
                    from: None,
                    content: SendContent::Text {
                        text: format!("mensagem {n}"),
                    },
                },
            )
            .await
            .unwrap();
        chat = Some(sent.conversation);
    }
    let chat = chat.unwrap();
    // A burst stored in one millisecond (as an import or a fast bot does).
    sqlx::query("UPDATE messages SET created_at = 1767312000000 WHERE conversation_id = ?")
        .bind(chat)
        .execute(api.store().pool_for_sync())
        .await
        .unwrap();
    let messages = format!("/api/accounts/{acc}/chats/{chat}/messages");
    let mut ids = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..10 {
        let url = match &before {
            None => format!("{messages}?limit=2"),
            Some(b) => format!("{messages}?limit=2&before={b}"),
        };
        let (s, page) = api.get(&url, &token).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let mut these: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        these.extend(ids);
        ids = these;
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), distinct.len()), (5, 5), "{ids:?}");
    // The whole thread in one page is the same order.
    let (_, all) = api.get(&format!("{messages}?limit=50"), &token).await;
    let whole: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, whole);
    // A bare time still pages (the messages before it); nonsense is refused.
    let (s, page) = api
        .get(&format!("{messages}?before=1767312000001"), &token)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let (s, answer) = api.get(&format!("{messages}?before=ontem"), &token).await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
}
