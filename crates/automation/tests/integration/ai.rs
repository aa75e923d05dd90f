//! The AI node against a fake OpenAI-compatible endpoint written here (axum
//! on 127.0.0.1): what it is sent, and each way it can answer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use zapdesk_automation::{
    AI_HISTORY, AddressPolicy, AiAccount, AiEndpoint, AiKey, Caller, ChatLine, HANDOFF_MARKER, Role,
};
use zapdesk_core::automation::engine::{AiAnswer, CallOutcome, CallRequest};

use crate::server::{Server, reason};

const OPEN: AddressPolicy = AddressPolicy {
    allow_private: true,
};
pub(crate) const KEY: &str = "sk-test-0123456789abcdef";

/// One request the fake endpoint received: its Authorization header and body.
pub(crate) type Received = (Option<String>, Value);

#[derive(Clone, Default)]
pub(crate) struct Seen(Arc<Mutex<Vec<Received>>>);

impl Seen {
    pub(crate) fn all(&self) -> Vec<Received> {
        self.0.lock().unwrap().clone()
    }
}

fn completion(text: &str) -> Json<Value> {
    Json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "llama3.2",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop"
        }]
    }))
}

async fn completions(
    State(seen): State<Seen>,
    Path(scenario): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    seen.0.lock().unwrap().push((auth, body));
    match scenario.as_str() {
        "text" => completion("Abrimos aos sábados das 8h às 12h.").into_response(),
        "handoff" => completion(HANDOFF_MARKER).into_response(),
        "handoff-in-text" => completion("Vou chamar alguém da equipe. [[HANDOFF]]").into_response(),
        "thinking" => {
            completion("<think>Quer saber o horário.</think>\nAbrimos às 8h.").into_response()
        }
        "long" => completion(&"palavra ".repeat(100)).into_response(),
        "empty" => completion("  \n ").into_response(),
        "no-choices" => Json(json!({"choices": []})).into_response(),
        "garbage" => (StatusCode::OK, "<html>bad gateway</html>").into_response(),
        "unauthorized" => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {
                "message": format!("Incorrect API key provided: {KEY}."),
                "type": "invalid_request_error"
            }})),
        )
            .into_response(),
        // The key echoed where the reason's cut to 200 characters falls.
        "unauthorized-long" => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {
                "message": format!("{}{KEY} is not valid.", "x".repeat(190)),
            }})),
        )
            .into_response(),
        "broken" => (StatusCode::INTERNAL_SERVER_ERROR, "model crashed").into_response(),
        "hang" => {
            // Never answers: the endpoint's time limit ends the call.
            std::future::pending::<()>().await;
            StatusCode::OK.into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A fake OpenAI-compatible endpoint: `/{scenario}/v1/chat/completions`
/// answers as the scenario says (`text`, `handoff`, `hang`, …).
pub(crate) async fn fake_openai() -> (Server, Seen) {
    let seen = Seen::default();
    let router = Router::new()
        .route("/{scenario}/v1/chat/completions", post(completions))
        .with_state(seen.clone());
    (Server::start(router).await, seen)
}

/// The account's endpoint at `server`, with `key` kept for that server.
fn account(server: &Server, scenario: &str, key: Option<&str>) -> AiAccount {
    // A trailing slash, as people paste it.
    let base_url = server.url(&format!("/{scenario}/v1/"));
    AiAccount {
        endpoint: Some(AiEndpoint {
            key: key.map(|k| AiKey::for_endpoint(k, &base_url)),
            base_url,
            model: "llama3.2".into(),
            timeout: Duration::from_secs(10),
        }),
        instructions: "Somos a Padaria Pão Quente, em Campinas.".into(),
    }
}

fn node(max_chars: u32) -> CallRequest {
    CallRequest::Ai {
        node: "ia".into(),
        instructions: "Responda só sobre horários e endereço.".into(),
        max_chars,
    }
}

fn chat() -> Vec<ChatLine> {
    let line = |role, text: &str| ChatLine {
        role,
        text: text.into(),
    };
    vec![
        line(Role::User, "Oi"),
        line(Role::Assistant, "Olá! Em que posso ajudar?"),
        line(Role::User, "Vocês abrem sábado?"),
    ]
}

#[tokio::test]
async fn the_model_gets_the_instructions_and_the_chat_and_its_answer_is_the_reply() {
    let (server, seen) = fake_openai().await;
    let caller = Caller::new();
    let outcome = caller
        .call_ai(
            &node(280),
            &account(&server, "text", Some(KEY)),
            &chat(),
            OPEN,
        )
        .await;
    assert_eq!(
        outcome,
        CallOutcome::Ai(AiAnswer::Text("Abrimos aos sábados das 8h às 12h.".into()))
    );

    let seen = seen.all();
    assert_eq!(seen.len(), 1);
    let (auth, body) = &seen[0];
    assert_eq!(auth.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(body["model"], "llama3.2");
    assert_eq!(body["stream"], false);
    assert!(body["max_tokens"].as_u64().unwrap() >= 280 / 4, "{body}");
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[0]["role"], "system");
    let system = messages[0]["content"].as_str().unwrap();
    for part in [
        HANDOFF_MARKER,
        "Padaria Pão Quente",
        "Responda só sobre horários",
        "at most 280 characters",
        "language of the contact",
    ] {
        assert!(system.contains(part), "{part:?} missing from {system}");
    }
    let history: Vec<(&str, &str)> = messages[1..]
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ("user", "Oi"),
            ("assistant", "Olá! Em que posso ajudar?"),
            ("user", "Vocês abrem sábado?"),
        ]
    );
}

