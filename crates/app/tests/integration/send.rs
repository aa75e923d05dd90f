//! `App::send`: a message to a phone or a contact, through the durable
//! outbox, from the number asked for or the one the contact talks to; the
//! same id twice queues one message. The first test runs a Sandbox number
//! in Chromium (the message reaches the fake WhatsApp once); the others need
//! no running number, since queuing does not.

use crate::support::{self, Recorder, Told};

use zapdesk_app::{AppError, Scope, SendContent, SendRequest, SendTo};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{InstanceKind, MessageKind, MessageStatus};
use zapdesk_core::inbox::conversations;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, ErrorCode, InstanceId, MessageId, Store, UserError};
use zapdesk_whatsapp::fleet::FleetEvent;

fn text(to: SendTo, from: Option<InstanceId>, body: &str) -> SendRequest {
    SendRequest {
        to,
        from,
        content: SendContent::Text { text: body.into() },
    }
}

async fn stopped_number(store: &Store, account: AccountId, name: &str) -> InstanceId {
    instances::create(
        store,
        account,
        &NumberInput {
            name: name.into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id
}

fn code(e: AppError) -> ErrorCode {
    e.code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_to_a_new_phone_is_sent_once_through_the_connected_number() {
    let _one = support::serial();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let number = support::sandbox_number(app.store(), dir.path(), acc).await;
    app.start(Scope::All).await.unwrap();
    support::pair(&app, &told, acc, number).await;

    told.clear();
    let id = MessageId::new();
    // As a person writes it: no country code, no ninth digit.
    let request = text(
        SendTo::Phone("(11) 8765-4321".into()),
        None,
        "Seu pedido saiu para entrega.",
    );
    let sent = app.send(acc, id, request.clone()).await.unwrap();
    assert_eq!(sent.message.id, id);
    assert_eq!(sent.instance, number);
    let contact = contacts::get(app.store(), acc, sent.contact).await.unwrap();
    assert_eq!(contact.phone, "+5511987654321");
    // The screens hear of the new contact and the queued message.
    for table in [Table::Contacts, Table::Messages, Table::Conversations] {
        told.until_change(Change::of(acc, table)).await;
    }

    // The fake WhatsApp got it, and the row says so.
    told.until("the message sent", |all| {
        all.iter().any(|t| {
            matches!(t, Told::Fleet(FleetEvent::Conversation { conversation, .. })
                if *conversation == sent.conversation)
        })
    })
    .await;
    let store = app.store().clone();
    let conversation = sent.conversation;
    let mut moved = 0;
    let status = loop {
        let thread = conversations::thread(&store, acc, conversation, None, 10)
            .await
            .unwrap();
        let status = thread[0].status;
        if status != MessageStatus::Pending && status != MessageStatus::Sending {
            break status;
        }
        // Each ack is a fleet event: wait for the next one.
        let seen = told.all().len();
        told.until("an ack", |all| all.len() > seen).await;
        moved += 1;
        assert!(moved < 50, "the message never left: {status:?}");
    };
    assert!(
        matches!(
            status,
            MessageStatus::Sent | MessageStatus::Delivered | MessageStatus::Read
        ),
        "{status:?}"
    );

    // Asked again (a retried request): the same message, nothing more queued or sent.
    let again = app.send(acc, id, request).await.unwrap();
    assert_eq!(again.message.id, id);
    assert_eq!(again.conversation, sent.conversation);
    let thread = conversations::thread(&store, acc, conversation, None, 10)
        .await
        .unwrap();
    assert_eq!(thread.len(), 1);
    let on_whatsapp = app.fleet().sandbox_sent(number).unwrap();
    assert_eq!(
        on_whatsapp
            .iter()
            .filter(|s| s.text == "Seu pedido saiu para entrega.")
            .count(),
        1,
        "{on_whatsapp:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_number_is_the_one_asked_for_else_the_contacts_else_the_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let store = app.store().clone();

    // No number at all: refused, nothing created.
    let refused = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Phone("+5511987654321".into()), None, "Oi"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(refused), ErrorCode::NumberOffline);

    // The only number, stopped: the message waits in its outbox.
    let balcao = stopped_number(&store, acc, "Balcão").await;
    let first = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Phone("+5511987654321".into()), None, "Oi"),
        )
        .await
        .unwrap();
    assert_eq!(first.instance, balcao);
    assert_eq!(first.message.status, MessageStatus::Pending);

    // Two numbers, none connected: a new contact has no number to go from.
    let vendas = stopped_number(&store, acc, "Vendas").await;
    let e = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Phone("+5521998765432".into()), None, "Oi"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::NumberOffline);
    assert!(e_is_no_contact(&store, acc, "+5521998765432").await);

    // The known contact goes through the number they talk to ...
    let second = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Contact(first.contact), None, "Tudo bem?"),
        )
        .await
        .unwrap();
    assert_eq!(second.instance, balcao);
    assert_eq!(second.conversation, first.conversation);
    // ... unless another is asked for.
    let third = app
        .send(
            acc,
            MessageId::new(),
            text(
                SendTo::Contact(first.contact),
                Some(vendas),
                "Aqui é das vendas",
            ),
        )
        .await
        .unwrap();
    assert_eq!(third.instance, vendas);
    assert_ne!(third.conversation, first.conversation);
}

