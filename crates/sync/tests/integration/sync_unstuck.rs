//! No row stops a desktop's sync (issue 13, item 11): the same WhatsApp
//! message stored on two desktops becomes one row, two phones exchanged
//! offline go through without merging two people into one, a row the server
//! refuses for good is parked (listed with its reason) while the rest flows,
//! and only shared accounts count as "waiting". Push and pull are driven
//! step by step against the real PostgreSQL.

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{InstanceId, Lang};
use zapdesk_sync::push;
use zapdesk_sync::testing::ScratchDatabase;

fn person(phone: &str, name: &str) -> ContactInput {
    ContactInput {
        phone: phone.to_owned(),
        name: Some(name.to_owned()),
    }
}

async fn count(d: &Desktop, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(d.account)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

fn hello(wa_id: &str) -> Inbound {
    Inbound {
        wa_id: wa_id.into(),
        phone: "+5511987650001".into(),
        push_name: Some("Maria".into()),
        body: "Bom dia! Vocês entregam?".into(),
        sent_at: 1_700_000_000_000,
        ..Default::default()
    }
}

async fn shared_number(a: &Desktop, b: &Desktop) -> InstanceId {
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
    a.sync().await;
    b.sync().await;
    number
}

#[tokio::test]
async fn the_same_whatsapp_message_stored_on_two_desktops_becomes_one_row_and_sync_goes_on() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let number = shared_number(&a, &b).await;

    // A ran the number and stored Maria's message; after the takeover, B
    // gets the number's backlog from WhatsApp before pulling A's rows.
    ingest(
        &a.store,
        a.account_id(),
        number,
        &hello("false_5511987650001@c.us_3EB0AA"),
    )
    .await
    .unwrap()
    .unwrap();
    a.push().await;
    ingest(
        &b.store,
        b.account_id(),
        number,
        &hello("false_5511987650001@c.us_3EB0AA"),
    )
    .await
    .unwrap()
    .unwrap();
    // Used to fail on the server's unique WhatsApp id, and every later
    // session pushed first: B never synced again.
    let report = b.push().await;
    assert_eq!((report.merged, report.parked), (1, 0));
    b.pull().await;
    a.pull().await;
    let messages = "SELECT count(*) FROM messages WHERE account_id = ?";
    assert_eq!(
        (count(&a, messages).await, count(&b, messages).await),
        (1, 1)
    );
    assert_eq!(a.rows().await, b.rows().await, "the desktops agree");

    // And sync goes on: B's next edit reaches A.
    contacts::create(&b.store, b.account_id(), &person("+5511987650002", "João"))
        .await
        .unwrap();
    b.sync().await;
    a.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    assert_eq!(b.waiting().await, 0);
}

#[tokio::test]
async fn two_phones_exchanged_offline_go_through_without_making_two_people_one() {
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
    a.sync().await;
    b.sync().await;

    // Offline on B: the two were typed the wrong way round.
    let set = |phone: &str, name: &str| person(phone, name);
    contacts::update(&b.store, acc, maria.id, &set("+5511987659999", "Maria"))
        .await
        .unwrap();
    contacts::update(&b.store, acc, joao.id, &set("+5511987650001", "João"))
        .await
        .unwrap();
    contacts::update(&b.store, acc, maria.id, &set("+5511987650002", "Maria"))
        .await
        .unwrap();
    let report = b.push().await;
    assert_eq!((report.merged, report.parked), (0, 0), "{report:?}");
    a.pull().await;
    let on_a = |id| {
        let store = a.store.clone();
        async move { contacts::get(&store, acc, id).await.unwrap().phone }
    };
    assert_eq!(on_a(maria.id).await, "+5511987650002");
    assert_eq!(on_a(joao.id).await, "+5511987650001");
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
}

