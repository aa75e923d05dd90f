//! Opening, start order and stop order, on a local (not shared) data folder.

use crate::support::{self, Recorder, Told};

use zapdesk_app::{App, Host, Scope, Stage};
use zapdesk_core::{ErrorCode, UserError};
use zapdesk_whatsapp::fleet::FleetEvent;
use zapdesk_whatsapp::status::Status;

#[tokio::test]
async fn a_second_app_on_the_same_folder_is_refused_as_already_running() {
    let dir = tempfile::tempdir().unwrap();
    let first = App::open(dir.path(), Host::silent()).await.unwrap();
    let Err(refused) = App::open(dir.path(), Host::silent()).await else {
        panic!("two apps opened the same data folder");
    };
    assert_eq!(refused.code(), ErrorCode::AlreadyRunning);
    first.shutdown().await;
}

#[tokio::test]
async fn shutdown_twice_stops_each_part_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = App::open(dir.path(), told.host()).await.unwrap();
    app.start(Scope::All).await.unwrap();
    // The exit event and a signal may both ask.
    tokio::join!(app.shutdown(), app.shutdown());
    app.shutdown().await;
    assert_eq!(
        told.stages(),
        [
            Stage::SyncResumed,
            Stage::NumbersStarted,
            Stage::CampaignsStopped,
            Stage::FlowsStopped,
            Stage::FleetStopped,
            Stage::SyncStopped
        ]
    );
    assert!(app.campaigns_stopped());
    assert!(app.flows_stopped());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_start_after_sync_resumes_and_their_chromiums_close_at_shutdown() {
    let _one = support::serial();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let account = support::account(app.store()).await;
    let number = support::sandbox_number(app.store(), dir.path(), account).await;

    let started = app.start(Scope::All).await.unwrap();
    assert_eq!(started.numbers, 1);
    assert!(started.sync.is_ok());
    told.until_status(number, "a QR", |s| matches!(s, Status::AwaitingQr { .. }))
        .await;
    // The number's first event comes after sync resumed, never before.
    let all = told.all();
    let resumed = all
        .iter()
        .position(|t| matches!(t, Told::Stage(Stage::SyncResumed)))
        .unwrap();
    let first_number = all
        .iter()
        .position(|t| matches!(t, Told::Fleet(FleetEvent::Number { .. })))
        .unwrap();
    assert!(resumed < first_number, "{all:?}");
    assert_eq!(support::chromiums_of(dir.path(), number).len(), 1);

    app.shutdown().await;
    assert!(app.campaigns_stopped());
    assert!(app.flows_stopped());
    let stages = told.stages();
    assert_eq!(
        &stages[stages.len() - 4..],
        [
            Stage::CampaignsStopped,
            Stage::FlowsStopped,
            Stage::FleetStopped,
            Stage::SyncStopped
        ]
    );
    assert_eq!(support::chromiums_of(dir.path(), number), Vec::<u32>::new());
    assert!(app.fleet().running(account).is_empty());
    // Still meant to run next time.
    let kept = zapdesk_core::instances::get(app.store(), account, number)
        .await
        .unwrap();
    assert!(kept.autostart);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_for_one_account_starts_only_that_accounts_numbers() {
    let _one = support::serial();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let ours = support::account(app.store()).await;
    let theirs = support::account(app.store()).await;
    let number = support::sandbox_number(app.store(), dir.path(), ours).await;
    let other = support::sandbox_number(app.store(), dir.path(), theirs).await;

    let started = app.start(Scope::Account(ours)).await.unwrap();
    assert_eq!(started.numbers, 1);
    assert_eq!(app.fleet().running(ours), [number]);
    assert!(app.fleet().running(theirs).is_empty());
    assert!(support::chromiums_of(dir.path(), other).is_empty());
    app.shutdown().await;
    assert!(support::chromiums_of(dir.path(), number).is_empty());
}
