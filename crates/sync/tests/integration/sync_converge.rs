//! Two desktops editing one account converge through the server: the same
//! rows on both, the later clock winning a conflicting edit, offline edits
//! merged on reconnect, deletes carried as tombstones. Push and pull are
//! driven step by step (no timing); the offline case runs the engine.

use std::time::Duration;

use crate::common::desktop::{Desktop, first_desktop, operator_options, other_desktop};
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

/// Two desktops offline add "the same" things: the contact who wrote to
/// both, the tag VIP, the field Cidade, the segment, the quick reply. Their
/// ids come from their natural keys, so the pushes merge instead of
/// colliding on the server's unique phone or name, both desktops end with
/// one row each (the later write's values), and what hangs on them (tags
/// put on the contact on either side) is kept.
#[tokio::test]
async fn the_same_contact_and_tag_created_offline_on_two_desktops_become_one() {
    use zapdesk_core::inbox::quick_replies::{self, QuickReplyInput};
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.sync().await;
    let acc = a.account_id();

    let mut made = Vec::new();
    for (d, name, tag) in [(&a, "Maria (A)", "VIP"), (&b, "Maria Souza", "vip")] {
        let maria = contacts::create(&d.store, acc, &person("+5511987650077", name))
            .await
            .unwrap();
        let vip = tags::create(
            &d.store,
            acc,
            &TagInput {
                name: tag.into(),
                color: "#ff0000".into(),
            },
        )
        .await
        .unwrap();
        tags::apply(&d.store, acc, vip.id, &[maria.id], true)
            .await
            .unwrap();
        fields::create(
            &d.store,
            acc,
            &FieldInput {
                label: "Cidade".into(),
                kind: FieldKind::Text,
                choices: vec![],
            },
        )
        .await
        .unwrap();
        segments::create(
            &d.store,
            acc,
            &SegmentInput {
                name: "Clientes VIP".into(),
                filter: ContactFilter::default(),
            },
        )
        .await
        .unwrap();
        quick_replies::create(
            &d.store,
            acc,
            &QuickReplyInput {
                shortcut: "pix".into(),
                body: format!("Chave Pix de {name}"),
            },
        )
        .await
        .unwrap();
        made.push((maria.id, vip.id));
    }
    assert_eq!(made[0], made[1], "same natural keys, same ids");

    // Both push without a conflict and pull each other's version.
    for d in [&a, &b, &a] {
        d.push().await;
        d.pull().await;
    }
    assert_eq!(a.rows().await, b.rows().await);
    let maria = contact(&a, made[0].0).await.unwrap();
    assert_eq!(maria.name.as_deref(), Some("Maria Souza"), "B wrote last");
    for d in [&a, &b] {
        let count = |table: &'static str| async move {
            sqlx::query_scalar::<_, i64>(&format!(
                "SELECT count(*) FROM {table} WHERE account_id = ?"
            ))
            .bind(d.account)
            .fetch_one(d.pool())
            .await
            .unwrap()
        };
        for table in [
            "contacts",
            "tags",
            "contact_tags",
            "custom_fields",
            "segments",
            "quick_replies",
        ] {
            assert_eq!(count(table).await, 1, "{table}");
        }
    }
}

async fn tag_names(d: &Desktop, id: ContactId) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
         WHERE ct.account_id = ? AND ct.contact_id = ? ORDER BY t.name",
    )
    .bind(d.account)
    .bind(id)
    .fetch_all(d.pool())
    .await
    .unwrap()
}

