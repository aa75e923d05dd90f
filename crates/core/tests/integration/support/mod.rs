//! What most core tests start from: a store in a temporary folder and an account.

#![allow(dead_code)]

pub mod automation;

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::{InstanceKind, InstanceStatus};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store};

/// A fresh store; keep the folder alive as long as the store.
pub async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

pub async fn account(store: &Store, name: &str) -> AccountId {
    accounts::create(
        store,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

/// A direct connection to the store's file, for what the app sets itself
/// (creation times, …) or for reading every table.
pub async fn raw(dir: &tempfile::TempDir) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap()
}

/// A Sandbox number, marked connected when asked (what the fleet records).
pub async fn number(store: &Store, acc: AccountId, name: &str, connected: bool) -> InstanceId {
    let n = instances::create(
        store,
        acc,
        &NumberInput {
            name: name.into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap();
    if connected {
        instances::set_status(store, acc, n.id, InstanceStatus::Connected, None, None)
            .await
            .unwrap();
    }
    n.id
}

/// Gives the operator the account, as the team screen does: chats go only
/// to operators who may see their account (`assignment::operator_in`).
pub async fn give_account(store: &Store, user: zapdesk_core::UserId, acc: AccountId) {
    sqlx::query(
        "INSERT INTO user_accounts (user_id, account_id, created_at) VALUES (?, ?, 0)
         ON CONFLICT DO NOTHING",
    )
    .bind(user)
    .bind(acc)
    .execute(store.pool_for_sync())
    .await
    .unwrap();
}