#[tokio::test]
async fn without_a_key_no_authorization_is_sent_and_only_the_newest_lines_go() {
    let (server, seen) = fake_openai().await;
    let caller = Caller::new();
    let mut long_chat = Vec::new();
    for n in 0..AI_HISTORY + 5 {
        long_chat.push(ChatLine {
            role: if n % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            },
            text: format!("mensagem {n}"),
        });
    }
    long_chat.push(ChatLine {
        role: Role::User,
        text: "   ".into(),
    });
    let outcome = caller
        .call_ai(
            &node(280),
            &account(&server, "text", None),
            &long_chat,
            OPEN,
        )
        .await;
    assert!(
        matches!(outcome, CallOutcome::Ai(AiAnswer::Text(_))),
        "{outcome:?}"
    );
    let (auth, body) = &seen.all()[0];
    assert_eq!(auth, &None);
    let messages = body["messages"].as_array().unwrap();
    // The system prompt, then the newest AI_HISTORY lines minus the blank one.
    assert_eq!(messages.len(), AI_HISTORY);
    assert_eq!(messages[1]["content"], "mensagem 6");
    assert_eq!(messages.last().unwrap()["content"], "mensagem 24");
}

#[tokio::test]
async fn the_marker_hands_off() {
    let (server, _) = fake_openai().await;
    let caller = Caller::new();
    for scenario in ["handoff", "handoff-in-text"] {
        let outcome = caller
            .call_ai(
                &node(280),
                &account(&server, scenario, Some(KEY)),
                &chat(),
                OPEN,
            )
            .await;
        assert_eq!(outcome, CallOutcome::Ai(AiAnswer::Handoff), "{scenario}");
    }
}

#[tokio::test]
async fn a_long_answer_is_cut_here_and_thinking_is_left_out() {
    let (server, _) = fake_openai().await;
    let caller = Caller::new();
    let CallOutcome::Ai(AiAnswer::Text(text)) = caller
        .call_ai(&node(50), &account(&server, "long", None), &chat(), OPEN)
        .await
    else {
        panic!("an answer");
    };
    assert!(text.chars().count() <= 50, "{text:?}");
    assert!(text.starts_with("palavra palavra"), "{text:?}");
    assert!(text.ends_with("palavra"), "cut between words: {text:?}");

    let outcome = caller
        .call_ai(
            &node(280),
            &account(&server, "thinking", None),
            &chat(),
            OPEN,
        )
        .await;
    assert_eq!(
        outcome,
        CallOutcome::Ai(AiAnswer::Text("Abrimos às 8h.".into()))
    );
}