async fn vip(d: &Desktop) -> zapdesk_core::domain::Tag {
    tags::create(
        &d.store,
        d.account_id(),
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap()
}

/// A phone two rows claim although their ids differ: A changed a contact's
/// phone to the one B just gave a new contact offline. B's push is refused
/// by the server's unique phone; B merges its contact into A's (the server
/// keeps the phone), keeps the tag it put on it, and both desktops converge
/// on one contact.
#[tokio::test]
async fn a_phone_taken_by_another_row_on_the_server_merges_into_that_row() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let old = contacts::create(&a.store, acc, &person("+5511987650100", "Carla"))
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;

    // A: Carla's new phone. B, offline: a new contact with that phone, tagged.
    contacts::update(&a.store, acc, old.id, &person("+5511987650200", "Carla"))
        .await
        .unwrap();
    a.sync().await;
    let new = contacts::create(&b.store, acc, &person("+5511987650200", "Carla Nova"))
        .await
        .unwrap();
    assert_ne!(new.id, old.id);
    let tag = vip(&b).await;
    tags::apply(&b.store, acc, tag.id, &[new.id], true)
        .await
        .unwrap();

    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        assert!(contact(d, new.id).await.is_none());
        let carla = contact(d, old.id).await.unwrap();
        assert_eq!(carla.phone, "+5511987650200");
        assert_eq!(tag_names(d, old.id).await, ["VIP"]);
    }
    assert_eq!(b.waiting().await, 0);
}

/// A row from before natural ids (a random id) holds a phone on the server;
/// the same phone created on another desktop gets a natural id, so the
/// server refuses it; that desktop's row takes the server's id, with its tag.
#[tokio::test]
async fn a_new_row_takes_the_id_of_an_older_row_with_its_key() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    a.sync().await;
    b.sync().await;
    let legacy = ContactId::new();
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, '+5511987650300', 'Davi', 'davi', 1, 1)",
    )
    .bind(legacy)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    // B has not pulled yet: it creates the same phone and tags it.
    let davi = contacts::create(&b.store, acc, &person("+5511987650300", "Davi Lima"))
        .await
        .unwrap();
    let tag = vip(&b).await;
    tags::apply(&b.store, acc, tag.id, &[davi.id], true)
        .await
        .unwrap();
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        let merged = contact(d, legacy).await.unwrap();
        assert_eq!(
            merged.name.as_deref(),
            Some("Davi Lima"),
            "B's write is the latest"
        );
        assert_eq!(tag_names(d, legacy).await, ["VIP"]);
        assert!(contact(d, davi.id).await.is_none());
    }
}

/// Compacted, the outbox keeps one entry per row however often the row
/// changed (what bounds it for an account no server takes), and the push
/// still sends every row's last state, deletes included.
#[tokio::test]
async fn the_outbox_keeps_one_entry_per_row_and_still_pushes_the_last_state() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let acc = a.account_id();
    let eva = contacts::create(&a.store, acc, &person("+5511987650400", "Eva"))
        .await
        .unwrap();
    for n in 0..20 {
        contacts::update(
            &a.store,
            acc,
            eva.id,
            &person("+5511987650400", &format!("Eva {n}")),
        )
        .await
        .unwrap();
    }
    let gone = contacts::create(&a.store, acc, &person("+5511987650401", "Ida"))
        .await
        .unwrap();
    contacts::delete(&a.store, acc, gone.id).await.unwrap();
    assert_eq!(a.waiting().await, 23);
    let removed = zapdesk_core::store::compact_outbox(a.pool()).await.unwrap();
    assert_eq!(removed, 21);
    assert_eq!(a.waiting().await, 2);

    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.sync().await;
    assert_eq!(
        contact(&b, eva.id).await.unwrap().name.as_deref(),
        Some("Eva 19")
    );
    assert!(contact(&b, gone.id).await.is_none());
    assert_eq!(a.rows().await, b.rows().await);
}

