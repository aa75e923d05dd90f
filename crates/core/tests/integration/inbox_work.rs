//! Working the inbox against a real SQLite file: filters and paging of the
//! chat list, assignment, status and bot/human ownership, notes, drafts,
//! quick replies, files, and accent-insensitive search.

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::{ConversationStatus, InstanceKind, MessageKind, Role};
use zapdesk_core::inbox::attachments;
use zapdesk_core::inbox::conversations::{self, AssigneeFilter, Cursor, ListFilter};
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::inbox::quick_replies::{self, QuickReplyInput};
use zapdesk_core::inbox::search::{self, MARK_END, MARK_START};
use zapdesk_core::inbox::work::{self, Owner};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, ConversationId, ErrorCode, InstanceId, Store, UserError};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    acc: AccountId,
    a: InstanceId,
    b: InstanceId,
}

async fn fixture() -> Fixture {
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
    let a = instances::create(
        &store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let b = instances::create(
        &store,
        acc,
        &NumberInput {
            name: "Suporte".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    Fixture {
        _dir: dir,
        store,
        acc,
        a,
        b,
    }
}

async fn says(
    f: &Fixture,
    number: InstanceId,
    phone: &str,
    wa_id: &str,
    body: &str,
    at: i64,
) -> ConversationId {
    let msg = Inbound {
        wa_id: wa_id.into(),
        phone: phone.into(),
        body: body.into(),
        sent_at: at,
        ..Default::default()
    };
    ingest(&f.store, f.acc, number, &msg)
        .await
        .unwrap()
        .unwrap()
        .conversation
}

fn all(limit: u32) -> ListFilter {
    ListFilter {
        limit,
        ..ListFilter::default()
    }
}

async fn ids(f: &Fixture, filter: &ListFilter) -> Vec<ConversationId> {
    conversations::list(&f.store, f.acc, filter)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

#[tokio::test]
async fn the_list_is_newest_first_filters_by_number_status_and_assignee_and_pages() {
    let f = fixture().await;
    let c1 = says(&f, f.a, "+5511911110001", "m1", "primeiro", 1_000).await;
    let c2 = says(&f, f.b, "+5511911110002", "m2", "segundo", 2_000).await;
    let c3 = says(&f, f.a, "+5511911110003", "m3", "terceiro", 3_000).await;
    assert_eq!(ids(&f, &all(10)).await, [c3, c2, c1]);
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                instance: Some(f.a),
                ..all(10)
            }
        )
        .await,
        [c3, c1]
    );

    let ana = users::create(
        &f.store,
        &UserInput {
            name: "Ana".into(),
            email: "ana@agencia.com".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    crate::support::give_account(&f.store, ana.id, f.acc).await;
    work::assign(&f.store, f.acc, c2, Some(ana.id))
        .await
        .unwrap();
    work::set_status(&f.store, f.acc, c1, ConversationStatus::Resolved)
        .await
        .unwrap();
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                assignee: Some(AssigneeFilter::User(ana.id)),
                ..all(10)
            }
        )
        .await,
        [c2]
    );
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                assignee: Some(AssigneeFilter::Unassigned),
                ..all(10)
            }
        )
        .await,
        [c3, c1]
    );
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                status: Some(ConversationStatus::Resolved),
                ..all(10)
            }
        )
        .await,
        [c1]
    );
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                status: Some(ConversationStatus::Open),
                ..all(10)
            }
        )
        .await,
        [c3, c2]
    );
    let row = conversations::get(&f.store, f.acc, c2).await.unwrap();
    assert_eq!(
        (row.assignee_name.as_deref(), row.owner),
        (Some("Ana"), Owner::Human)
    );

    // Pages: two, then what comes after the last one shown.
    let first = conversations::list(&f.store, f.acc, &all(2)).await.unwrap();
    let last = first.last().unwrap();
    let after = Cursor {
        last_message_at: last.last_message_at.unwrap(),
        id: last.id,
    };
    assert_eq!(
        ids(
            &f,
            &ListFilter {
                after: Some(after),
                ..all(2)
            }
        )
        .await,
        [c1]
    );
}

