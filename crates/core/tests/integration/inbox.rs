//! Storing WhatsApp's messages once, the outbox, and listing conversations,
//! against a real SQLite file.

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::{Direction, Message};
use zapdesk_core::domain::{InstanceKind, MessageKind, MessageStatus};
use zapdesk_core::inbox::conversations::ListFilter;
use zapdesk_core::inbox::ingest::{Inbound, Media, ingest};
use zapdesk_core::inbox::{conversations, outbox, own_ids};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{
    AccountId, ConversationId, ErrorCode, InstanceId, MessageId, Store, UserError, contacts,
};

async fn setup() -> (tempfile::TempDir, Store, AccountId, InstanceId) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let number = instances::create(
        &store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap();
    (dir, store, acc, number.id)
}

fn text(wa_id: &str, phone: &str, body: &str, at: i64) -> Inbound {
    Inbound {
        wa_id: wa_id.into(),
        phone: phone.into(),
        push_name: Some("Maria".into()),
        body: body.into(),
        sent_at: at,
        ..Default::default()
    }
}

/// Maria's first message, and the conversation it opened.
async fn maria_wrote(store: &Store, acc: AccountId, number: InstanceId) -> ConversationId {
    ingest(store, acc, number, &text("in1", "+5511987654321", "Oi", 1))
        .await
        .unwrap()
        .unwrap()
        .conversation
}

async fn count(store: &Store, acc: AccountId) -> usize {
    let list = conversations::list(
        store,
        acc,
        &ListFilter {
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut n = 0;
    for c in list {
        n += conversations::thread(store, acc, c.id, None, 500)
            .await
            .unwrap()
            .len();
    }
    n
}

#[tokio::test]
async fn a_message_creates_contact_and_conversation_and_is_stored_once() {
    let (_dir, store, acc, number) = setup().await;
    let first = ingest(
        &store,
        acc,
        number,
        &text("false_a@c.us_1", "+5511987654321", "Oi!", 1_000),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        ingest(
            &store,
            acc,
            number,
            &text("false_a@c.us_1", "+5511987654321", "Oi!", 1_000)
        )
        .await
        .unwrap()
        .is_none()
    );
    assert_eq!(count(&store, acc).await, 1);
    let contact = contacts::get(&store, acc, first.contact).await.unwrap();
    assert_eq!(
        (contact.phone.as_str(), contact.name.as_deref()),
        ("+5511987654321", Some("Maria"))
    );

    ingest(
        &store,
        acc,
        number,
        &text("false_a@c.us_2", "+5511987654321", "Tem pão?", 2_000),
    )
    .await
    .unwrap()
    .unwrap();
    let list = conversations::list(
        &store,
        acc,
        &ListFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].unread_count,
            list[0].last_body.as_deref(),
            list[0].last_message_at
        ),
        (2, Some("Tem pão?"), Some(2_000))
    );
    assert_eq!(list[0].instance_name, "Vendas");

    conversations::mark_read(&store, acc, first.conversation)
        .await
        .unwrap();
    assert_eq!(
        conversations::list(
            &store,
            acc,
            &ListFilter {
                limit: 10,
                ..Default::default()
            }
        )
        .await
        .unwrap()[0]
            .unread_count,
        0
    );
}

