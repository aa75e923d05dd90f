//! The inbox's search box (issue 13 item 19): contacts by name or phone in
//! any form the app accepts, internal notes and messages, only of the
//! account searched, against a real SQLite file.

use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::search::{self, MARK_END, MARK_START};
use zapdesk_core::inbox::work;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store, contacts};

use crate::support;

async fn number(store: &Store, acc: AccountId) -> InstanceId {
    instances::create(
        store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id
}

fn text(wa_id: &str, phone: &str, name: &str, body: &str, at: i64) -> Inbound {
    Inbound {
        wa_id: wa_id.into(),
        phone: phone.into(),
        push_name: Some(name.into()),
        body: body.into(),
        sent_at: at,
        ..Default::default()
    }
}

#[tokio::test]
async fn the_search_box_finds_contacts_notes_and_messages_of_this_account_only() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let other = support::account(&store, "Outra").await;
    let n = number(&store, acc).await;
    let theirs = number(&store, other).await;

    let joao = ingest(
        &store,
        acc,
        n,
        &text("m1", "+5511987654321", "João Conceição", "Oi, quero pão", 1),
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    // A contact without a conversation is found too (nothing to open).
    contacts::create(
        &store,
        acc,
        &contacts::ContactInput {
            phone: "21 3456-7890".into(),
            name: Some("Joana Loja".into()),
        },
    )
    .await
    .unwrap();
    work::add_note(
        &store,
        acc,
        joao,
        None,
        "Cliente VIP: prefere entrega à tarde",
    )
    .await
    .unwrap();
    // The other account has the same words everywhere: never found here.
    let their_conv = ingest(
        &store,
        other,
        theirs,
        &text("o1", "+5511987654321", "João Outro", "pão e entrega", 2),
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    work::add_note(&store, other, their_conv, None, "entrega VIP")
        .await
        .unwrap();

    // By name, ignoring case and accents.
    let found = search::everything(&store, acc, "joao conceicao")
        .await
        .unwrap();
    let names: Vec<_> = found.contacts.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(names, [Some("João Conceição")]);
    assert_eq!(found.contacts[0].conversation_id, Some(joao));
    // By phone, in the forms the app accepts: digits, formatted, trunk 0,
    // without the ninth digit.
    for typed in [
        "98765-4321",
        "(11) 98765-4321",
        "011 98765 4321",
        "11 8765-4321",
    ] {
        let found = search::everything(&store, acc, typed).await.unwrap();
        let phones: Vec<_> = found.contacts.iter().map(|c| c.phone.as_str()).collect();
        assert_eq!(phones, ["+5511987654321"], "{typed}");
    }
    let landline = search::everything(&store, acc, "joana").await.unwrap();
    assert_eq!(landline.contacts.len(), 1);
    assert_eq!(landline.contacts[0].conversation_id, None);

    // Internal notes, marked like messages, from this account only.
    let found = search::everything(&store, acc, "entrega").await.unwrap();
    assert_eq!(found.notes.len(), 1, "{found:#?}");
    assert_eq!(found.notes[0].conversation_id, joao);
    assert!(
        found.notes[0]
            .snippet
            .contains(&format!("{MARK_START}entrega{MARK_END}")),
        "{:?}",
        found.notes[0].snippet
    );
    assert!(found.messages.is_empty(), "{found:#?}");
    assert!(found.contacts.is_empty());

    // Messages: this account's only.
    let found = search::everything(&store, acc, "pao").await.unwrap();
    assert_eq!(found.messages.len(), 1);
    assert_eq!(found.messages[0].conversation_id, joao);

    // Nothing: every list empty (the UI says "Nada encontrado").
    let found = search::everything(&store, acc, "inexistente")
        .await
        .unwrap();
    assert!(found.contacts.is_empty() && found.messages.is_empty() && found.notes.is_empty());
}

/// Another account's newer messages must not push this account's matches
/// out of the newest ones that get ranked.
#[tokio::test]
async fn a_busy_account_does_not_hide_another_accounts_matches() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let busy = support::account(&store, "Movimentada").await;
    let n = number(&store, acc).await;
    let b = number(&store, busy).await;
    ingest(
        &store,
        acc,
        n,
        &text("a1", "+5511911110001", "Ana", "boleto vencido", 1),
    )
    .await
    .unwrap();
    for i in 0..600 {
        ingest(
            &store,
            busy,
            b,
            &text(
                &format!("b{i}"),
                "+5511911110002",
                "Bia",
                "boleto de novo",
                10 + i,
            ),
        )
        .await
        .unwrap();
    }
    let found = search::messages(&store, acc, "boleto", 50).await.unwrap();
    assert_eq!(found.len(), 1);
}
