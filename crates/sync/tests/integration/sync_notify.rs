//! NOTIFY: a desktop whose engine listens pulls another desktop's change
//! without polling. Observed through the engine's status watch; the timeout
//! only guards against a hang.

use std::time::Duration;

use crate::common::desktop::{first_desktop, other_desktop};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::{Engine, EngineConfig, SyncState};

#[tokio::test]
async fn a_listening_desktop_pulls_a_change_as_soon_as_it_is_pushed() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    a.sync().await;

    let mut config = EngineConfig::new(b.remote.clone());
    // No periodic pull gets in the way: only the notification can bring it.
    config.resync_interval = Duration::from_secs(3600);
    let engine = Engine::start(&b.store, config);
    let mut status = engine.status();
    let guard = Duration::from_secs(30);
    tokio::time::timeout(guard, status.wait_for(|s| s.state == SyncState::Synced))
        .await
        .unwrap()
        .unwrap();
    let before = status.borrow().pulled;

    let ana = contacts::create(
        &a.store,
        a.account_id(),
        &ContactInput {
            phone: "+5511987650009".into(),
            name: Some("Ana".into()),
        },
    )
    .await
    .unwrap();
    a.push().await;
    tokio::time::timeout(guard, status.wait_for(|s| s.pulled > before))
        .await
        .unwrap()
        .unwrap();
    let on_b = contacts::get(&b.store, b.account_id(), ana.id)
        .await
        .unwrap();
    assert_eq!(on_b.name.as_deref(), Some("Ana"));
    assert_eq!(b.waiting().await, 0);
    engine.stop().await;
}

/// The whole way with no interval doing the work: A's commit wakes A's
/// engine (the store's outbox hook), its push notifies B's engine.
#[tokio::test]
async fn a_local_edit_reaches_the_other_desktop_without_waiting_for_an_interval() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let quiet = |remote| {
        let mut config = EngineConfig::new(remote);
        config.push_interval = Duration::from_secs(3600);
        config.resync_interval = Duration::from_secs(3600);
        config
    };
    let engine_a = Engine::start(&a.store, quiet(a.remote.clone()));
    let engine_b = Engine::start(&b.store, quiet(b.remote.clone()));
    let guard = Duration::from_secs(30);
    let (mut status_a, mut status_b) = (engine_a.status(), engine_b.status());
    for status in [&mut status_a, &mut status_b] {
        tokio::time::timeout(guard, status.wait_for(|s| s.state == SyncState::Synced))
            .await
            .unwrap()
            .unwrap();
    }
    let before = status_b.borrow().pulled;

    let bia = contacts::create(
        &a.store,
        a.account_id(),
        &ContactInput {
            phone: "+5511987650010".into(),
            name: Some("Bia".into()),
        },
    )
    .await
    .unwrap();
    tokio::time::timeout(guard, status_b.wait_for(|s| s.pulled > before))
        .await
        .expect("B never pulled A's edit: A's engine was not woken by the commit")
        .unwrap();
    let on_b = contacts::get(&b.store, b.account_id(), bia.id)
        .await
        .unwrap();
    assert_eq!(on_b.name.as_deref(), Some("Bia"));
    tokio::time::timeout(guard, status_a.wait_for(|s| s.waiting == 0))
        .await
        .unwrap()
        .unwrap();
    engine_a.stop().await;
    engine_b.stop().await;
}