async fn e_is_no_contact(store: &Store, account: AccountId, phone: &str) -> bool {
    let page = contacts::list(
        store,
        account,
        &contacts::ContactQuery {
            filter: zapdesk_core::filter::ContactFilter {
                search: Some(phone.into()),
                ..Default::default()
            },
            offset: 0,
            limit: 10,
        },
    )
    .await
    .unwrap();
    page.total == 0
}

#[tokio::test]
async fn the_same_id_is_one_message_even_when_another_number_would_be_picked_now() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let store = app.store().clone();
    let balcao = stopped_number(&store, acc, "Balcão").await;
    let vendas = stopped_number(&store, acc, "Vendas").await;
    let id = MessageId::new();
    let to = SendTo::Phone("11 98765-4321".into());
    let first = app
        .send(acc, id, text(to.clone(), Some(balcao), "Oi"))
        .await
        .unwrap();
    // The retry names another number (a client that changed its mind, or
    // the contact wrote to it since): the message already queued is the answer.
    let again = app
        .send(acc, id, text(to, Some(vendas), "Oi"))
        .await
        .unwrap();
    assert_eq!(again.message, first.message);
    assert_eq!(again.instance, balcao);
    let everyone = conversations::of_contact(&store, acc, first.contact)
        .await
        .unwrap();
    let mut messages = 0;
    for c in &everyone {
        messages += conversations::thread(&store, acc, c.id, None, 10)
            .await
            .unwrap()
            .len();
    }
    assert_eq!(messages, 1);
}

#[tokio::test]
async fn a_file_is_queued_and_bad_requests_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let other = support::account(app.store()).await;
    let store = app.store().clone();
    let number = stopped_number(&store, acc, "Balcão").await;
    let theirs = stopped_number(&store, other, "Deles").await;

    // A tiny PDF: a document with its caption.
    let pdf = "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDw+PgplbmRvYmoKdHJhaWxlcgo8PD4+CiUlRU9GCg==";
    let sent = app
        .send(
            acc,
            MessageId::new(),
            SendRequest {
                to: SendTo::Phone("+5511987654321".into()),
                from: None,
                content: SendContent::File {
                    name: "boleto.pdf".into(),
                    mime: "application/pdf".into(),
                    data: pdf.into(),
                    caption: Some("Seu boleto".into()),
                },
            },
        )
        .await
        .unwrap();
    assert_eq!(sent.message.kind, MessageKind::Document);
    assert_eq!(sent.message.body, "Seu boleto");
    assert_eq!(sent.message.media_name.as_deref(), Some("boleto.pdf"));

    let refusals: Vec<(SendRequest, ErrorCode)> = vec![
        (
            text(SendTo::Phone("12345".into()), None, "Oi"),
            ErrorCode::PhoneInvalid,
        ),
        (
            text(SendTo::Phone("+5511911112222".into()), Some(theirs), "Oi"),
            ErrorCode::NumberUnknown,
        ),
        (
            text(SendTo::Phone("+5511911112222".into()), None, "   "),
            ErrorCode::MessageEmpty,
        ),
        (
            SendRequest {
                to: SendTo::Phone("+5511911113333".into()),
                from: None,
                content: SendContent::File {
                    name: "virus.exe".into(),
                    mime: "application/x-msdownload".into(),
                    data: "TVqQAAMAAAAEAAAA".into(),
                    caption: None,
                },
            },
            ErrorCode::AttachmentBlocked,
        ),
    ];
    for (request, expected) in refusals {
        let e = app
            .send(acc, MessageId::new(), request.clone())
            .await
            .unwrap_err();
        assert_eq!(code(e), expected, "{request:?}");
    }
    // A contact of another account is unknown here.
    let stranger = contacts::create(
        &store,
        other,
        &ContactInput {
            phone: "+5511955554444".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    let e = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Contact(stranger.id), None, "Oi"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::ContactUnknown);
    // A refused request created no contact.
    assert!(e_is_no_contact(&store, acc, "+5511911112222").await);
    assert!(e_is_no_contact(&store, acc, "+5511911113333").await);

    // A contact who opted out gets nothing.
    zapdesk_core::opt_out::set(&store, acc, sent.contact, true)
        .await
        .unwrap();
    let e = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Contact(sent.contact), None, "Promoção!"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::ContactOptedOut);
    let thread = conversations::thread(&store, acc, sent.conversation, None, 10)
        .await
        .unwrap();
    assert_eq!(thread.len(), 1);
    assert_eq!(sent.instance, number);
}

