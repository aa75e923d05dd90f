//! Tags on contacts against a real SQLite file.

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{ErrorCode, Store, UserError};

#[tokio::test]
async fn tags_are_unique_coloured_applied_in_bulk_and_scoped_to_the_account() {
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
    let input = |n: &str, c: &str| TagInput {
        name: n.into(),
        color: c.into(),
    };
    let vip = tags::create(&store, acc, &input(" VIP ", "#F59E0B"))
        .await
        .unwrap();
    assert_eq!((vip.name.as_str(), vip.color.as_str()), ("VIP", "#f59e0b"));
    assert_eq!(
        tags::create(&store, acc, &input("VIP", "#000000"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::TagDuplicate
    );
    assert_eq!(
        tags::create(&store, acc, &input("x", "amarelo"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ColorInvalid
    );
    assert_eq!(
        tags::create(&store, acc, &input(" ", "#000000"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NameEmpty
    );
    tags::create(&store, other, &input("VIP", "#000000"))
        .await
        .unwrap();

    let mut ids = Vec::new();
    for (i, phone) in ["11911110001", "11911110002", "11911110003"]
        .iter()
        .enumerate()
    {
        let c = contacts::create(
            &store,
            acc,
            &ContactInput {
                phone: (*phone).into(),
                name: Some(format!("C{i}")),
            },
        )
        .await
        .unwrap();
        ids.push(c.id);
    }
    let theirs = contacts::create(
        &store,
        other,
        &ContactInput {
            phone: "11911110009".into(),
            name: None,
        },
    )
    .await
    .unwrap()
    .id;
    let mut with_foreign = ids.clone();
    with_foreign.push(theirs);
    assert_eq!(
        tags::apply(&store, acc, vip.id, &with_foreign, true)
            .await
            .unwrap(),
        3,
        "the other account's contact is ignored"
    );
    assert_eq!(
        tags::apply(&store, acc, vip.id, &ids, true).await.unwrap(),
        0,
        "applying twice changes nothing"
    );
    assert_eq!(
        tags::of_contact(&store, acc, ids[0]).await.unwrap(),
        vec![vip.clone()]
    );
    assert!(
        tags::of_contact(&store, other, theirs)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tags::apply(&store, acc, vip.id, &ids[..2], false)
            .await
            .unwrap(),
        2
    );
    assert!(
        tags::of_contact(&store, acc, ids[0])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tags::of_contact(&store, acc, ids[2]).await.unwrap().len(),
        1
    );
    assert_eq!(
        tags::apply(&store, other, vip.id, &ids, true)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::TagUnknown
    );
    tags::delete(&store, acc, vip.id).await.unwrap();
    assert!(
        tags::of_contact(&store, acc, ids[2])
            .await
            .unwrap()
            .is_empty(),
        "deleting a tag takes it off everyone"
    );
    for lang in zapdesk_core::Lang::ALL {
        assert!(
            !tags::delete(&store, acc, vip.id)
                .await
                .unwrap_err()
                .message(lang)
                .is_empty()
        );
    }
}