#[tokio::test]
async fn ownership_taking_over_silences_the_bot_until_handed_back_or_resolved() {
    let f = fixture().await;
    let c = says(&f, f.a, "+5511911110001", "m1", "oi", 1).await;
    assert_eq!(work::owner(&f.store, f.acc, c).await.unwrap(), Owner::Bot);
    work::set_owner(&f.store, f.acc, c, Owner::Human)
        .await
        .unwrap();
    assert_eq!(work::owner(&f.store, f.acc, c).await.unwrap(), Owner::Human);
    work::set_owner(&f.store, f.acc, c, Owner::Bot)
        .await
        .unwrap();
    assert_eq!(work::owner(&f.store, f.acc, c).await.unwrap(), Owner::Bot);
    work::set_owner(&f.store, f.acc, c, Owner::Human)
        .await
        .unwrap();
    work::set_status(&f.store, f.acc, c, ConversationStatus::Resolved)
        .await
        .unwrap();
    assert_eq!(
        work::owner(&f.store, f.acc, c).await.unwrap(),
        Owner::Bot,
        "resolving hands it back"
    );
    // A resolved conversation opens again when the contact writes.
    says(&f, f.a, "+5511911110001", "m2", "voltei", 2).await;
    assert_eq!(
        conversations::get(&f.store, f.acc, c).await.unwrap().status,
        ConversationStatus::Open
    );
}