#[tokio::test]
async fn a_contact_who_opted_out_is_refused_even_when_found_by_an_edited_phone() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let store = app.store().clone();
    stopped_number(&store, acc, "Balcão").await;

    // Created with one phone, then edited to another: the id comes from the
    // first, so the send finds them only when creating the second is refused.
    let maria = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511911110000".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    contacts::update(
        &store,
        acc,
        maria.id,
        &ContactInput {
            phone: "+5511987654321".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    zapdesk_core::opt_out::set(&store, acc, maria.id, true)
        .await
        .unwrap();

    let e = app
        .send(
            acc,
            MessageId::new(),
            text(SendTo::Phone("11 98765-4321".into()), None, "Promoção!"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::ContactOptedOut);
    assert!(
        conversations::of_contact(&store, acc, maria.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// "Nova conversa": the conversation to open, nothing sent; the one the
/// contact already has on that number, else a new one; a new phone becomes
/// a contact only once a number is settled; another account's number or
/// contact is unknown.
#[tokio::test]
async fn a_conversation_is_started_on_the_number_chosen_without_sending() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let store = app.store().clone();
    let maria = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "11987654321".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();

    let e = app
        .start_conversation(acc, SendTo::Contact(maria.id), None)
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::NumberOffline);

    let balcao = stopped_number(&store, acc, "Balcão").await;
    let vendas = stopped_number(&store, acc, "Vendas").await;
    // Two numbers, none connected, a contact who never talked: pick one.
    let e = app
        .start_conversation(acc, SendTo::Contact(maria.id), None)
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::NumberOffline);
    let e = app
        .start_conversation(acc, SendTo::Phone("21998765432".into()), None)
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::NumberOffline);
    assert!(e_is_no_contact(&store, acc, "+5521998765432").await);

    let started = app
        .start_conversation(acc, SendTo::Contact(maria.id), Some(vendas))
        .await
        .unwrap();
    assert_eq!((started.instance, started.contact), (vendas, maria.id));
    let thread = conversations::thread(&store, acc, started.conversation, None, 10)
        .await
        .unwrap();
    assert!(thread.is_empty(), "nothing is sent: {thread:?}");
    // Asked again (a double click, the contact's own button): the same one;
    // and without a number, the one she now talks to.
    for from in [Some(vendas), None] {
        let again = app
            .start_conversation(acc, SendTo::Contact(maria.id), from)
            .await
            .unwrap();
        assert_eq!(again.conversation, started.conversation);
    }
    let other = app
        .start_conversation(acc, SendTo::Contact(maria.id), Some(balcao))
        .await
        .unwrap();
    assert_ne!(other.conversation, started.conversation);

    // A phone the account does not know becomes a contact, written as the
    // app writes phones.
    let new = app
        .start_conversation(acc, SendTo::Phone("(21) 99876-5432".into()), Some(balcao))
        .await
        .unwrap();
    let made = contacts::get(&store, acc, new.contact).await.unwrap();
    assert_eq!(made.phone, "+5521998765432");

    // Another account's number and contact are unknown here.
    let elsewhere = support::account(&store).await;
    let e = app
        .start_conversation(elsewhere, SendTo::Contact(maria.id), None)
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::ContactUnknown);
    let e = app
        .start_conversation(
            acc,
            SendTo::Contact(maria.id),
            Some(stopped_number(&store, elsewhere, "Outra").await),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::NumberUnknown);
}
