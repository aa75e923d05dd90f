//! NOTIFY: a desktop whose engine listens pulls another desktop's change
//! without polling. Observed through the engine's status watch; the timeout
//! only guards against a hang.

#![allow(clippy::unwrap_used)] // a failed setup step in a test should panic

mod common;

use std::time::Duration;

use common::desktop::{first_desktop, other_desktop};
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