#[tokio::test]
async fn a_row_the_server_refuses_is_parked_with_its_reason_and_the_rest_flows() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let maria = contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;

    let joao = contacts::create(&b.store, acc, &person("+5511987650002", "João"))
        .await
        .unwrap();
    // Then B's date is set a year ahead, and Maria is edited there: a clock
    // that would win over every later edit on every desktop. The server
    // refuses it (remote 0008), every time it is pushed.
    sqlx::query("UPDATE sync_clock SET ms = ms + 365 * 86400000 WHERE id = 1")
        .execute(b.pool())
        .await
        .unwrap();
    contacts::update(
        &b.store,
        acc,
        maria.id,
        &person("+5511987650001", "Maria do Futuro"),
    )
    .await
    .unwrap();
    // Used to fail the whole push, and so every session of B.
    let report = b.push().await;
    assert_eq!(report.parked, 1, "{report:?}");
    assert_eq!(b.waiting().await, 0, "nothing stays stuck in the outbox");
    a.pull().await;
    assert!(
        contacts::get(&a.store, acc, joao.id).await.is_ok(),
        "the rest flowed"
    );
    assert_eq!(
        contacts::get(&a.store, acc, maria.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Maria"),
        "the future edit did not win"
    );

    let parked = zapdesk_sync::parked::list(b.pool(), Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].what, "Contato");
    assert_eq!(parked[0].label, "Maria do Futuro · +5511987650001");
    assert!(
        parked[0].reason.contains("acerte a data e a hora"),
        "{:?}",
        parked[0]
    );
    assert_eq!(push::parked(b.pool()).await.unwrap(), 1);

    // The date is fixed; "Tentar de novo": the clock comes back and the edit goes.
    assert_eq!(zapdesk_sync::parked::retry(b.pool()).await.unwrap(), 1);
    assert_eq!(push::parked(b.pool()).await.unwrap(), 0);
    let report = b.push().await;
    assert_eq!(report.parked, 0, "{report:?}");
    a.pull().await;
    assert_eq!(
        contacts::get(&a.store, acc, maria.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Maria do Futuro")
    );
    // Later edits on A win again.
    contacts::update(
        &a.store,
        acc,
        maria.id,
        &person("+5511987650001", "Maria Souza"),
    )
    .await
    .unwrap();
    a.push().await;
    b.pull().await;
    assert_eq!(
        contacts::get(&b.store, acc, maria.id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Maria Souza")
    );
}

#[tokio::test]
async fn a_server_that_went_back_or_was_replaced_is_pulled_from_the_start() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    b.sync().await;
    // The server is re-provisioned and the account's rows come back under a
    // new epoch (their versions counting from scratch, below B's cursor).
    let mut owner = db.connect_owner().await;
    sqlx::query("UPDATE zapdesk.config SET value = gen_random_uuid()::text WHERE key = 'epoch'")
        .execute(&mut owner)
        .await
        .unwrap();
    // Before, B's cursor skipped everything there: nothing arrived.
    let report = b.pull().await;
    assert!(
        report.received >= 2,
        "the account and Maria again: {report:?}"
    );
    assert_eq!(b.pull().await.received, 0, "once");

    // A server restored from an older backup: its counter is below the
    // cursor B kept (as if B had pulled versions the backup never saw).
    sqlx::query("UPDATE sync_cursor SET version = version + 1000000 WHERE account_id = ?")
        .bind(b.account)
        .execute(b.pool())
        .await
        .unwrap();
    let report = b.pull().await;
    assert!(report.received >= 2, "{report:?}");
    assert_eq!(a.rows().await, b.rows().await);
}

#[tokio::test]
async fn a_server_restored_without_some_rows_gets_them_again_from_the_desktops() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    a.sync().await;
    // The server comes back from a backup taken before Maria was pushed:
    // her row is simply not there (no tombstone), under a new epoch.
    let mut owner = db.connect_owner().await;
    for sql in [
        "SET session_replication_role = replica".to_owned(),
        format!(
            "DELETE FROM zapdesk.contacts WHERE account_id = '{}'",
            a.account
        ),
        "SET session_replication_role = origin".to_owned(),
        "UPDATE zapdesk.config SET value = gen_random_uuid()::text WHERE key = 'epoch'".to_owned(),
    ] {
        sqlx::query(&sql).execute(&mut owner).await.unwrap();
    }
    // A notices on its next pull and pushes everything again on the next push.
    a.sync().await;
    a.push().await;
    let on_server: i64 =
        sqlx::query_scalar("SELECT count(*) FROM zapdesk.contacts WHERE account_id = $1")
            .bind(a.account)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(on_server, 1, "Maria is back on the server");
    // A desktop that joins now sees her, and everything converges.
    let b = other_desktop(&db, &a).await;
    b.sync().await;
    assert_eq!(
        count(&b, "SELECT count(*) FROM contacts WHERE account_id = ?").await,
        1
    );
    assert_eq!(a.rows().await, b.rows().await);
    assert_eq!(a.push().await.entries, 0, "and only once");
}

