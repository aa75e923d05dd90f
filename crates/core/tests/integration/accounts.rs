//! Accounts against a real SQLite file.

use zapdesk_core::accounts::{self, AccountError, AccountInput, AccountStatus, Plan};
use zapdesk_core::{AccountId, ErrorCode, Lang, Store, UserError};

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

fn input(name: &str) -> AccountInput {
    AccountInput {
        name: name.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_list_and_get() {
    let (_dir, store) = store().await;
    let b = accounts::create(&store, &input("  Clínica   Sorriso "))
        .await
        .unwrap();
    let a = accounts::create(
        &store,
        &AccountInput {
            name: "academia Forma".into(),
            phone: Some("(11) 3456-7890".into()),
            plan: Plan::Pro,
            status: AccountStatus::Trial,
        },
    )
    .await
    .unwrap();
    assert_eq!(b.name, "Clínica Sorriso");
    assert_eq!(a.phone.as_deref(), Some("+551134567890"));
    assert_eq!((a.plan, a.status), (Plan::Pro, AccountStatus::Trial));
    let listed: Vec<_> = accounts::list(&store, false)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(listed, [a.id, b.id], "sorted by name, ignoring case");
    assert_eq!(accounts::get(&store, a.id).await.unwrap(), a);
}

#[tokio::test]
async fn update_renames_and_sets_phone_plan_status() {
    let (_dir, store) = store().await;
    let acc = accounts::create(&store, &input("Loja")).await.unwrap();
    let changed = accounts::update(
        &store,
        acc.id,
        &AccountInput {
            name: "Loja Centro".into(),
            phone: Some("+55 21 99876-5432".into()),
            plan: Plan::Enterprise,
            status: AccountStatus::Suspended,
        },
    )
    .await
    .unwrap();
    assert_eq!(changed.name, "Loja Centro");
    assert_eq!(changed.phone.as_deref(), Some("+5521998765432"));
    assert_eq!(
        (changed.plan, changed.status),
        (Plan::Enterprise, AccountStatus::Suspended)
    );
    assert_eq!(accounts::get(&store, acc.id).await.unwrap(), changed);

    let cleared = accounts::update(
        &store,
        acc.id,
        &AccountInput {
            phone: Some("  ".into()),
            ..input("Loja Centro")
        },
    )
    .await
    .unwrap();
    assert_eq!(cleared.phone, None);
}

#[tokio::test]
async fn archive_hides_and_restore_brings_back() {
    let (_dir, store) = store().await;
    let acc = accounts::create(&store, &input("Pet Shop")).await.unwrap();
    let archived = accounts::set_archived(&store, acc.id, true).await.unwrap();
    assert!(archived.archived_at.is_some());
    assert!(accounts::list(&store, false).await.unwrap().is_empty());
    assert_eq!(accounts::list(&store, true).await.unwrap().len(), 1);
    let restored = accounts::set_archived(&store, acc.id, false).await.unwrap();
    assert_eq!(restored.archived_at, None);
    assert_eq!(accounts::list(&store, false).await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let (_dir, store) = store().await;
    let cases = [
        (input("   "), ErrorCode::NameEmpty),
        (
            input(&"x".repeat(accounts::NAME_MAX + 1)),
            ErrorCode::NameTooLong,
        ),
        (
            AccountInput {
                phone: Some("12ab".into()),
                ..input("Ok")
            },
            ErrorCode::PhoneInvalid,
        ),
    ];
    for (bad, code) in cases {
        let err = accounts::create(&store, &bad).await.unwrap_err();
        assert_eq!(err.code(), code);
        for lang in Lang::ALL {
            assert!(!err.message(lang).is_empty());
        }
    }
    assert!(accounts::list(&store, true).await.unwrap().is_empty());

    let acc = accounts::create(&store, &input("Certa")).await.unwrap();
    let err = accounts::update(&store, acc.id, &input(""))
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::NameEmpty));
    assert_eq!(
        accounts::get(&store, acc.id).await.unwrap().name,
        "Certa",
        "a refused edit changes nothing"
    );
}

#[tokio::test]
async fn unknown_account_is_an_error_not_a_panic() {
    let (_dir, store) = store().await;
    let ghost = AccountId::new();
    assert_eq!(
        accounts::get(&store, ghost).await.unwrap_err().code(),
        ErrorCode::AccountUnknown
    );
    assert_eq!(
        accounts::update(&store, ghost, &input("X"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::AccountUnknown
    );
    assert_eq!(
        accounts::set_archived(&store, ghost, true)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::AccountUnknown
    );
    let msg = accounts::get(&store, ghost)
        .await
        .unwrap_err()
        .message(Lang::PtBr);
    assert!(msg.contains("não existe"), "{msg}");
}
