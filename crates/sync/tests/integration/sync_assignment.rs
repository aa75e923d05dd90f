//! Fair assignment's roster on two desktops through the real PostgreSQL
//! (issue 18, item 6): each operator's status and cap is a row of its own
//! (`assignment_operators`), so two desktops changing two operators at the
//! same time both keep both changes. With the roster as one JSON column of
//! the bot settings row (before sqlite 0035) the later of the two whole
//! rosters won and one operator's change was lost.

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use zapdesk_core::UserId;
use zapdesk_core::assignment::{self, AssignmentSettings};
use zapdesk_core::domain::Role;
use zapdesk_core::team::{self, Invitation};
use zapdesk_core::users;
use zapdesk_sync::testing::ScratchDatabase;

/// The operator who works at desktop `d`, given its account, chosen there.
async fn operator_here(d: &Desktop, name: &str) -> UserId {
    let id = team::invite(
        &d.store,
        &Invitation {
            name: name.into(),
            email: format!("{}@agencia.com.br", name.to_lowercase()),
            role: Role::Agent,
            accounts: vec![d.account_id()],
        },
    )
    .await
    .unwrap()
    .id;
    users::set_me(&d.store, id).await.unwrap();
    id
}

/// Each operator's (e-mail, available, cap), by e-mail.
fn states(s: &AssignmentSettings) -> Vec<(String, bool, Option<u32>)> {
    let mut out: Vec<_> = s
        .operators
        .iter()
        .map(|o| (o.email.clone(), o.available, o.cap))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn two_desktops_changing_two_operators_at_once_keep_both_changes() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    let acc = a.account_id();

    operator_here(&a, "Ana").await;
    let bruno = operator_here(&b, "Bruno").await;
    // At the same time, neither desktop having seen the other's change.
    assignment::set_available(&a.store, true).await.unwrap();
    assignment::set_available(&b.store, true).await.unwrap();
    a.push().await;
    b.push().await;
    a.pull().await;
    b.pull().await;

    let expected = vec![
        ("ana@agencia.com.br".to_owned(), true, None),
        ("bruno@agencia.com.br".to_owned(), true, None),
    ];
    let on_a = assignment::settings(&a.store, acc).await.unwrap();
    let on_b = assignment::settings(&b.store, acc).await.unwrap();
    assert_eq!(states(&on_a), expected, "desktop A");
    assert_eq!(states(&on_b), expected, "desktop B");

    // Again, crossing: Ana goes away at A while, at B, Bruno gets his own
    // cap (set by whoever manages there: nobody chosen may manage).
    assignment::set_available(&a.store, false).await.unwrap();
    sqlx::query("DELETE FROM settings WHERE key = 'current_user'")
        .execute(b.pool())
        .await
        .unwrap();
    assignment::set_operator_cap(&b.store, acc, bruno, Some(3))
        .await
        .unwrap();
    b.push().await;
    a.push().await;
    a.pull().await;
    b.pull().await;

    let expected = vec![
        ("ana@agencia.com.br".to_owned(), false, None),
        ("bruno@agencia.com.br".to_owned(), true, Some(3)),
    ];
    let on_a = assignment::settings(&a.store, acc).await.unwrap();
    let on_b = assignment::settings(&b.store, acc).await.unwrap();
    assert_eq!(states(&on_a), expected, "desktop A");
    assert_eq!(states(&on_b), expected, "desktop B");
    assert_eq!(a.rows().await, b.rows().await);
}