/// Compaction keeps each row at the place of its first entry: a contact
/// edited after it was tagged still reaches the server before its tag link,
/// even with every entry in a batch (one server transaction) of its own. At
/// its last place, the link's batch would fail its parent check on every try.
#[tokio::test]
async fn a_row_edited_after_its_children_is_still_pushed_before_them() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let acc = a.account_id();
    let eva = contacts::create(&a.store, acc, &person("+5511987650410", "Eva"))
        .await
        .unwrap();
    let vip = vip(&a).await;
    tags::apply(&a.store, acc, vip.id, &[eva.id], true)
        .await
        .unwrap();
    contacts::update(
        &a.store,
        acc,
        eva.id,
        &person("+5511987650410", "Eva Souza"),
    )
    .await
    .unwrap();
    zapdesk_core::store::compact_outbox(a.pool()).await.unwrap();
    assert_eq!(a.waiting().await, 3);

    let mut conn = a.connect().await;
    let report = zapdesk_sync::push::push_with(a.pool(), &mut conn, &[a.account], 1, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.batches, 3);
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    assert_eq!(
        contact(&b, eva.id).await.unwrap().name.as_deref(),
        Some("Eva Souza")
    );
    assert_eq!(tag_names(&b, eva.id).await, ["VIP"]);
    assert_eq!(a.rows().await, b.rows().await);
}

/// Pulled rows are applied many to a statement; a row whose phone a
/// different local row holds (not pushed yet) fails its statement, and the
/// others of that statement still arrive, row by row.
#[tokio::test]
async fn a_pulled_row_that_meets_a_local_duplicate_is_skipped_alone() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.sync().await;
    let acc = a.account_id();
    for i in 0..5 {
        contacts::create(&a.store, acc, &person(&format!("+551198765050{i}"), "De A"))
            .await
            .unwrap();
    }
    // A row from before natural ids, so its id differs from B's below.
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, '+5511987650599', 'Antiga', 'antiga', 1, 1)",
    )
    .bind(ContactId::new())
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.push().await;
    contacts::create(&b.store, acc, &person("+5511987650599", "Local de B"))
        .await
        .unwrap();

    let report = b.pull().await;
    assert_eq!(report.conflicts, 1, "{report:?}");
    assert_eq!(report.applied, 5, "{report:?}");
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM contacts WHERE account_id = ? ORDER BY phone")
            .bind(b.account)
            .fetch_all(b.pool())
            .await
            .unwrap();
    assert_eq!(
        names,
        ["De A", "De A", "De A", "De A", "De A", "Local de B"]
    );
}

/// The audit log reaches every desktop: an export on B (an agent, who may
/// only add to the server's log) and an erase on A are on both desktops and
/// on the server once each, however often they are pushed.
#[tokio::test]
async fn audit_entries_from_both_desktops_reach_both_once() {
    use zapdesk_core::lgpd::{self, Actor};
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let eva = contacts::create(&a.store, acc, &person("+5511987650420", "Eva"))
        .await
        .unwrap();
    let ivo = contacts::create(&a.store, acc, &person("+5511987650421", "Ivo"))
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    let bia = Actor {
        id: None,
        name: "Bia (agente)".into(),
    };
    lgpd::export(&b.store, acc, eva.id, &bia).await.unwrap();
    let ana = Actor {
        id: None,
        name: "Ana (dona)".into(),
    };
    lgpd::erase(&a.store, acc, ivo.id, &ana).await.unwrap();
    b.sync().await;
    a.sync().await;
    b.pull().await;
    for d in [&a, &b] {
        let log = lgpd::audit(&d.store, acc, 10).await.unwrap();
        let mut lines: Vec<(&str, &str, ContactId)> = log
            .iter()
            .map(|e| (e.actor_name.as_str(), e.action.as_str(), e.contact_id))
            .collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                ("Ana (dona)", "contact_erased", ivo.id),
                ("Bia (agente)", "contact_exported", eva.id)
            ]
        );
    }
    assert_eq!(a.rows().await, b.rows().await);
    // Pushing the same entry again (a crash after the server's commit) adds nothing.
    sqlx::query(
        "INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
         SELECT account_id, 'audit_log', id, NULL, 'upsert', hlc FROM audit_log",
    )
    .execute(b.pool())
    .await
    .unwrap();
    b.push().await;
    let mut owner = db.connect_owner().await;
    let on_server: i64 =
        sqlx::query_scalar("SELECT count(*) FROM zapdesk.audit_log WHERE account_id = $1")
            .bind(a.account)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(on_server, 2);
}