#[tokio::test]
async fn an_operator_named_contact_keeps_its_name() {
    let (_dir, store, acc, number) = setup().await;
    contacts::create(
        &store,
        acc,
        &contacts::ContactInput {
            phone: "(11) 98765-4321".into(),
            name: Some("Dona Maria".into()),
        },
    )
    .await
    .unwrap();
    let got = ingest(&store, acc, number, &text("x1", "+5511987654321", "oi", 1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        contacts::get(&store, acc, got.contact)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Dona Maria")
    );
}

#[tokio::test]
async fn media_is_saved_under_the_data_folder_and_too_large_media_is_not() {
    let (dir, store, acc, number) = setup().await;
    let photo = Inbound {
        kind: Some(MessageKind::Image),
        media: Some(Media {
            bytes: vec![1, 2, 3],
            mime: Some("image/jpeg".into()),
            filename: None,
        }),
        ..text("img1", "+5511987654321", "foto", 5)
    };
    let got = ingest(&store, acc, number, &photo).await.unwrap().unwrap();
    let msg = conversations::thread(&store, acc, got.conversation, None, 10)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let path = msg.media_path.clone().unwrap();
    assert!(
        path.starts_with("media/") && path.ends_with(".jpg"),
        "{path}"
    );
    assert_eq!(std::fs::read(dir.path().join(&path)).unwrap(), [1, 2, 3]);
    assert_eq!(msg.media_size, Some(3));

    let huge = Inbound {
        kind: Some(MessageKind::Document),
        media: Some(Media {
            bytes: vec![0; zapdesk_core::limits::FILE_BYTES + 1],
            mime: Some("application/pdf".into()),
            filename: Some("x.pdf".into()),
        }),
        ..text("doc1", "+5511987654321", "", 6)
    };
    ingest(&store, acc, number, &huge).await.unwrap().unwrap();
    let msg = conversations::thread(&store, acc, got.conversation, None, 10)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (msg.media_path, msg.media_error.as_deref()),
        (None, Some("too_large"))
    );
}

#[tokio::test]
async fn the_outbox_claims_sends_and_follows_acks_forward_only() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    assert_eq!(
        outbox::enqueue_text(&store, acc, conv, "   ")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MessageEmpty
    );
    let long = "x".repeat(zapdesk_core::inbox::TEXT_MAX + 1);
    assert_eq!(
        outbox::enqueue_text(&store, acc, conv, &long)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MessageTooLong
    );
    let queued = outbox::enqueue_text(&store, acc, conv, " Olá, Maria! ")
        .await
        .unwrap();
    assert_eq!(
        (queued.body.as_str(), queued.status),
        ("Olá, Maria!", MessageStatus::Pending)
    );

    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (job.message, job.phone.as_str(), job.body.as_str()),
        (queued.id, "+5511987654321", "Olá, Maria!")
    );
    // A crash now (claimed, not recorded): the same message is claimed again, not skipped.
    let again = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.message, queued.id);

    outbox::mark_sent(&store, acc, queued.id, "true_x_3EB01", 1)
        .await
        .unwrap();
    assert!(
        outbox::claim_next(&store, acc, number)
            .await
            .unwrap()
            .is_none()
    );
    let status = |store: Store| async move {
        conversations::thread(&store, acc, conv, None, 10)
            .await
            .unwrap()
            .pop()
            .unwrap()
            .status
    };
    assert_eq!(status(store.clone()).await, MessageStatus::Sent);
    outbox::apply_ack(&store, acc, number, &["true_x_3EB01".into()], 3)
        .await
        .unwrap();
    assert_eq!(status(store.clone()).await, MessageStatus::Read);
    outbox::apply_ack(&store, acc, number, &["true_x_3EB01".into()], 2)
        .await
        .unwrap();
    outbox::apply_ack(&store, acc, number, &["true_x_3EB01".into()], -1)
        .await
        .unwrap();
    assert_eq!(
        status(store.clone()).await,
        MessageStatus::Read,
        "acks never move backwards"
    );

    // The same id coming back from WhatsApp as "from me" is the same message.
    let echo = Inbound {
        from_me: true,
        ..text("true_x_3EB01", "+5511987654321", "Olá, Maria!", 9)
    };
    assert!(ingest(&store, acc, number, &echo).await.unwrap().is_none());
}

#[tokio::test]
async fn a_release_puts_it_back_and_a_failure_is_recorded_with_its_reason() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let a = outbox::enqueue_text(&store, acc, conv, "primeira")
        .await
        .unwrap();
    let b = outbox::enqueue_text(&store, acc, conv, "segunda")
        .await
        .unwrap();
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.message, a.id, "oldest first");
    outbox::release(&store, acc, a.id, false).await.unwrap();
    outbox::mark_failed(&store, acc, a.id, "número bloqueado")
        .await
        .unwrap();
    let next = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.message, b.id);
    let msgs = conversations::thread(&store, acc, conv, None, 10)
        .await
        .unwrap();
    let failed = msgs.iter().find(|m| m.id == a.id).unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (MessageStatus::Failed, Some("número bloqueado"))
    );
}

