//! Plans per account over HTTP (issue 18, item 4): a contact or a message
//! past the account's plan is refused with 409 and `plan_limit_reached`,
//! saying which limit, the plan and the usage, and nothing is written.

use reqwest::StatusCode;
use serde_json::json;
use zapdesk_core::accounts::Plan;
use zapdesk_core::plans::{self, PlanLimits};

use crate::support::{self, ALL, code};

#[tokio::test]
async fn contacts_and_sends_past_the_plan_are_refused_with_409_and_the_reason() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let number = api.number(acc, "Balcão").await;
    let _ = number;
    let token = api.token(Some(acc), ALL).await;
    plans::set_defaults(
        api.store(),
        Plan::Starter,
        &PlanLimits {
            contacts: Some(1),
            messages: Some(1),
            ..PlanLimits::default()
        },
    )
    .await
    .unwrap();

    let path = format!("/api/accounts/{acc}/contacts");
    let (s, _) = api
        .post(
            &path,
            &token,
            json!({"phone": "11987654321", "name": "Ana"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, body) = api
        .post(
            &path,
            &token,
            json!({"phone": "11987654322", "name": "Bia"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "plan_limit_reached");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("O plano Inicial permite 1 contatos; esta conta já tem 1."),
        "{body}"
    );
    // Updating the contact the account has is no new contact.
    let (s, _) = api
        .post(
            &path,
            &token,
            json!({"phone": "11987654321", "name": "Ana Souza"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, page) = api.get(&path, &token).await;
    assert_eq!(page["total"], 1);

    // A send to the contact: the first goes, the second is past the month's.
    let send = format!("/api/accounts/{acc}/send");
    let message = json!({"phone": "11987654321", "text": "Seu pedido saiu."});
    let (s, body) = api.post(&send, &token, message.clone()).await;
    assert!(s.is_success(), "{s} {body}");
    let (s, body) = api.post(&send, &token, message).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "plan_limit_reached");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("1 mensagens enviadas por mês; esta conta já enviou 1 neste mês"),
        "{body}"
    );
}