#[tokio::test]
async fn assigning_to_an_unknown_operator_or_in_another_account_is_refused() {
    let f = fixture().await;
    let c = says(&f, f.a, "+5511911110001", "m1", "oi", 1).await;
    let ghost = zapdesk_core::UserId::new();
    assert_eq!(
        work::assign(&f.store, f.acc, c, Some(ghost))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::UserUnknown
    );
    let other = accounts::create(
        &f.store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    assert_eq!(
        work::set_status(&f.store, other, c, ConversationStatus::Pending)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ConversationUnknown
    );
    assert_eq!(
        work::add_note(&f.store, other, c, None, "x")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ConversationUnknown
    );
    assert_eq!(
        work::save_draft(&f.store, other, c, "x")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ConversationUnknown
    );
}

#[tokio::test]
async fn notes_are_kept_apart_from_messages_and_drafts_survive() {
    let f = fixture().await;
    let c = says(&f, f.a, "+5511911110001", "m1", "oi", 1).await;
    let ana = users::create(
        &f.store,
        &UserInput {
            name: "Ana".into(),
            email: "ANA@agencia.com ".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    assert_eq!(ana.email, "ana@agencia.com");
    let note = work::add_note(&f.store, f.acc, c, Some(ana.id), "  cliente VIP  ")
        .await
        .unwrap();
    assert_eq!(
        (note.body.as_str(), note.author_name.as_deref()),
        ("cliente VIP", Some("Ana"))
    );
    assert_eq!(
        work::add_note(&f.store, f.acc, c, None, "  ")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MessageEmpty
    );
    assert_eq!(
        conversations::thread(&f.store, f.acc, c, None, 10)
            .await
            .unwrap()
            .len(),
        1,
        "a note is not a message"
    );
    assert!(
        outbox::claim_next(&f.store, f.acc, f.a)
            .await
            .unwrap()
            .is_none(),
        "and is never sent"
    );

    assert_eq!(work::draft(&f.store, f.acc, c).await.unwrap(), None);
    work::save_draft(&f.store, f.acc, c, "Olá, tudo")
        .await
        .unwrap();
    assert_eq!(
        work::draft(&f.store, f.acc, c).await.unwrap().as_deref(),
        Some("Olá, tudo")
    );
    work::save_draft(&f.store, f.acc, c, "").await.unwrap();
    assert_eq!(work::draft(&f.store, f.acc, c).await.unwrap(), None);
}

#[tokio::test]
async fn quick_replies_have_unique_clean_shortcuts() {
    let f = fixture().await;
    let input = |s: &str, b: &str| QuickReplyInput {
        shortcut: s.into(),
        body: b.into(),
    };
    let q = quick_replies::create(
        &f.store,
        f.acc,
        &input("/Horario", "Abrimos das 8h às 18h."),
    )
    .await
    .unwrap();
    assert_eq!(q.shortcut, "horario");
    assert_eq!(
        quick_replies::create(&f.store, f.acc, &input("horario", "x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ShortcutDuplicate
    );
    assert_eq!(
        quick_replies::create(&f.store, f.acc, &input("com espaço", "x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ShortcutInvalid
    );
    assert_eq!(
        quick_replies::create(&f.store, f.acc, &input("pix", " "))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MessageEmpty
    );
    quick_replies::update(&f.store, f.acc, q.id, &input("horário", "Abrimos às 8h."))
        .await
        .unwrap();
    let list = quick_replies::list(&f.store, f.acc).await.unwrap();
    assert_eq!(
        (list[0].shortcut.as_str(), list[0].body.as_str()),
        ("horário", "Abrimos às 8h.")
    );
    let other = accounts::create(
        &f.store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    assert!(
        quick_replies::list(&f.store, other)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        quick_replies::delete(&f.store, other, q.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::QuickReplyUnknown
    );
    quick_replies::delete(&f.store, f.acc, q.id).await.unwrap();
}

#[tokio::test]
async fn a_file_is_queued_with_its_bytes_under_the_data_folder() {
    let f = fixture().await;
    let c = says(&f, f.a, "+5511911110001", "m1", "manda o cardápio", 1).await;
    let file = attachments::decode("cardapio.pdf", "application/pdf", "JVBERi0xLjQ=").unwrap();
    let queued = outbox::enqueue_file(&f.store, f.acc, c, &file, "Segue o cardápio")
        .await
        .unwrap();
    assert_eq!(
        (
            queued.kind,
            queued.body.as_str(),
            queued.media_name.as_deref()
        ),
        (
            MessageKind::Document,
            "Segue o cardápio",
            Some("cardapio.pdf")
        )
    );
    let job = outbox::claim_next(&f.store, f.acc, f.a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.kind, MessageKind::Document);
    let path = f.store.data_dir().join(job.media_path.unwrap());
    assert_eq!(std::fs::read(path).unwrap(), b"%PDF-1.4");
    let url = attachments::data_url(&f.store, f.acc, queued.id)
        .await
        .unwrap();
    assert_eq!(url, "data:application/pdf;base64,JVBERi0xLjQ=");
}

#[tokio::test]
async fn search_ignores_case_and_accents_ranks_and_marks_matches_within_the_account() {
    let f = fixture().await;
    let c1 = says(
        &f,
        f.a,
        "+5511911110001",
        "m1",
        "Qual é a PROMOÇÃO de hoje?",
        1,
    )
    .await;
    says(&f, f.a, "+5511911110002", "m2", "Tem pão de queijo?", 2).await;
    let c3 = says(
        &f,
        f.b,
        "+5511911110003",
        "m3",
        "promoção promoção promocao!",
        3,
    )
    .await;
    let hits = search::messages(&f.store, f.acc, "promocao", 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(
        hits[0].conversation_id, c3,
        "more matches rank first: {hits:?}"
    );
    let mine = hits.iter().find(|h| h.conversation_id == c1).unwrap();
    assert_eq!(
        mine.snippet,
        format!("Qual é a {MARK_START}PROMOÇÃO{MARK_END} de hoje?")
    );
    assert_eq!(
        search::messages(&f.store, f.acc, "PAO QUEIJO", 10)
            .await
            .unwrap()
            .len(),
        1,
        "every word, any case"
    );
    assert_eq!(
        search::messages(&f.store, f.acc, "pa", 10)
            .await
            .unwrap()
            .len(),
        1,
        "prefixes match"
    );
    assert!(
        search::messages(&f.store, f.acc, "\"", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let other = accounts::create(
        &f.store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    assert!(
        search::messages(&f.store, other, "promocao", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_quick_reply_is_edited_with_the_checks_of_create_and_only_in_its_account() {
    let f = fixture().await;
    let input = |s: &str, b: &str| QuickReplyInput {
        shortcut: s.into(),
        body: b.into(),
    };
    let pix = quick_replies::create(&f.store, f.acc, &input("pix", "Chave: CNPJ."))
        .await
        .unwrap();
    let hours = quick_replies::create(&f.store, f.acc, &input("horario", "Das 7h às 19h."))
        .await
        .unwrap();
    // Another reply's shortcut, a bad shortcut, an empty or too long text: refused, nothing changed.
    for (bad, code) in [
        (input("pix", "x"), ErrorCode::ShortcutDuplicate),
        (input("com espaço", "x"), ErrorCode::ShortcutInvalid),
        (input("horario", "  "), ErrorCode::MessageEmpty),
        (
            input("horario", &"a".repeat(4097)),
            ErrorCode::MessageTooLong,
        ),
    ] {
        assert_eq!(
            quick_replies::update(&f.store, f.acc, hours.id, &bad)
                .await
                .unwrap_err()
                .code(),
            code
        );
    }
    let other = accounts::create(
        &f.store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    assert_eq!(
        quick_replies::update(&f.store, other, hours.id, &input("horas", "x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::QuickReplyUnknown
    );
    let edited = quick_replies::update(
        &f.store,
        f.acc,
        hours.id,
        &input("/Horas", " Das 6h às 22h. "),
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.id, edited.shortcut.as_str(), edited.body.as_str()),
        (hours.id, "horas", "Das 6h às 22h.")
    );
    let list: Vec<_> = quick_replies::list(&f.store, f.acc)
        .await
        .unwrap()
        .into_iter()
        .map(|q| (q.shortcut, q.body))
        .collect();
    assert_eq!(
        list,
        vec![
            ("horas".to_owned(), "Das 6h às 22h.".to_owned()),
            ("pix".to_owned(), pix.body.clone()),
        ]
    );
}
