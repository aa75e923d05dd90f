//! Settings → Backup through the app as the window runs it: back up while
//! running, refuse a bad file without stopping anything, restore (the app
//! stops, the store is swapped, the data folder let go), and the next start
//! reads the restored data. Agents are refused.

use std::path::Path;

use zapdesk_app::{App, Host, Scope};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::Role;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, ErrorCode, Store, UserError};

use crate::support;

async fn add(store: &Store, account: AccountId, phone: &str, name: &str) {
    contacts::create(
        store,
        account,
        &ContactInput {
            phone: phone.into(),
            name: Some(name.into()),
        },
    )
    .await
    .unwrap();
}

async fn count(store: &Store, account: AccountId) -> u32 {
    contacts::count(store, account, &ContactFilter::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_restore_stops_the_app_swaps_the_store_and_the_next_start_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    app.start(Scope::All).await.unwrap();
    let account = support::account(app.store()).await;
    add(app.store(), account, "11987654321", "Ana").await;
    let made = app.back_up_now().await.unwrap();
    add(app.store(), account, "11912345678", "Bruno").await;

    // A file that is not a backup: refused, and the app runs on.
    let notes = dir.path().join("notas.txt");
    std::fs::write(&notes, "não é um backup").unwrap();
    let e = app.restore_backup(&notes, false).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::BackupInvalid);
    assert_eq!(count(app.store(), account).await, 2);
    assert!(!app.campaigns_stopped());

    let status = app.backup_status().await.unwrap();
    assert_eq!(
        status.last.as_ref().map(|b| b.path.as_str()),
        Some(made.path.as_str())
    );
    assert!(!status.sync_on);

    let restored = app
        .restore_backup(Path::new(&made.path), false)
        .await
        .unwrap();
    assert!(app.campaigns_stopped() && app.flows_stopped());
    let safety = restored.safety_copy.unwrap();
    assert!(Path::new(&safety).starts_with(&status.safety_folder));

    // The restarted process: the folder is free, the store is the backup's.
    let again = App::open(dir.path(), Host::silent()).await.unwrap();
    assert_eq!(count(again.store(), account).await, 1);
    let listed = again.backup_status().await.unwrap().backups;
    assert!(listed.iter().any(|b| b.path == safety));
    again.shutdown().await;
}

#[tokio::test]
async fn an_agent_may_not_back_up_or_restore() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    let user = |name: &str, role| UserInput {
        name: name.into(),
        email: format!("{name}@agencia.com.br"),
        role,
    };
    users::create(app.store(), &user("dona", Role::Owner))
        .await
        .unwrap();
    let agent = users::create(app.store(), &user("agente", Role::Agent))
        .await
        .unwrap();
    users::set_me(app.store(), agent.id).await.unwrap();
    let forbidden = |e: zapdesk_app::AppError| assert_eq!(e.code(), ErrorCode::OperatorForbidden);
    forbidden(app.back_up_now().await.unwrap_err());
    forbidden(app.backup_status().await.unwrap_err());
    let somewhere = dir.path().join("x.sqlite3");
    forbidden(app.restore_backup(&somewhere, true).await.unwrap_err());
    app.shutdown().await;
}
