//! What the flows list and the version history show and do: who published
//! each version (the operator chosen at the desktop), how many sessions a
//! flow ever started, a flow duplicated without its triggers, and a flow
//! deleted while conversations are in it — refused with how many, or
//! their sessions ended and the bot's messages still waiting there kept
//! from leaving, in the delete's transaction.

use serde_json::json;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::flows::{self, Trigger};
use zapdesk_core::domain::Role;
use zapdesk_core::inbox::outbox;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{ErrorCode, Lang, UserError};

use crate::support::automation::{Bot, bot, doc, end, menu, send};

/// A greeting "typed" for a minute (its message waits for its pause), then
/// a menu that waits for the contact.
fn greeting() -> serde_json::Value {
    doc(
        "oi",
        vec![
            send("oi", "Olá! Um momento…", 60_000),
            menu("menu", "Escolha:", &["Pedidos", "Horários"]),
            end("fim"),
        ],
        vec![
            ("oi", "next", "menu"),
            ("menu", "option:a", "fim"),
            ("menu", "option:b", "fim"),
            ("menu", "other", "fim"),
        ],
    )
}

async fn operator(b: &Bot, name: &str, email: &str) {
    let user = users::create(
        &b.store,
        &UserInput {
            name: name.into(),
            email: email.into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    users::set_me(&b.store, user.id).await.unwrap();
}

#[tokio::test]
async fn each_version_says_who_published_it_and_the_list_says_the_current_ones() {
    let b = bot().await;
    let made = flows::create(&b.store, b.acc, "Boas-vindas", None)
        .await
        .unwrap();
    // Nobody chosen at this desktop: unsigned.
    let v1 = flows::publish(&b.store, b.acc, made.id, made.revision)
        .await
        .unwrap();
    assert_eq!(v1.published_by, None);
    operator(&b, "Ana Lima", "ana@agencia.com.br").await;
    let v2 = flows::publish(&b.store, b.acc, made.id, made.revision)
        .await
        .unwrap();
    assert_eq!(v2.published_by.as_deref(), Some("Ana Lima"));

    let history = flows::versions(&b.store, b.acc, made.id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.number, v.published_by.as_deref(), v.current))
            .collect::<Vec<_>>(),
        [(2, Some("Ana Lima"), true), (1, None, false)]
    );
    let listed = flows::summaries(&b.store, b.acc).await.unwrap();
    assert_eq!(listed[0].last_published_by.as_deref(), Some("Ana Lima"));
    assert_eq!(listed[0].sessions_started, 0);

    // The name as it was: another operator chosen later changes no version.
    operator(&b, "Bruno Reis", "bruno@agencia.com.br").await;
    let history = flows::versions(&b.store, b.acc, made.id).await.unwrap();
    assert_eq!(history[0].published_by.as_deref(), Some("Ana Lima"));
}

/// The canvas opens an old version by id (two desktops publishing offline
/// can give two versions one number); another flow's version is not this
/// flow's, and an unknown flow says so.
#[tokio::test]
async fn a_version_is_opened_by_id_and_only_as_its_own_flows() {
    let b = bot().await;
    let one = flows::create(&b.store, b.acc, "Um", None).await.unwrap();
    let two = flows::create(&b.store, b.acc, "Dois", None).await.unwrap();
    let v1 = flows::publish(&b.store, b.acc, one.id, one.revision)
        .await
        .unwrap();
    let w1 = flows::publish(&b.store, b.acc, two.id, two.revision)
        .await
        .unwrap();
    let opened = flows::version_of(&b.store, b.acc, one.id, v1.id)
        .await
        .unwrap();
    assert_eq!((opened.flow_id, opened.number), (one.id, 1));
    assert_eq!(opened.document, one.draft);
    assert!(matches!(
        flows::version_of(&b.store, b.acc, one.id, w1.id).await,
        Err(AutomationError::VersionUnknown)
    ));
    assert!(matches!(
        flows::version_of(&b.store, b.acc, zapdesk_core::ids::FlowId::new(), v1.id).await,
        Err(AutomationError::FlowUnknown)
    ));
}

