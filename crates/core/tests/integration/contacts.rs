//! Contacts against a real SQLite file: scoping by account, validation, search.

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::contacts::{self, ContactInput, ContactQuery};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::{AccountId, ContactId, ErrorCode, Lang, Store, UserError};

async fn setup() -> (tempfile::TempDir, Store, AccountId) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Conta".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (dir, store, acc.id)
}

fn person(phone: &str, name: &str) -> ContactInput {
    ContactInput {
        phone: phone.into(),
        name: Some(name.into()),
    }
}

fn everything() -> ContactQuery {
    ContactQuery {
        filter: ContactFilter::default(),
        offset: 0,
        limit: 100,
    }
}

fn search(s: &str) -> ContactQuery {
    ContactQuery {
        filter: ContactFilter {
            search: Some(s.into()),
            ..ContactFilter::default()
        },
        ..everything()
    }
}

async fn names(store: &Store, account: AccountId, q: &ContactQuery) -> Vec<String> {
    contacts::list(store, account, q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.contact.name.unwrap_or(c.contact.phone))
        .collect()
}

#[tokio::test]
async fn create_normalises_phone_and_lists_by_name() {
    let (_dir, store, acc) = setup().await;
    let c = contacts::create(&store, acc, &person("(11) 98765-4321", " João  Silva "))
        .await
        .unwrap();
    assert_eq!(c.phone, "+5511987654321");
    assert_eq!(c.name.as_deref(), Some("João Silva"));
    contacts::create(&store, acc, &person("21 99876-5432", "ana"))
        .await
        .unwrap();
    contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "31 98888-7777".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        names(&store, acc, &everything()).await,
        ["ana", "João Silva", "+5531988887777"]
    );
}