#[tokio::test]
async fn one_tag_written_with_and_without_accents_on_two_desktops_is_one_tag() {
    use zapdesk_core::tags::{self, TagInput};
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    b.sync().await;
    // Offline, each desktop's operator creates the campaign's tag.
    for (d, name) in [(&a, "Promoção"), (&b, "promocao")] {
        tags::create(
            &d.store,
            acc,
            &TagInput {
                name: name.into(),
                color: "#22aa55".into(),
            },
        )
        .await
        .unwrap();
    }
    a.sync().await;
    b.sync().await;
    a.sync().await;
    for d in [&a, &b] {
        assert_eq!(
            count(d, "SELECT count(*) FROM tags WHERE account_id = ?").await,
            1
        );
    }
    assert_eq!(a.rows().await, b.rows().await);
}

#[tokio::test]
async fn only_the_accounts_the_server_shares_count_as_waiting() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    assert_eq!(push::waiting(a.pool()).await.unwrap(), 0);
    // An account that lives on this desktop only: its edits wait for nothing.
    let local = accounts::create(
        &a.store,
        &AccountInput {
            name: "Só aqui".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    contacts::create(&a.store, local.id, &person("+5511987650003", "Ana"))
        .await
        .unwrap();
    a.sync().await;
    assert_eq!(push::waiting(a.pool()).await.unwrap(), 0);
    // A shared account's edit does, until pushed.
    contacts::create(&a.store, a.account_id(), &person("+5511987650004", "Bia"))
        .await
        .unwrap();
    assert_eq!(push::waiting(a.pool()).await.unwrap(), 1);
    a.push().await;
    assert_eq!(push::waiting(a.pool()).await.unwrap(), 0);
}

/// The pipeline's rows parked by the server are named in words in both
/// languages (not "Registro"), with the stage's name and the card's title.
#[tokio::test]
async fn parked_pipeline_rows_are_named_in_words() {
    use zapdesk_core::pipeline::{CardInput, OwnerChange, StageInput, cards, stages};
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    let maria = contacts::create(&a.store, acc, &person("+5511987650001", "Maria"))
        .await
        .unwrap();
    let stage = stages::create(
        &a.store,
        acc,
        &StageInput {
            name: "Proposta".into(),
            color: "#3366ff".into(),
            add_tag_id: None,
            start_flow_id: None,
        },
    )
    .await
    .unwrap();
    let card = cards::create(
        &a.store,
        acc,
        stage.id,
        &CardInput {
            contact_id: maria.id,
            title: Some("Bolo de casamento".into()),
            value_cents: 45_000,
            owner: OwnerChange::Keep,
        },
    )
    .await
    .unwrap()
    .card;
    for (seq, table, key) in [
        (1, "pipeline_stages", stage.id.as_uuid()),
        (2, "pipeline_cards", card.id.as_uuid()),
    ] {
        sqlx::query(
            "INSERT INTO sync_parked (account_id, seq, table_name, key1, key2, op, hlc, reason, detail, parked_at)
             VALUES (?, ?, ?, ?, NULL, 'upsert', '0', 'other', '', ?)",
        )
        .bind(a.account)
        .bind(seq)
        .bind(table)
        .bind(key)
        .bind(seq)
        .execute(a.pool())
        .await
        .unwrap();
    }
    let words = |lang| {
        let pool = a.pool();
        async move {
            zapdesk_sync::parked::list(pool, lang)
                .await
                .unwrap()
                .into_iter()
                .map(|p| (p.what, p.label))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        words(Lang::PtBr).await,
        [
            ("Cartão do funil".into(), "Bolo de casamento · Maria".into()),
            ("Etapa do funil".into(), "Proposta".into()),
        ] as [(String, String); 2]
    );
    assert_eq!(
        words(Lang::En).await,
        [
            ("Pipeline card".into(), "Bolo de casamento · Maria".into()),
            ("Pipeline stage".into(), "Proposta".into()),
        ] as [(String, String); 2]
    );
}
