//! An account shared through the agency's server (the real PostgreSQL):
//! at start, the app asks for each shared number's lease before running it,
//! so a number another desktop holds is not started here, and the Numbers
//! screen says who runs it.

use std::time::Duration;

use crate::support::{self, Recorder};

use zapdesk_app::{App, Scope};
use zapdesk_core::instances;
use zapdesk_core::lease::LeaseAnswer;
use zapdesk_core::{Lang, domain::InstanceKind, instances::NumberInput};
use zapdesk_sync::leases::RemoteLeases;
use zapdesk_sync::testing::desktop::{Desktop, first_desktop, other_desktop};
use zapdesk_sync::testing::{ScratchDatabase, use_memory_keyring};
use zapdesk_sync::{ConnectionSettings, Password, SyncRunner};
use zapdesk_whatsapp::fleet::FleetConfig;
use zapdesk_whatsapp::status::Status;

/// Saves `desk`'s connection to the scratch server, as Settings does, so the
/// app resumes sync from it when it starts.
pub(crate) async fn save_connection(db: &ScratchDatabase, desk: &Desktop) {
    let saving = SyncRunner::new(desk.store.clone(), std::sync::Arc::new(|_| {}));
    saving
        .connect(
            ConnectionSettings::new("127.0.0.1", 5432, &db.name, &desk.role),
            &Password::new("senha-de-teste-123"),
            Lang::PtBr,
        )
        .await
        .unwrap();
    saving.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_number_another_desktop_runs_is_not_started_and_says_who_runs_it() {
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();

    // A has a number and runs it (holds its lease, for a minute).
    let number = instances::create(
        &a.store,
        acc,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    a.push().await;
    let leases_a = RemoteLeases::new(
        &a.store,
        a.remote.clone(),
        Duration::from_secs(60),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(matches!(
        leases_a.take(acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));

    // B knows the number, has it marked to run, and a saved connection.
    b.pull().await;
    instances::set_autostart(&b.store, acc, number, true)
        .await
        .unwrap();
    save_connection(&db, &b).await;

    // B's app starts: sync resumes, the lease is asked, the number waits.
    let told = Recorder::new();
    let config = FleetConfig {
        // Never launched: the test fails if it is.
        chromium: "/nonexistent/chromium".into(),
        ..FleetConfig::new(b.dir.path().to_path_buf())
    };
    let app = App::open_with(config, told.host()).await.unwrap();
    let started = app.start(Scope::All).await.unwrap();
    assert!(started.sync.is_ok(), "{:?}", started.sync);
    assert_eq!(started.numbers, 0);
    assert!(app.fleet().running(acc).is_empty());
    assert_eq!(app.fleet().status(number), Status::Stopped);

    let views = app.numbers_list(acc).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].number.id, number);
    let holder = views[0].runs_elsewhere.clone();
    assert!(
        holder.as_deref().is_some_and(|h| !h.is_empty()),
        "{holder:?}"
    );
    app.shutdown().await;
    // B's wait for the lease did not take it from A.
    assert!(support::chromiums_of(b.dir.path(), number).is_empty());
}

/// A contact created on another desktop reaches this app's `changed` sink as
/// that account's contacts, once pulled: the open Contacts screen refetches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_pulled_from_another_desktop_is_told_as_its_table_and_account() {
    use zapdesk_core::changes::{Change, Table};
    use zapdesk_core::contacts::{self, ContactInput};

    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    save_connection(&db, &b).await;

    let told = Recorder::new();
    let app = App::open_with(FleetConfig::new(b.dir.path().to_path_buf()), told.host())
        .await
        .unwrap();
    app.start(Scope::All).await.unwrap();
    contacts::create(
        &a.store,
        acc,
        &ContactInput {
            phone: "+5511987650099".into(),
            name: Some("Dora".into()),
        },
    )
    .await
    .unwrap();
    a.push().await;
    told.until_change(Change::of(acc, Table::Contacts)).await;
    // Named for its account, not as "every table changed".
    assert!(
        !told.changes().iter().any(|c| c.account.is_none()),
        "{:?}",
        told.changes()
    );
    app.shutdown().await;
}

/// With sync on, the desktop's operator is the login: at the next start the
/// app reads the login's role and accounts again, so an owner made an agent
/// on the server is an agent here (refused exports) without reconnecting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logins_role_is_read_again_at_start() {
    use zapdesk_core::access::{self, Area};
    use zapdesk_core::changes::{Change, Table};
    use zapdesk_core::domain::Role;
    use zapdesk_core::users;

    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    save_connection(&db, &a).await;
    let settings = ConnectionSettings::new("127.0.0.1", 5432, &db.name, &a.role);
    let status = zapdesk_sync::test_connection(&settings, &Password::new("-"))
        .await
        .unwrap();
    let told = Recorder::new();
    let app = App::open_with(FleetConfig::new(a.dir.path().to_path_buf()), told.host())
        .await
        .unwrap();
    app.adopt_login(&status).await.unwrap();
    let me = users::me(&a.store).await.unwrap().unwrap();
    assert_eq!(me.role, Role::Owner);
    access::require(&a.store, Area::Export).await.unwrap();

    // The owner of the database makes them an agent of the account.
    let mut owner = db.connect_owner().await;
    sqlx::query("UPDATE zapdesk.memberships SET role = 'agent' WHERE operator = $1")
        .bind(&a.role)
        .execute(&mut owner)
        .await
        .unwrap();
    told.clear();
    app.start(Scope::Account(a.account_id())).await.unwrap();
    told.until_change(Change {
        account: None,
        table: Table::Users,
    })
    .await;
    assert_eq!(
        users::me(&a.store).await.unwrap().unwrap().role,
        Role::Agent
    );
    assert!(access::require(&a.store, Area::Export).await.is_err());
    app.shutdown().await;
}
