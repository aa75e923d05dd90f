//! Two desktops editing one account converge through the server: the same
//! rows on both, the later clock winning a conflicting edit, offline edits
//! merged on reconnect, deletes carried as tombstones. Push and pull are
//! driven step by step (no timing); the offline case runs the engine.

#![allow(clippy::unwrap_used)] // a failed setup step in a test should panic

mod common;

use std::time::Duration;

use common::desktop::{Desktop, first_desktop, operator_options, other_desktop};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::fields::{self, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::segments::{self, SegmentInput};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{ContactId, contacts::Contact};
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::{Engine, EngineConfig, SyncState};

fn person(phone: &str, name: &str) -> ContactInput {
    ContactInput {
        phone: phone.to_owned(),
        name: Some(name.to_owned()),
    }
}

async fn hlc_of(d: &Desktop, table: &str, id: ContactId) -> String {
    sqlx::query_scalar(&format!("SELECT hlc FROM {table} WHERE id = ?"))
        .bind(id)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

async fn contact(d: &Desktop, id: ContactId) -> Option<Contact> {
    contacts::get(&d.store, d.account_id(), id).await.ok()
}

#[tokio::test]
async fn two_desktops_editing_one_account_converge_with_the_later_clock_winning() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();

    // A builds the account's CRM; B joins with an empty store.
    let maria = contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    let joao = contacts::create(&a.store, acc, &person("+5511987650002", "João"))
        .await
        .unwrap();
    let vip = tags::create(
        &a.store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&a.store, acc, vip.id, &[maria.id, joao.id], true)
        .await
        .unwrap();
    let city = fields::create(
        &a.store,
        acc,
        &FieldInput {
            label: "Cidade".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    fields::set_values(
        &a.store,
        acc,
        maria.id,
        &[FieldValue {
            field_id: city.id,
            value: "Recife".into(),
        }],
    )
    .await
    .unwrap();
    segments::create(
        &a.store,
        acc,
        &SegmentInput {
            name: "Clientes VIP".into(),
            filter: ContactFilter {
                tags_all: vec![vip.id],
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    let pushed = a.push().await;
    assert!(pushed.entries > 0);
    assert_eq!(a.waiting().await, 0);
    // A also pulls: the account row the invitation published carries the
    // server's clock, later than A's own.
    a.pull().await;
    let pulled = b.pull().await;
    assert!(pulled.applied > 0 && pulled.conflicts == 0, "{pulled:?}");
    assert_eq!(a.rows().await, b.rows().await);
    // Pulled rows are not local changes of B: nothing loops back.
    assert_eq!(b.waiting().await, 0);
    // The derived search column is filled on B: an accentless search finds João.
    let found = contacts::list(
        &b.store,
        acc,
        &contacts::ContactQuery {
            filter: ContactFilter {
                search: Some("joao".into()),
                ..Default::default()
            },
            offset: 0,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(found.items.len(), 1);

    // Concurrent edits, neither desktop seeing the other's: both rename
    // Maria and set her city; A renames João, B takes VIP off João.
    contacts::update(
        &a.store,
        acc,
        maria.id,
        &person("+5511987650001", "Maria (A)"),
    )
    .await
    .unwrap();
    fields::set_values(
        &a.store,
        acc,
        maria.id,
        &[FieldValue {
            field_id: city.id,
            value: "Olinda".into(),
        }],
    )
    .await
    .unwrap();
    contacts::update(
        &b.store,
        acc,
        maria.id,
        &person("+5511987650001", "Maria (B)"),
    )
    .await
    .unwrap();
    fields::set_values(
        &b.store,
        acc,
        maria.id,
        &[FieldValue {
            field_id: city.id,
            value: "Natal".into(),
        }],
    )
    .await
    .unwrap();
    contacts::update(
        &a.store,
        acc,
        joao.id,
        &person("+5511987650002", "João Silva"),
    )
    .await
    .unwrap();
    tags::apply(&b.store, acc, vip.id, &[joao.id], false)
        .await
        .unwrap();
    let (clock_a, clock_b) = (
        hlc_of(&a, "contacts", maria.id).await,
        hlc_of(&b, "contacts", maria.id).await,
    );
    assert_ne!(clock_a, clock_b);
    let winner = if clock_b > clock_a {
        "Maria (B)"
    } else {
        "Maria (A)"
    };

    // Both push (the older write is refused by the server's clock check),
    // both pull; a second round changes nothing.
    a.push().await;
    b.push().await;
    a.pull().await;
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    let again = (
        a.push().await,
        b.push().await,
        a.pull().await,
        b.pull().await,
    );
    assert_eq!((again.2.applied, again.3.applied), (0, 0), "{again:?}");
    assert_eq!(a.rows().await, b.rows().await);

    assert_eq!(
        contact(&a, maria.id).await.unwrap().name.as_deref(),
        Some(winner)
    );
    assert_eq!(
        contact(&b, joao.id).await.unwrap().name.as_deref(),
        Some("João Silva")
    );
    assert!(
        tags::of_contact(&a.store, acc, joao.id)
            .await
            .unwrap()
            .is_empty()
    );
    // The later clock is kept on both and on the server.
    let mut owner = db.connect_owner().await;
    let remote: String = sqlx::query_scalar("SELECT name FROM zapdesk.contacts WHERE id = $1")
        .bind(maria.id.as_uuid())
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(remote, winner);
}

#[tokio::test]
async fn a_delete_on_one_desktop_removes_the_row_on_the_other() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let maria = contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    let joao = contacts::create(&a.store, acc, &person("+5511987650002", "João"))
        .await
        .unwrap();
    let vip = tags::create(
        &a.store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    let novo = tags::create(
        &a.store,
        acc,
        &TagInput {
            name: "Novo".into(),
            color: "#00ff00".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&a.store, acc, vip.id, &[maria.id, joao.id], true)
        .await
        .unwrap();
    a.sync().await;
    b.pull().await;
    assert!(contact(&b, joao.id).await.is_some());

    // A deletes João (his tag goes with him) and the tag "Novo".
    contacts::delete(&a.store, acc, joao.id).await.unwrap();
    tags::delete(&a.store, acc, novo.id).await.unwrap();
    a.push().await;
    let pulled = b.pull().await;
    // João's tombstone, his tag's (already gone with him locally), Novo's.
    assert!(pulled.received >= 3 && pulled.applied >= 2, "{pulled:?}");
    assert!(contact(&b, joao.id).await.is_none());
    let b_tags: Vec<_> = tags::list(&b.store, acc)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(b_tags, vec!["VIP".to_owned()]);
    assert_eq!(a.rows().await, b.rows().await);
    assert_eq!(b.waiting().await, 0);

    // On the server it is a tombstone without the personal data.
    let mut owner = db.connect_owner().await;
    let (phone, name, deleted): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT phone, name, deleted_at FROM zapdesk.contacts WHERE id = $1")
            .bind(joao.id.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!((phone.as_str(), name, deleted.is_some()), ("", None, true));

    // And the other way round: B deletes Maria, A loses her.
    contacts::delete(&b.store, acc, maria.id).await.unwrap();
    b.push().await;
    a.pull().await;
    assert!(contact(&a, maria.id).await.is_none());
    assert_eq!(a.rows().await, b.rows().await);
}

#[tokio::test]
async fn edits_made_offline_merge_when_the_server_is_back() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let maria = contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    a.push().await;
    b.pull().await;

    // B's engine points at a port nobody listens on: offline.
    let mut unreachable = EngineConfig::new(operator_options(&db, &b.role).port(1));
    unreachable.backoff_min = Duration::from_millis(50);
    let engine = Engine::start(&b.store, unreachable);
    let mut status = engine.status();
    let timeout = Duration::from_secs(30);
    tokio::time::timeout(
        timeout,
        status.wait_for(|s| matches!(s.state, SyncState::Offline { .. })),
    )
    .await
    .unwrap()
    .unwrap();

    // Both work meanwhile: B locally, A through the server.
    let ana = contacts::create(&b.store, acc, &person("+5511987650003", "Ana"))
        .await
        .unwrap();
    contacts::update(
        &b.store,
        acc,
        maria.id,
        &person("+5511987650001", "Maria Offline"),
    )
    .await
    .unwrap();
    let vip = tags::create(
        &b.store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&b.store, acc, vip.id, &[ana.id], true)
        .await
        .unwrap();
    let pedro = contacts::create(&a.store, acc, &person("+5511987650004", "Pedro"))
        .await
        .unwrap();
    a.push().await;
    assert!(b.waiting().await >= 4);
    engine.stop().await;

    // Back online: the engine pushes B's edits and pulls A's.
    let mut online = EngineConfig::new(b.remote.clone());
    online.backoff_min = Duration::from_millis(50);
    let engine = Engine::start(&b.store, online);
    let mut status = engine.status();
    tokio::time::timeout(
        timeout,
        status.wait_for(|s| s.state == SyncState::Synced && s.waiting == 0),
    )
    .await
    .unwrap()
    .unwrap();
    engine.stop().await;
    a.pull().await;

    assert_eq!(a.rows().await, b.rows().await);
    assert_eq!(
        contact(&a, ana.id).await.unwrap().name.as_deref(),
        Some("Ana")
    );
    assert_eq!(
        contact(&a, maria.id).await.unwrap().name.as_deref(),
        Some("Maria Offline")
    );
    assert_eq!(
        contact(&b, pedro.id).await.unwrap().name.as_deref(),
        Some("Pedro")
    );
    assert_eq!(
        tags::of_contact(&a.store, acc, ana.id).await.unwrap().len(),
        1
    );
}