#[tokio::test]
async fn every_non_answer_fails_so_the_flow_hands_off() {
    let (server, seen) = fake_openai().await;
    let caller = Caller::new();
    let cases = [
        ("unauthorized", "answered 401"),
        ("broken", "answered 500"),
        ("garbage", "not a chat completion"),
        ("no-choices", "has no message"),
        ("empty", "answered nothing"),
    ];
    for (scenario, expected) in cases {
        let failed = reason(
            caller
                .call_ai(
                    &node(280),
                    &account(&server, scenario, Some(KEY)),
                    &chat(),
                    OPEN,
                )
                .await,
        );
        assert!(failed.contains(expected), "{scenario}: {failed}");
        assert!(!failed.contains(KEY), "the key leaked: {failed}");
    }
    let unauthorized = reason(
        caller
            .call_ai(
                &node(280),
                &account(&server, "unauthorized", Some(KEY)),
                &chat(),
                OPEN,
            )
            .await,
    );
    assert!(
        unauthorized.contains("Incorrect API key provided: <redacted>"),
        "{unauthorized}"
    );
    // Redacted before the detail is cut: no piece of the key is left.
    let cut = reason(
        caller
            .call_ai(
                &node(280),
                &account(&server, "unauthorized-long", Some(KEY)),
                &chat(),
                OPEN,
            )
            .await,
    );
    assert!(cut.contains("answered 401"), "{cut}");
    assert!(!cut.contains(&KEY[..9]), "a piece of the key leaked: {cut}");
    assert_eq!(seen.all().len(), cases.len() + 2);
}

/// The endpoint's address is a synced setting any member can change; the
/// key stays with the origin it was kept for. Pointed at another server
/// (another port is another origin), the call fails before anything is
/// sent: the other server never sees the key, nor the chat.
#[tokio::test]
async fn the_key_is_never_sent_to_an_address_it_was_not_kept_for() {
    let (kept_for, _) = fake_openai().await;
    let (elsewhere, seen) = fake_openai().await;
    let caller = Caller::new();
    let mut moved = account(&elsewhere, "text", None);
    if let Some(endpoint) = &mut moved.endpoint {
        endpoint.key = Some(AiKey::for_endpoint(KEY, &kept_for.url("/text/v1")));
    }
    let failed = reason(caller.call_ai(&node(280), &moved, &chat(), OPEN).await);
    assert_eq!(
        failed,
        "o endereço da IA mudou desde que a chave foi guardada neste computador: \
         guarde a chave de novo"
    );
    assert_eq!(elsewhere.hits(), 0);
    assert!(seen.all().is_empty());

    // Another path on the same origin is the same endpoint: the key goes.
    let mut same = account(&elsewhere, "text", None);
    if let Some(endpoint) = &mut same.endpoint {
        endpoint.key = Some(AiKey::for_endpoint(KEY, &elsewhere.url("/other/v1")));
    }
    let answered = caller.call_ai(&node(280), &same, &chat(), OPEN).await;
    assert!(
        matches!(answered, CallOutcome::Ai(AiAnswer::Text(_))),
        "{answered:?}"
    );
    assert_eq!(
        seen.all()[0].0.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn a_model_that_never_answers_fails_at_the_time_limit() {
    let (server, seen) = fake_openai().await;
    let caller = Caller::new();
    let mut slow = account(&server, "hang", None);
    if let Some(endpoint) = &mut slow.endpoint {
        endpoint.timeout = Duration::from_millis(300);
    }
    let failed = reason(caller.call_ai(&node(280), &slow, &chat(), OPEN).await);
    assert!(failed.starts_with("timeout"), "{failed}");
    assert_eq!(seen.all().len(), 1);
}

#[tokio::test]
async fn a_local_model_needs_the_account_to_allow_private_addresses() {
    let (server, _) = fake_openai().await;
    let caller = Caller::new();
    let failed = reason(
        caller
            .call_ai(
                &node(280),
                &account(&server, "text", None),
                &chat(),
                AddressPolicy::default(),
            )
            .await,
    );
    assert!(failed.starts_with("address not allowed"), "{failed}");
    assert_eq!(server.hits(), 0);

    let unset = AiAccount {
        endpoint: None,
        instructions: String::new(),
    };
    let failed = reason(caller.call_ai(&node(280), &unset, &chat(), OPEN).await);
    assert!(failed.contains("no AI endpoint"), "{failed}");
    let http = crate::server::get(&server.url("/"), 1_000);
    let failed = reason(caller.call_ai(&http, &unset, &chat(), OPEN).await);
    assert!(failed.contains("not an AI call"), "{failed}");
}