#[tokio::test]
async fn other_accounts_see_nothing() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let other = accounts::create(
        &store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    assert!(
        conversations::list(
            &store,
            other,
            &ListFilter {
                limit: 10,
                ..Default::default()
            }
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        conversations::thread(&store, other, conv, None, 10)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ConversationUnknown
    );
    assert_eq!(
        outbox::enqueue_text(&store, other, conv, "x")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ConversationUnknown
    );
    assert!(
        outbox::claim_next(&store, other, number)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        instances::get(&store, other, number)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NumberUnknown
    );
}

#[tokio::test]
async fn thread_pages_back_in_time() {
    let (_dir, store, acc, number) = setup().await;
    let mut conv = None;
    for i in 0..30 {
        let got = ingest(
            &store,
            acc,
            number,
            &text(&format!("m{i}"), "+5511987654321", &format!("msg {i}"), i),
        )
        .await
        .unwrap()
        .unwrap();
        conv = Some(got.conversation);
    }
    let conv = conv.unwrap();
    let last = conversations::thread(&store, acc, conv, None, 10)
        .await
        .unwrap();
    assert_eq!(last.first().unwrap().body, "msg 20");
    assert_eq!(last.last().unwrap().body, "msg 29");
    let before = conversations::thread(&store, acc, conv, Some(last[0].created_at), 10)
        .await
        .unwrap();
    assert!(before.iter().all(|m| m.created_at < last[0].created_at));
}

#[tokio::test]
async fn sair_opts_the_contact_out_once_with_one_confirmation_and_can_be_reversed() {
    let (_dir, store, acc, number) = setup().await;
    let first = ingest(&store, acc, number, &text("in1", "+5511987654321", "Oi", 1))
        .await
        .unwrap()
        .unwrap();
    assert!(!first.opted_out);
    let got = ingest(
        &store,
        acc,
        number,
        &text("in2", "+5511987654321", " Sair! ", 2),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(got.opted_out);
    let contact = contacts::get(&store, acc, got.contact).await.unwrap();
    assert!(contact.opted_out_at.is_some());
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.body, zapdesk_core::opt_out::CONFIRMATION);
    outbox::mark_sent(&store, acc, job.message, "true_x_1", 1)
        .await
        .unwrap();
    // Saying it again changes nothing and sends nothing more.
    let again = ingest(
        &store,
        acc,
        number,
        &text("in3", "+5511987654321", "PARAR", 3),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!again.opted_out);
    assert!(
        outbox::claim_next(&store, acc, number)
            .await
            .unwrap()
            .is_none()
    );
    // A conversation about cancelling is not an opt-out.
    let other = ingest(
        &store,
        acc,
        number,
        &text("in4", "+5521912345678", "como cancelar o pedido?", 4),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!other.opted_out);
    // An operator reverses it.
    assert!(
        zapdesk_core::opt_out::set(&store, acc, got.contact, false)
            .await
            .unwrap()
    );
    assert_eq!(
        contacts::get(&store, acc, got.contact)
            .await
            .unwrap()
            .opted_out_at,
        None
    );
}

async fn stored(store: &Store, acc: AccountId, conv: ConversationId) -> Vec<Message> {
    conversations::thread(store, acc, conv, None, 100)
        .await
        .unwrap()
}

/// What WhatsApp Web reports for one of our own sends: a `from_me` message
/// under the id we derived from the row, still at ack 0 (queued there).
fn echo_of(row: MessageId, body: &str, ack: i32) -> Inbound {
    Inbound {
        wa_id: own_ids::outgoing("5511987654321@c.us", row),
        phone: "+5511987654321".into(),
        from_me: true,
        body: body.into(),
        sent_at: 5_000,
        ack: Some(ack),
        ..Default::default()
    }
}

#[tokio::test]
async fn our_own_send_reported_back_is_the_outbox_row_and_never_jams_the_number() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let slow = outbox::enqueue_text(&store, acc, conv, "lenta")
        .await
        .unwrap();
    let next = outbox::enqueue_text(&store, acc, conv, "depois")
        .await
        .unwrap();
    // The send of the first went unanswered in time: released, not failed.
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.message, slow.id);
    outbox::release(&store, acc, slow.id, true).await.unwrap();

    // WhatsApp reports it back as a message of ours: the same row, no copy.
    let got = ingest(&store, acc, number, &echo_of(slow.id, "lenta", 0))
        .await
        .unwrap()
        .unwrap();
    assert!(got.own, "recognised as our own send");
    assert_eq!((got.message, got.conversation), (slow.id, conv));
    let all = stored(&store, acc, conv).await;
    assert_eq!(all.len(), 3, "Oi, lenta, depois: {all:?}");
    let row = all.iter().find(|m| m.id == slow.id).unwrap();
    assert_eq!(
        (row.status, row.wa_message_id.clone()),
        (MessageStatus::Sending, Some(echo_of(slow.id, "", 0).wa_id)),
        "queued in WhatsApp: still the clock, with WhatsApp's id"
    );
    // A repeat of the report changes nothing.
    assert!(
        ingest(&store, acc, number, &echo_of(slow.id, "lenta", 0))
            .await
            .unwrap()
            .is_none()
    );

    // WhatsApp has it: the number's next send is the message behind it.
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.message, next.id);
    outbox::mark_sent(&store, acc, next.id, &echo_of(next.id, "", 0).wa_id, 1)
        .await
        .unwrap();
    assert!(
        outbox::claim_next(&store, acc, number)
            .await
            .unwrap()
            .is_none()
    );

    // The server's ack moves it on.
    outbox::apply_ack(&store, acc, number, &[echo_of(slow.id, "", 0).wa_id], 1)
        .await
        .unwrap();
    let all = stored(&store, acc, conv).await;
    assert!(
        all.iter()
            .filter(|m| m.direction == Direction::Outbound)
            .all(|m| m.status == MessageStatus::Sent)
    );
}

