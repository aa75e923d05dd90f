//! The app's side of sync: the saved connection (settings in the local store,
//! password in the credential store, here an in-memory one) and the engine's
//! lifecycle (start on save, start again on the next app start, stop and
//! forget on disconnect) against the real scratch server. Waits are on the
//! runner's view; the timeouts only guard against a hang.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::desktop::first_desktop;
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::{ErrorCode, Lang, Store, settings};
use zapdesk_sync::runner::Sink;
use zapdesk_sync::testing::{ScratchDatabase, use_memory_keyring};
use zapdesk_sync::{
    ConnectionSettings, Password, RemoteError, SavedPassword, SyncRunner, SyncState, SyncView,
    TlsMode, saved,
};

const GUARD: Duration = Duration::from_secs(30);

fn recorder() -> (Sink, Arc<Mutex<Vec<SyncView>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&seen);
    let sink: Sink = Arc::new(move |v: &SyncView| into.lock().unwrap().push(v.clone()));
    (sink, seen)
}

async fn synced(runner: &SyncRunner, check: impl Fn(&SyncView) -> bool) -> SyncView {
    let mut view = runner.watch();
    tokio::time::timeout(
        GUARD,
        view.wait_for(|v| {
            v.status
                .as_ref()
                .is_some_and(|s| s.state == SyncState::Synced)
                && check(v)
        }),
    )
    .await
    .unwrap()
    .unwrap()
    .clone()
}

#[tokio::test]
async fn a_saved_connection_syncs_survives_a_restart_and_disconnect_forgets_it() {
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let desk = first_desktop(&db).await;
    let (sink, seen) = recorder();
    let runner = SyncRunner::new(desk.store.clone(), sink);
    runner.resume(Lang::PtBr).await.unwrap();
    assert_eq!(runner.view().connection, None, "nothing saved: local only");

    let connection = ConnectionSettings::new("127.0.0.1", 5432, &db.name, &desk.role);
    // The scratch server trusts local logins; the password still round-trips.
    let password = Password::new("senha-do-operador-123");
    let remote = runner
        .connect(connection.clone(), &password, Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(remote.operator, desk.role);
    assert_eq!(remote.schema_version, zapdesk_sync::latest_version());
    synced(&runner, |v| v.connection.as_ref() == Some(&connection)).await;

    assert_eq!(
        saved::load(&desk.store).await.unwrap(),
        Some(connection.clone())
    );
    assert_eq!(
        SavedPassword::of(&connection).unwrap().load().unwrap(),
        password
    );
    let raw = settings::sync_connection(&desk.store)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !raw.contains(password.expose()),
        "no password in the settings: {raw}"
    );
    runner.shutdown().await;

    // The next app start finds the connection and syncs a change made offline.
    contacts::create(
        &desk.store,
        desk.account_id(),
        &ContactInput {
            phone: "+5511987650077".into(),
            name: Some("Bia".into()),
        },
    )
    .await
    .unwrap();
    let (sink, _) = recorder();
    let again = SyncRunner::new(desk.store.clone(), sink);
    again.resume(Lang::En).await.unwrap();
    // Read at once, before any other task ran (this runtime has one
    // thread): the app's login refresh does so right after `resume`.
    assert_eq!(again.view().connection, Some(connection.clone()));
    let view = synced(&again, |v| {
        v.status.as_ref().is_some_and(|s| s.waiting == 0)
    })
    .await;
    assert_eq!(view.connection, Some(connection.clone()));
    assert_eq!(desk.waiting().await, 0, "the offline change was pushed");

    again.disconnect().await.unwrap();
    assert_eq!(
        again.view(),
        SyncView {
            connection: None,
            status: None
        }
    );
    assert_eq!(saved::load(&desk.store).await.unwrap(), None);
    let gone = SavedPassword::of(&connection).unwrap().load().unwrap_err();
    assert!(
        matches!(gone, RemoteError::SecretMissing { .. }),
        "{gone:?}"
    );
    // The first runner's sink saw the synced state with the connection.
    assert!(seen.lock().unwrap().iter().any(|v| {
        v.connection.is_some()
            && v.status
                .as_ref()
                .is_some_and(|s| s.state == SyncState::Synced)
    }));
}

async fn empty_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn a_missing_password_shows_as_an_error_and_unsafe_settings_are_not_saved() {
    use_memory_keyring();
    let (_dir, store) = empty_store().await;
    let connection = ConnectionSettings::new("db.abcdefgh.supabase.co", 5432, "postgres", "zd_x");
    saved::save(&store, &connection, &Password::new("p"))
        .await
        .unwrap();
    SavedPassword::of(&connection).unwrap().forget().unwrap();
    let (sink, _) = recorder();
    let runner = SyncRunner::new(store.clone(), sink);
    runner.resume(Lang::PtBr).await.unwrap();
    let view = runner.view();
    assert_eq!(view.connection, Some(connection));
    match view.status.map(|s| s.state) {
        Some(SyncState::Error { code, message }) => {
            assert_eq!(code, ErrorCode::RemoteSecretUnavailable);
            assert!(message.contains("zd_x"), "{message}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    runner.disconnect().await.unwrap();

    let plain = ConnectionSettings {
        tls: TlsMode::Disable,
        ..ConnectionSettings::new("db.abcdefgh.supabase.co", 5432, "postgres", "zd_y")
    };
    let err = saved::save(&store, &plain, &Password::new("p"))
        .await
        .unwrap_err();
    assert_eq!(
        zapdesk_core::UserError::code(&err),
        ErrorCode::RemoteInvalid
    );
    assert_eq!(saved::load(&store).await.unwrap(), None);
    assert!(SavedPassword::of(&plain).unwrap().load().is_err());
}

/// The screens read again what a pull changed: each table and account is
/// told after the commit, and a pull that changes nothing tells nothing.
#[tokio::test]
async fn a_pull_tells_which_tables_and_account_it_changed() {
    use zapdesk_core::changes::{Change, Table};
    use zapdesk_sync::testing::desktop::other_desktop;

    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    let (sink, _) = recorder();
    let runner = SyncRunner::new(b.store.clone(), sink);
    let mut changes = runner.changes();
    let connection = ConnectionSettings::new("127.0.0.1", 5432, &db.name, &b.role);
    runner
        .connect(connection, &Password::new("x"), Lang::PtBr)
        .await
        .unwrap();
    // Receives until `want` comes; every change on the way is the account's.
    let account = a.account_id();
    let mut until = async |want: Change| {
        tokio::time::timeout(GUARD, async {
            loop {
                let change = changes.recv().await.unwrap();
                assert_eq!(change.account, Some(account), "{change:?}");
                if change == want {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {want:?}"))
    };
    // The first pull brings the account itself.
    until(Change::of(account, Table::Accounts)).await;
    synced(&runner, |_| true).await;

    contacts::create(
        &a.store,
        a.account_id(),
        &ContactInput {
            phone: "+5511987650088".into(),
            name: Some("Caio".into()),
        },
    )
    .await
    .unwrap();
    a.push().await;
    // The server notifies B, whose engine pulls the contact and says so.
    until(Change::of(account, Table::Contacts)).await;
    runner.shutdown().await;

    // Pulled again by hand: nothing new, no table changed.
    let report = b.pull().await;
    assert!(report.changed.is_empty(), "{report:?}");
    assert_eq!(report.applied, 0);
}