/// B's new contact, pipeline stage and card on that contact, for the merges below.
async fn card_on(
    d: &Desktop,
    contact: ContactId,
    tag: Option<zapdesk_core::ids::TagId>,
) -> zapdesk_core::pipeline::Card {
    use zapdesk_core::pipeline::{CardInput, OwnerChange, StageInput, cards, stages};
    let acc = d.account_id();
    let stage = stages::create(
        &d.store,
        acc,
        &StageInput {
            name: "Proposta".into(),
            color: "#3366ff".into(),
            add_tag_id: tag,
            start_flow_id: None,
        },
    )
    .await
    .unwrap();
    cards::create(
        &d.store,
        acc,
        stage.id,
        &CardInput {
            contact_id: contact,
            title: Some("Bolo de casamento".into()),
            value_cents: 45_000,
            owner: OwnerChange::Keep,
        },
    )
    .await
    .unwrap()
    .card
}

/// A pipeline card hangs on its contact: when the contact takes the
/// server's id (no local row has it), the card follows instead of failing
/// the merge's commit on its foreign key (which failed every sync session).
#[tokio::test]
async fn a_merged_contact_that_takes_the_servers_id_keeps_its_pipeline_cards() {
    use zapdesk_core::pipeline::cards;
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    a.sync().await;
    b.sync().await;
    let legacy = ContactId::new();
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, '+5511987650400', 'Elisa', 'elisa', 1, 1)",
    )
    .bind(legacy)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    let elisa = contacts::create(&b.store, acc, &person("+5511987650400", "Elisa Prado"))
        .await
        .unwrap();
    let card = card_on(&b, elisa.id, None).await;
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        let kept = cards::get(&d.store, acc, card.id).await.unwrap();
        assert_eq!(kept.contact_id, legacy);
        assert_eq!(kept.title.as_deref(), Some("Bolo de casamento"));
    }
    assert_eq!(b.waiting().await, 0);
}

/// When this desktop already holds the server's row, the merged contact is
/// deleted: its cards move to the row that stays first, not cascade away.
#[tokio::test]
async fn a_contact_merged_into_a_local_row_hands_it_its_pipeline_cards() {
    use zapdesk_core::pipeline::cards;
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let old = contacts::create(&a.store, acc, &person("+5511987650500", "Fábio"))
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    contacts::update(&a.store, acc, old.id, &person("+5511987650600", "Fábio"))
        .await
        .unwrap();
    a.sync().await;
    let new = contacts::create(&b.store, acc, &person("+5511987650600", "Fábio Novo"))
        .await
        .unwrap();
    assert_ne!(new.id, old.id);
    let card = card_on(&b, new.id, None).await;

    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        assert!(contact(d, new.id).await.is_none());
        let kept = cards::get(&d.store, acc, card.id).await.unwrap();
        assert_eq!(kept.contact_id, old.id);
        assert_eq!(kept.value_cents, 45_000);
    }
    assert_eq!(b.waiting().await, 0);
}

/// A stage that tags the contacts entering it names the tag by id: merged
/// into the server's tag of the same name, the stage follows it.
#[tokio::test]
async fn a_merged_tag_is_the_one_its_pipeline_stage_adds() {
    use zapdesk_core::pipeline::stages;
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    a.sync().await;
    b.sync().await;
    let legacy = zapdesk_core::ids::TagId::new();
    sqlx::query(
        "INSERT INTO tags (id, account_id, name, name_folded, created_at) VALUES (?, ?, 'VIP', 'vip', 1)",
    )
    .bind(legacy)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    let tag = vip(&b).await;
    assert_ne!(tag.id, legacy);
    let gabi = contacts::create(&b.store, acc, &person("+5511987650700", "Gabi"))
        .await
        .unwrap();
    let card = card_on(&b, gabi.id, Some(tag.id)).await;
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        let stage = stages::get(&d.store, acc, card.stage_id).await.unwrap();
        assert_eq!(stage.add_tag_id, Some(legacy));
    }
}