#[tokio::test]
async fn contacts_of_one_account_are_invisible_to_another() {
    let (_dir, store, a) = setup().await;
    let b = accounts::create(
        &store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let c = contacts::create(&store, a, &person("11987654321", "Só da A"))
        .await
        .unwrap();
    // The same phone may exist in another account: they are different businesses.
    contacts::create(&store, b, &person("11987654321", "Da B"))
        .await
        .unwrap();
    assert_eq!(names(&store, b, &everything()).await, ["Da B"]);
    assert_eq!(
        contacts::get(&store, b, c.id).await.unwrap_err().code(),
        ErrorCode::ContactUnknown
    );
    assert_eq!(
        contacts::update(&store, b, c.id, &person("11911112222", "x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ContactUnknown
    );
    assert_eq!(
        contacts::delete(&store, b, c.id).await.unwrap_err().code(),
        ErrorCode::ContactUnknown
    );
    assert_eq!(
        contacts::get(&store, a, c.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Só da A")
    );
}

#[tokio::test]
async fn duplicate_phone_in_the_same_account_is_refused_in_any_spelling() {
    let (_dir, store, acc) = setup().await;
    let first = contacts::create(&store, acc, &person("+55 11 98765-4321", "Primeiro"))
        .await
        .unwrap();
    let err = contacts::create(&store, acc, &person("(11) 98765 4321", "Segundo"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PhoneDuplicate);
    assert!(err.message(Lang::PtBr).contains("+5511987654321"));
    let other = contacts::create(&store, acc, &person("11 91234-5678", "Outro"))
        .await
        .unwrap();
    let err = contacts::update(&store, acc, other.id, &person("11987654321", "Outro"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PhoneDuplicate);
    assert_eq!(
        contacts::get(&store, acc, other.id).await.unwrap().phone,
        "+5511912345678",
        "refused edit wrote nothing"
    );
    assert_eq!(
        contacts::list(&store, acc, &everything())
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        contacts::get(&store, acc, first.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Primeiro")
    );
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let (_dir, store, acc) = setup().await;
    let cases = [
        (person("", "Sem telefone"), ErrorCode::PhoneInvalid),
        (person("12345", "Curto"), ErrorCode::PhoneInvalid),
        (
            person("11987654321", &"n".repeat(contacts::NAME_MAX + 1)),
            ErrorCode::NameTooLong,
        ),
    ];
    for (bad, code) in cases {
        let err = contacts::create(&store, acc, &bad).await.unwrap_err();
        assert_eq!(err.code(), code, "{bad:?}");
        assert!(!err.message(Lang::PtBr).is_empty() && !err.message(Lang::En).is_empty());
    }
    let unknown = contacts::create(&store, AccountId::new(), &person("11987654321", "x"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::AccountUnknown);
    let unknown = contacts::list(&store, AccountId::new(), &everything())
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::AccountUnknown);
    assert_eq!(
        contacts::list(&store, acc, &everything())
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn an_archived_account_takes_no_new_contacts() {
    let (_dir, store, acc) = setup().await;
    accounts::set_archived(&store, acc, true).await.unwrap();
    let err = contacts::create(&store, acc, &person("11987654321", "x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountArchived);
    // One error for it, whatever was refused: a number says the same.
    let number = zapdesk_core::instances::create(
        &store,
        acc,
        &zapdesk_core::instances::NumberInput {
            name: "Vendas".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(number.code(), ErrorCode::AccountArchived);
    for lang in Lang::ALL {
        assert_eq!(number.message(lang), err.message(lang));
    }
    assert!(
        err.message(Lang::PtBr)
            .contains("Restaure-a em Configurações → Contas")
    );
}

#[tokio::test]
async fn update_and_delete() {
    let (_dir, store, acc) = setup().await;
    let c = contacts::create(&store, acc, &person("11987654321", "Maria"))
        .await
        .unwrap();
    let u = contacts::update(
        &store,
        acc,
        c.id,
        &person("+55 11 91234-5678", "Maria Souza"),
    )
    .await
    .unwrap();
    assert_eq!(
        (u.phone.as_str(), u.name.as_deref()),
        ("+5511912345678", Some("Maria Souza"))
    );
    assert!(u.updated_at >= c.updated_at);
    contacts::delete(&store, acc, c.id).await.unwrap();
    assert_eq!(
        contacts::get(&store, acc, c.id).await.unwrap_err().code(),
        ErrorCode::ContactUnknown
    );
    assert_eq!(
        contacts::delete(&store, acc, ContactId::new())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ContactUnknown
    );
}

#[tokio::test]
async fn search_by_name_ignores_case_and_accents_and_by_phone_digits() {
    let (_dir, store, acc) = setup().await;
    contacts::create(&store, acc, &person("11987654321", "João Conceição"))
        .await
        .unwrap();
    contacts::create(&store, acc, &person("21912345678", "Ana 100%"))
        .await
        .unwrap();
    contacts::create(&store, acc, &person("31955554444", "Bruno"))
        .await
        .unwrap();
    assert_eq!(
        names(&store, acc, &search("joao")).await,
        ["João Conceição"]
    );
    assert_eq!(
        names(&store, acc, &search("CONCEIÇAO")).await,
        ["João Conceição"]
    );
    assert_eq!(
        names(&store, acc, &search("(21) 91234")).await,
        ["Ana 100%"]
    );
    assert_eq!(names(&store, acc, &search("5555")).await, ["Bruno"]);
    // LIKE wildcards in the query are literal characters.
    assert_eq!(names(&store, acc, &search("%")).await, ["Ana 100%"]);
    assert_eq!(
        names(&store, acc, &search("zzz")).await,
        Vec::<String>::new()
    );
    assert_eq!(names(&store, acc, &search("  ")).await.len(), 3);
}

#[tokio::test]
async fn paging_returns_windows_and_the_total() {
    let (_dir, store, acc) = setup().await;
    for i in 0..25 {
        contacts::create(
            &store,
            acc,
            &person(
                &format!("11 9{:04}-{:04}", 1000 + i, i),
                &format!("Pessoa {i:02}"),
            ),
        )
        .await
        .unwrap();
    }
    let page = contacts::list(
        &store,
        acc,
        &ContactQuery {
            filter: ContactFilter::default(),
            offset: 20,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.offset, 20);
    let got: Vec<_> = page
        .items
        .iter()
        .map(|c| c.contact.name.clone().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "Pessoa 20",
            "Pessoa 21",
            "Pessoa 22",
            "Pessoa 23",
            "Pessoa 24"
        ]
    );
}

/// The total of an unfiltered page is the count migration 0024's triggers
/// keep; after creates, deletes of one and of a selection, an LGPD erasure
/// and in another account, it equals what a filter that matches everyone
/// but is not "no filter" counts row by row.
#[tokio::test]
async fn the_kept_total_follows_every_insert_and_delete() {
    let (_dir, store, acc) = setup().await;
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
    let counted = ContactQuery {
        filter: ContactFilter {
            created_after: Some(0),
            ..ContactFilter::default()
        },
        ..everything()
    };
    let totals = async |account| {
        let kept = contacts::list(&store, account, &everything())
            .await
            .unwrap()
            .total;
        let counted = contacts::list(&store, account, &counted)
            .await
            .unwrap()
            .total;
        assert_eq!(kept, counted, "kept against counted");
        kept
    };
    assert_eq!(totals(acc).await, 0);
    let mut ids = Vec::new();
    for i in 0..6 {
        let c = contacts::create(&store, acc, &person(&format!("+55119876543{i:02}"), "Ana"))
            .await
            .unwrap();
        ids.push(c.id);
    }
    contacts::create(&store, other, &person("+5511987654399", "Bia"))
        .await
        .unwrap();
    assert_eq!((totals(acc).await, totals(other).await), (6, 1));

    contacts::delete(&store, acc, ids[0]).await.unwrap();
    assert_eq!(totals(acc).await, 5);
    let selection = zapdesk_core::filter::ContactSelection::Ids {
        ids: ids[1..3].to_vec(),
    };
    contacts::delete_selection(&store, acc, &selection)
        .await
        .unwrap();
    assert_eq!(totals(acc).await, 3);
    let actor = zapdesk_core::lgpd::Actor {
        id: None,
        name: "zapdesk-cli".into(),
    };
    zapdesk_core::lgpd::erase(&store, acc, ids[3], &actor)
        .await
        .unwrap();
    assert_eq!((totals(acc).await, totals(other).await), (2, 1));
}