#[tokio::test]
async fn a_send_that_keeps_going_unanswered_waits_behind_the_others() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let a = outbox::enqueue_text(&store, acc, conv, "a").await.unwrap();
    let b = outbox::enqueue_text(&store, acc, conv, "b").await.unwrap();
    let claim = || async {
        outbox::claim_next(&store, acc, number)
            .await
            .unwrap()
            .unwrap()
            .message
    };
    assert_eq!(claim().await, a.id);
    // Not connected: it never left, so it keeps its place.
    outbox::release(&store, acc, a.id, false).await.unwrap();
    assert_eq!(claim().await, a.id);
    // Tried and unanswered: the others go first.
    outbox::release(&store, acc, a.id, true).await.unwrap();
    assert_eq!(claim().await, b.id);
    outbox::mark_sent(&store, acc, b.id, "true_x_3EB0B", 1)
        .await
        .unwrap();
    assert_eq!(claim().await, a.id, "and it is tried again after them");
}

#[tokio::test]
async fn a_copy_stored_by_an_older_version_is_folded_into_the_row_instead_of_jamming_it() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let mine = outbox::enqueue_text(&store, acc, conv, "minha")
        .await
        .unwrap();
    let later = outbox::enqueue_text(&store, acc, conv, "depois")
        .await
        .unwrap();
    let wa_id = echo_of(mine.id, "", 0).wa_id;
    // What the bug left: the echo stored as a second outbound row holding
    // WhatsApp's id (and its acks), the real row `sending` with none.
    outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, wa_message_id, direction, kind, body, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'outbound', 'text', 'minha', 'delivered', 9, 9)",
    )
    .bind(MessageId::new())
    .bind(acc)
    .bind(conv)
    .bind(number)
    .bind(&wa_id)
    .execute(store.pool_for_sync())
    .await
    .unwrap();
    // The resend finds it at WhatsApp; recording that used to hit the unique id.
    outbox::mark_sent(&store, acc, mine.id, &wa_id, 1)
        .await
        .unwrap();
    let all = stored(&store, acc, conv).await;
    assert_eq!(all.len(), 3, "the copy is gone: {all:?}");
    let row = all.iter().find(|m| m.id == mine.id).unwrap();
    assert_eq!(
        (row.status, row.wa_message_id.as_deref()),
        (MessageStatus::Delivered, Some(wa_id.as_str())),
        "the copy's ack is kept"
    );
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.message, later.id, "the number goes on");
}