#[tokio::test]
async fn a_duplicate_is_the_drafts_copy_unpublished_and_without_triggers() {
    let b = bot().await;
    let source = b
        .publish(
            "Boas-vindas",
            greeting(),
            json!([{"on": "first_message", "numbers": []}]),
        )
        .await;
    // A draft that differs from what is published: the copy takes the draft.
    let current = flows::get(&b.store, b.acc, source).await.unwrap();
    let mut draft = current.draft.clone();
    draft.nodes[0].position.x = 120.0;
    flows::save_draft(
        &b.store,
        b.acc,
        source,
        current.revision,
        draft.clone(),
        Lang::PtBr,
    )
    .await
    .unwrap();

    let copy = flows::duplicate(&b.store, b.acc, source, "Boas-vindas (cópia)")
        .await
        .unwrap();
    assert_ne!(copy.id, source);
    assert_eq!(copy.name, "Boas-vindas (cópia)");
    assert_eq!(copy.draft, draft);
    assert_eq!(copy.triggers, Vec::<Trigger>::new());
    assert_eq!(copy.published_version_id, None);
    assert!(copy.enabled);
    // The source keeps its trigger, and nothing of it changed.
    let after = flows::get(&b.store, b.acc, source).await.unwrap();
    assert_eq!(after.triggers.len(), 1);
    assert_eq!(after.draft, draft);

    // Names are checked as a new flow's are.
    let taken = flows::duplicate(&b.store, b.acc, source, "  BOAS-VINDAS ")
        .await
        .unwrap_err();
    assert_eq!(taken.code(), ErrorCode::FlowDuplicate);
    let empty = flows::duplicate(&b.store, b.acc, source, " ")
        .await
        .unwrap_err();
    assert_eq!(empty.code(), ErrorCode::NameEmpty);
    let stranger = crate::support::account(&b.store, "Outra").await;
    let elsewhere = flows::duplicate(&b.store, stranger, source, "Cópia")
        .await
        .unwrap_err();
    assert_eq!(elsewhere.code(), ErrorCode::FlowUnknown);
    assert_eq!(flows::list(&b.store, b.acc).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_running_flow_is_deleted_only_with_its_sessions_ended_and_its_waiting_messages_kept() {
    let b = bot().await;
    let flow = b
        .publish(
            "Boas-vindas",
            greeting(),
            json!([{"on": "first_message", "numbers": []}]),
        )
        .await;
    // Two contacts' first messages start it; the greeting waits for its
    // typing pause, the menu behind it.
    b.write("+5511987650001", "oi").await;
    b.write("+5511987650002", "bom dia").await;
    b.handle().await;
    let listed = flows::summaries(&b.store, b.acc).await.unwrap();
    assert_eq!(
        (listed[0].active_sessions, listed[0].sessions_started),
        (2, 2)
    );
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM messages WHERE account_id = ? AND status = 'pending' AND bot_source = 'flow'",
    )
    .bind(b.acc)
    .fetch_one(&b.raw)
    .await
    .unwrap();
    assert_eq!(waiting, 4);

    let refused = flows::delete(&b.store, b.acc, flow, false)
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        AutomationError::FlowRunning { sessions: 2 }
    ));
    assert_eq!(refused.code(), ErrorCode::FlowRunning);
    assert!(
        refused
            .message(Lang::PtBr)
            .starts_with("Este fluxo tem 2 conversas em andamento"),
        "{}",
        refused.message(Lang::PtBr)
    );
    assert!(
        refused
            .message(Lang::En)
            .contains("2 conversations in progress")
    );
    assert!(
        flows::get(&b.store, b.acc, flow).await.is_ok(),
        "nothing deleted"
    );

    flows::delete(&b.store, b.acc, flow, true).await.unwrap();
    assert_eq!(
        flows::get(&b.store, b.acc, flow).await.unwrap_err().code(),
        ErrorCode::FlowUnknown
    );
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM flow_sessions WHERE account_id = ?")
            .bind(b.acc)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    assert_eq!(sessions, 0);
    // What the bot was still "typing" never leaves: failed, and why.
    let left: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, error FROM messages WHERE account_id = ? AND bot_source = 'flow'",
    )
    .bind(b.acc)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    assert_eq!(left.len(), 4);
    for (status, error) in &left {
        assert_eq!(
            (status.as_str(), error.as_deref()),
            ("failed", Some(outbox::BOT_STOPPED))
        );
    }
    assert!(
        outbox::claim_next_at(&b.store, b.acc, b.number, i64::MAX)
            .await
            .unwrap()
            .is_none(),
        "the number's sender finds nothing to send"
    );
}

#[tokio::test]
async fn one_conversation_in_progress_is_said_in_the_singular() {
    let b = bot().await;
    let flow = b
        .publish(
            "Boas-vindas",
            greeting(),
            json!([{"on": "first_message", "numbers": []}]),
        )
        .await;
    b.write("+5511987650001", "oi").await;
    b.handle().await;
    let refused = flows::delete(&b.store, b.acc, flow, false)
        .await
        .unwrap_err();
    assert!(
        refused
            .message(Lang::PtBr)
            .starts_with("Este fluxo tem 1 conversa em andamento."),
        "{}",
        refused.message(Lang::PtBr)
    );
}
