//! An opt-out is never lost to an unrelated edit (issue 13, item 6): the
//! decision about opt-out merges by its own clock, the rest of the row by
//! the row's, on both desktops and on the server. The later decision wins,
//! so an operator's opt-in still lifts an opt-out. Push and pull are driven
//! step by step against the real PostgreSQL.

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use crate::common::{operator, outcome, seed_account};
use sqlx::{Executor, PgConnection};
use uuid::Uuid;
use zapdesk_core::contacts::{self, Contact, ContactInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{ContactId, InstanceId};
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;

const MARIA: &str = "+5511987650001";

fn person(name: &str) -> ContactInput {
    ContactInput {
        phone: MARIA.to_owned(),
        name: Some(name.to_owned()),
    }
}

/// Maria writes SAIR to the number, on the desktop running it.
async fn maria_writes_sair(d: &Desktop, number: InstanceId) {
    let got = ingest(
        &d.store,
        d.account_id(),
        number,
        &Inbound {
            wa_id: "false_5511987650001@c.us_3EB0SAIR".into(),
            phone: MARIA.into(),
            body: "SAIR".into(),
            sent_at: 1_700_000_000_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    assert!(got.opted_out);
}

/// A desktop with Maria and a number, and a second one that pulled both.
async fn two_desktops_with_maria(
    db: &ScratchDatabase,
) -> (Desktop, Desktop, ContactId, InstanceId) {
    let a = first_desktop(db).await;
    let b = other_desktop(db, &a).await;
    let number = instances::create(
        &a.store,
        a.account_id(),
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let maria = contacts::create(&a.store, a.account_id(), &person("Maria"))
        .await
        .unwrap()
        .id;
    a.sync().await;
    b.sync().await;
    assert!(contact(&b, maria).await.opted_out_at.is_none());
    (a, b, maria, number)
}

async fn contact(d: &Desktop, id: ContactId) -> Contact {
    contacts::get(&d.store, d.account_id(), id).await.unwrap()
}

async fn row_clock(d: &Desktop, id: ContactId) -> String {
    sqlx::query_scalar("SELECT hlc FROM contacts WHERE id = ?")
        .bind(id)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

/// Moves a desktop's clock just past `after`: its next write is later than
/// the write `after` stamped (as when its wall clock reads a little ahead).
async fn clock_past(d: &Desktop, after: &str) {
    let ms: i64 = after[..13].parse().unwrap();
    sqlx::query("UPDATE sync_clock SET ms = ?1 + 1, counter = 0 WHERE id = 1 AND ms <= ?1")
        .bind(ms)
        .execute(d.pool())
        .await
        .unwrap();
}

/// (name, opted out) of the server's row.
async fn on_server(owner: &mut PgConnection, id: ContactId) -> (Option<String>, bool) {
    let (name, opted_out_at): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT name, opted_out_at FROM zapdesk.contacts WHERE id = $1")
            .bind(id)
            .fetch_one(owner)
            .await
            .unwrap();
    (name, opted_out_at.is_some())
}

async fn everywhere(
    a: &Desktop,
    b: &Desktop,
    owner: &mut PgConnection,
    id: ContactId,
) -> [(Option<String>, bool); 3] {
    let seen = |c: Contact| (c.name, c.opted_out_at.is_some());
    [
        seen(contact(a, id).await),
        seen(contact(b, id).await),
        on_server(owner, id).await,
    ]
}

#[tokio::test]
async fn a_name_edited_offline_with_a_later_clock_keeps_the_opt_out_everywhere() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let (a, b, maria, number) = two_desktops_with_maria(&db).await;

    // B goes offline. Maria writes SAIR on A's number; A pushes.
    maria_writes_sair(&a, number).await;
    a.push().await;
    // Then, on B, still offline, an operator fixes her name: a later write
    // of the whole row that never saw the opt-out.
    clock_past(&b, &row_clock(&a, maria).await).await;
    contacts::update(&b.store, b.account_id(), maria, &person("Maria Silva"))
        .await
        .unwrap();
    assert!(row_clock(&b, maria).await > row_clock(&a, maria).await);

    // B comes back: pushes its edit, pulls. A pulls.
    b.sync().await;
    a.sync().await;
    b.pull().await;

    let expected = (Some("Maria Silva".to_owned()), true);
    assert_eq!(
        everywhere(&a, &b, &mut owner, maria).await,
        [expected.clone(), expected.clone(), expected],
        "[A, B, server]: B's name and the opt-out"
    );
    assert_eq!(a.rows().await, b.rows().await, "the desktops agree");
    assert_eq!((a.waiting().await, b.waiting().await), (0, 0));
}

#[tokio::test]
async fn an_opt_out_pushed_after_a_later_edit_of_the_row_still_reaches_everyone() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let (a, b, maria, number) = two_desktops_with_maria(&db).await;

    // A is offline when Maria writes SAIR; B edits her name later (a later
    // row clock) and pushes first.
    maria_writes_sair(&a, number).await;
    clock_past(&b, &row_clock(&a, maria).await).await;
    contacts::update(&b.store, b.account_id(), maria, &person("Maria Silva"))
        .await
        .unwrap();
    b.push().await;
    // A comes back: its row is older than the server's, its opt-out is not.
    a.sync().await;
    b.pull().await;

    let expected = (Some("Maria Silva".to_owned()), true);
    assert_eq!(
        everywhere(&a, &b, &mut owner, maria).await,
        [expected.clone(), expected.clone(), expected],
        "[A, B, server]: B's name and the opt-out"
    );
    assert_eq!(a.rows().await, b.rows().await, "the desktops agree");
}

#[tokio::test]
async fn an_operators_later_opt_in_lifts_the_opt_out_whatever_else_changed() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let (a, b, maria, number) = two_desktops_with_maria(&db).await;
    maria_writes_sair(&a, number).await;
    a.sync().await;
    b.sync().await;
    assert!(contact(&b, maria).await.opted_out_at.is_some());

    // Maria asks to be back (she wrote SAIR by mistake); an operator on A
    // opts her in and A pushes. B, offline, edits her name later.
    assert!(
        zapdesk_core::opt_out::set(&a.store, a.account_id(), maria, false)
            .await
            .unwrap()
    );
    a.push().await;
    clock_past(&b, &row_clock(&a, maria).await).await;
    contacts::update(&b.store, b.account_id(), maria, &person("Maria Silva"))
        .await
        .unwrap();
    b.sync().await;
    a.sync().await;
    b.pull().await;

    // B's edit did not decide about opt-out: A's opt-in, the later
    // decision, holds everywhere.
    let expected = (Some("Maria Silva".to_owned()), false);
    assert_eq!(
        everywhere(&a, &b, &mut owner, maria).await,
        [expected.clone(), expected.clone(), expected],
        "[A, B, server]: B's name and the opt-in"
    );
    assert_eq!(a.rows().await, b.rows().await, "the desktops agree");

    // And a later opt-out wins over that opt-in again.
    assert!(
        zapdesk_core::opt_out::set(&b.store, b.account_id(), maria, true)
            .await
            .unwrap()
    );
    b.sync().await;
    a.pull().await;
    assert!(contact(&a, maria).await.opted_out_at.is_some());
    assert!(on_server(&mut owner, maria).await.1);
}

/// (name, opted_out_at, opted_out_hlc, hlc) of a server row.
async fn stored(
    conn: &mut PgConnection,
    id: Uuid,
) -> (Option<String>, Option<i64>, Option<String>, String) {
    sqlx::query_as(
        "SELECT name, opted_out_at, opted_out_hlc::text, hlc::text FROM zapdesk.contacts WHERE id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await
    .unwrap()
}

/// Whatever an operator's login sends, the server keeps the later decision
/// about opt-out: a write of the whole row with a later row clock, with no
/// opt-out clock or an older one, leaves it as it was; a later opt-out clock
/// changes it, and one from the future is refused like a row's clock.
#[tokio::test]
async fn the_server_changes_an_opt_out_only_with_a_later_decision() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let seeded = seed_account(&mut owner, "Padaria A").await;
    let agent = operator(&db, seeded.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;
    let maria = seeded.contact;
    // An insert that opts out without a clock of its own takes the row's.
    let ana = Uuid::now_v7();
    conn.execute(
        format!(
            "INSERT INTO zapdesk.contacts (id, account_id, phone, opted_out_at, created_at, updated_at, hlc)
             VALUES ('{ana}', '{}', '+5511987650003', 5, 1, 1, '1700000000005-00000-a')",
            seeded.account
        )
        .as_str(),
    )
    .await
    .unwrap();
    assert_eq!(
        stored(&mut conn, ana).await.2.as_deref(),
        Some("1700000000005-00000-a")
    );

    conn.execute(
        format!(
            "UPDATE zapdesk.contacts SET opted_out_at = 10, opted_out_hlc = '1700000000010-00000-a',
                    hlc = '1700000000010-00000-a' WHERE id = '{maria}'"
        )
        .as_str(),
    )
    .await
    .unwrap();
    // A later row without the opt-out, and no clock for it: the name goes
    // in, the opt-out stays.
    conn.execute(
        format!(
            "UPDATE zapdesk.contacts SET name = 'Maria Silva', opted_out_at = NULL,
                    hlc = '1700000000020-00000-b' WHERE id = '{maria}'"
        )
        .as_str(),
    )
    .await
    .unwrap();
    assert_eq!(
        stored(&mut conn, maria).await,
        (
            Some("Maria Silva".into()),
            Some(10),
            Some("1700000000010-00000-a".into()),
            "1700000000020-00000-b".into()
        )
    );
    // An older decision: still the stored one.
    conn.execute(
        format!(
            "UPDATE zapdesk.contacts SET opted_out_at = NULL, opted_out_hlc = '1700000000009-00000-b',
                    hlc = '1700000000030-00000-b' WHERE id = '{maria}'"
        )
        .as_str(),
    )
    .await
    .unwrap();
    assert_eq!(stored(&mut conn, maria).await.1, Some(10));
    // An older row with a later decision: only the decision is taken.
    conn.execute(
        format!(
            "UPDATE zapdesk.contacts SET name = 'Maria Antiga', opted_out_at = NULL,
                    opted_out_hlc = '1700000000015-00000-c', hlc = '1700000000015-00000-c'
             WHERE id = '{maria}'"
        )
        .as_str(),
    )
    .await
    .unwrap();
    assert_eq!(
        stored(&mut conn, maria).await,
        (
            Some("Maria Silva".into()),
            None,
            Some("1700000000015-00000-c".into()),
            "1700000000030-00000-b".into()
        )
    );
    // A decision from the future is refused, as a row's clock is.
    let ahead = format!("{}-00000-c", zapdesk_core::time::now_ms() + 3_600_000);
    let refused = conn
        .execute(
            format!(
                "UPDATE zapdesk.contacts SET opted_out_at = 1, opted_out_hlc = '{ahead}' WHERE id = '{maria}'"
            )
            .as_str(),
        )
        .await;
    assert_eq!(outcome(&refused), "23514");
}

/// An opt-out made while the desktop's date was a year ahead is parked
/// (`hlc_ahead`) like any such change; once the date is fixed, "Tentar de
/// novo" gives it a fresh clock, the opt-out's own clock included, and it
/// reaches the others.
#[tokio::test]
async fn an_opt_out_parked_for_a_clock_ahead_goes_once_the_date_is_fixed() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let (a, b, maria, number) = two_desktops_with_maria(&db).await;
    sqlx::query("UPDATE sync_clock SET ms = ms + 365 * 86400000 WHERE id = 1")
        .execute(a.pool())
        .await
        .unwrap();
    maria_writes_sair(&a, number).await;
    let report = a.push().await;
    assert!(report.parked >= 1, "{report:?}");
    assert!(!on_server(&mut owner, maria).await.1);

    // The date is fixed; "Tentar de novo".
    assert!(zapdesk_sync::parked::retry(a.pool()).await.unwrap() >= 1);
    let report = a.push().await;
    let parked = zapdesk_sync::parked::list(a.pool(), zapdesk_core::Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(report.parked, 0, "{report:?} {parked:?}");
    b.pull().await;
    assert!(on_server(&mut owner, maria).await.1);
    assert!(contact(&b, maria).await.opted_out_at.is_some());
}

/// A server provisioned before 0009: its opted-out contacts take their
/// row's clock as the opt-out's (as each desktop's copy does in sqlite
/// 0016), the others none.
#[tokio::test]
async fn a_server_from_before_0009_gives_its_opt_outs_their_rows_clock() {
    let db = ScratchDatabase::create().await;
    let mut owner = db.connect_owner().await;
    let before: Vec<_> = zapdesk_sync::MIGRATOR.iter().take(8).cloned().collect();
    assert_eq!(before.last().unwrap().version, 8);
    let old = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(before),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    // What provisioning sets up around the migrations.
    owner
        .execute(
            format!(
                "CREATE ROLE \"{group}\" NOLOGIN; CREATE SCHEMA zapdesk;
                 SELECT set_config('zapdesk.operator_group', '{group}', false),
                        set_config('search_path', 'zapdesk', false);",
                group = db.group
            )
            .as_str(),
        )
        .await
        .unwrap();
    old.run(&mut owner).await.unwrap();
    let (account, eva, ivo) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    owner
        .execute(
            format!(
                "INSERT INTO zapdesk.accounts (id, name, created_at, updated_at, hlc)
                 VALUES ('{account}', 'Antiga', 1, 1, '1700000000000-00000-a');
                 INSERT INTO zapdesk.contacts (id, account_id, phone, opted_out_at, created_at, updated_at, hlc) VALUES
                     ('{eva}', '{account}', '+5511987650001', 7, 1, 1, '1700000000007-00000-a'),
                     ('{ivo}', '{account}', '+5511987650002', NULL, 1, 1, '1700000000008-00000-a');"
            )
            .as_str(),
        )
        .await
        .unwrap();
    drop(owner);

    let report = zapdesk_sync::provision::provision(&db.owner(), Some(&db.group))
        .await
        .unwrap();
    assert!(report.applied.contains(&9), "{report:?}");
    let mut owner = db.connect_owner().await;
    assert_eq!(
        stored(&mut owner, eva).await.2.as_deref(),
        Some("1700000000007-00000-a")
    );
    assert_eq!(stored(&mut owner, ivo).await.2, None);
}

/// Two rows for one phone merged after the server refused the second
/// (`merge.rs`): the row that goes keeps its later opt-out in the one that
/// stays. A changed Carla's phone to the one B, offline, gave a new contact
/// that then opted out.
#[tokio::test]
async fn an_opt_out_survives_its_row_being_merged_into_another() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let carla = |phone: &str| ContactInput {
        phone: phone.to_owned(),
        name: Some("Carla".to_owned()),
    };
    let old = contacts::create(&a.store, acc, &carla("+5511987650100"))
        .await
        .unwrap()
        .id;
    a.sync().await;
    b.sync().await;
    contacts::update(&a.store, acc, old, &carla("+5511987650200"))
        .await
        .unwrap();
    a.sync().await;
    let new = contacts::create(&b.store, acc, &carla("+5511987650200"))
        .await
        .unwrap()
        .id;
    assert!(
        zapdesk_core::opt_out::set(&b.store, acc, new, true)
            .await
            .unwrap()
    );

    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.sync().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    assert!(contact(&a, old).await.opted_out_at.is_some());
    assert!(contact(&b, old).await.opted_out_at.is_some());
    assert!(on_server(&mut owner, old).await.1);
}