#[tokio::test]
async fn queued_in_whatsapp_is_not_sent_and_a_later_error_is_shown() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    let m = outbox::enqueue_text(&store, acc, conv, "fila")
        .await
        .unwrap();
    outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    outbox::mark_sent(&store, acc, m.id, "true_x_3EB0Q", 0)
        .await
        .unwrap();
    let row = || async {
        stored(&store, acc, conv)
            .await
            .into_iter()
            .find(|x| x.id == m.id)
            .unwrap()
    };
    assert_eq!(
        row().await.status,
        MessageStatus::Sending,
        "ack 0 is not sent yet"
    );
    assert!(
        outbox::claim_next(&store, acc, number)
            .await
            .unwrap()
            .is_none(),
        "WhatsApp delivers it itself"
    );
    outbox::apply_ack(&store, acc, number, &["true_x_3EB0Q".into()], -1)
        .await
        .unwrap();
    let failed = row().await;
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (MessageStatus::Failed, Some("WhatsApp"))
    );
}

#[tokio::test]
async fn one_action_asked_twice_queues_one_message() {
    let (_dir, store, acc, number) = setup().await;
    let conv = maria_wrote(&store, acc, number).await;
    // Two clicks on Enviar before the first answer: the same action id.
    let action = MessageId::new();
    let (a, b) = tokio::join!(
        outbox::enqueue_text_once(&store, acc, conv, action, "Abrimos às 8h."),
        outbox::enqueue_text_once(&store, acc, conv, action, "Abrimos às 8h."),
    );
    assert_eq!((a.unwrap().id, b.unwrap().id), (action, action));
    let file = zapdesk_core::inbox::attachments::Attachment {
        name: "cardapio.pdf".into(),
        mime: "application/pdf".into(),
        bytes: b"%PDF-1.4".to_vec(),
        kind: MessageKind::Document,
    };
    let doc = MessageId::new();
    for _ in 0..2 {
        outbox::enqueue_file_once(&store, acc, conv, doc, &file, "")
            .await
            .unwrap();
    }
    let all = stored(&store, acc, conv).await;
    assert_eq!(all.len(), 3, "Oi, one reply, one file: {all:?}");
    let files = std::fs::read_dir(_dir.path().join("media").join(acc.to_string()))
        .unwrap()
        .count();
    assert_eq!(files, 1, "the repeated action wrote no second file");
    // An id of another conversation's message is refused, not reused.
    let other = ingest(
        &store,
        acc,
        number,
        &text("in2", "+5521912345678", "Olá", 2),
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    assert!(
        outbox::enqueue_text_once(&store, acc, other, action, "x")
            .await
            .is_err()
    );
    // Another account reusing the id neither sees nor overwrites this one.
    let shop = accounts::create(
        &store,
        &AccountInput {
            name: "Padaria".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let theirs = instances::create(
        &store,
        shop,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let their_conv = maria_wrote(&store, shop, theirs).await;
    assert!(
        outbox::enqueue_text_once(&store, shop, their_conv, action, "x")
            .await
            .is_err()
    );
    let mine = stored(&store, acc, conv).await;
    assert!(
        mine.iter()
            .any(|m| m.id == action && m.body == "Abrimos às 8h.")
    );
}
