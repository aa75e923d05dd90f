//! Tag names that fold equal (case, accents) are one tag, in the core and in
//! the database (migration 0015), against real SQLite files.

use std::borrow::Cow;

use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::store::{DB_FILE, MIGRATOR};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{ErrorCode, Lang, Store, UserError, segments};

fn input(name: &str) -> TagInput {
    TagInput {
        name: name.into(),
        color: "#000000".into(),
    }
}

#[tokio::test]
async fn a_name_that_folds_like_an_existing_tag_is_refused_naming_that_tag() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let other = accounts::create(
        &store,
        &AccountInput {
            name: "Outra".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    tags::create(&store, acc, &input("Víp")).await.unwrap();
    for twin in ["vip", "VIP", " VÍP ", "víp"] {
        let err = tags::create(&store, acc, &input(twin)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::TagDuplicate, "{twin}");
        assert!(err.message(Lang::PtBr).contains("\"Víp\""), "{twin}");
        assert!(err.message(Lang::En).contains("\"Víp\""), "{twin}");
    }
    // Another account has its own names.
    tags::create(&store, other, &input("VIP")).await.unwrap();
    let names: Vec<String> = tags::list(&store, acc)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Víp"]);

    // The database refuses a twin written behind the core's back too.
    let raw = sqlx::query(
        "INSERT INTO tags (id, account_id, name, name_folded, color, created_at)
         VALUES (x'0190000000007000800000000000aaaa', ?, 'VIP', 'vip', '#000000', 1)",
    )
    .bind(acc)
    .execute(store.pool_for_sync())
    .await
    .unwrap_err();
    assert!(raw.as_database_error().unwrap().is_unique_violation());
}

async fn raw_connection(dir: &std::path::Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .create_if_missing(true)
        .connect()
        .await
        .unwrap()
}

/// A store from before 0015 holding "vip" (oldest), "VIP" and "Víp", with
/// contacts on each and a segment naming the newer ones: after migrating,
/// one tag, every contact still on it, the segment naming the kept tag.
#[tokio::test]
async fn migrating_merges_twin_tags_into_the_oldest_without_losing_a_contact() {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<_> = MIGRATOR
        .iter()
        .filter(|m| m.version < 15)
        .cloned()
        .collect();
    let old = Migrator {
        migrations: Cow::Owned(before),
        ..Migrator::DEFAULT
    };
    let mut conn = raw_connection(dir.path()).await;
    old.run(&mut conn).await.unwrap();
    // Account a: tags 1 (vip, oldest), 2 (VIP), 3 (Víp), 4 (Água), 5 (agua,
    // older than 4). Account b: its own VIP (6), untouched.
    sqlx::query(
        "INSERT INTO accounts (id, name, created_at, updated_at) VALUES
             (x'0190000000007000800000000000000a', 'Antiga', 1, 1),
             (x'0190000000007000800000000000000b', 'Outra', 1, 1);
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at) VALUES
             (x'019000000000700080000000000000c1', x'0190000000007000800000000000000a', '+5511987650001', 'Eva', 'eva', 1, 1),
             (x'019000000000700080000000000000c2', x'0190000000007000800000000000000a', '+5511987650002', 'Ivo', 'ivo', 1, 1),
             (x'019000000000700080000000000000c3', x'0190000000007000800000000000000a', '+5511987650003', 'Lia', 'lia', 1, 1),
             (x'019000000000700080000000000000c4', x'0190000000007000800000000000000b', '+5511987650004', 'Rui', 'rui', 1, 1);
         INSERT INTO tags (id, account_id, name, color, created_at) VALUES
             (x'01900000000070008000000000000001', x'0190000000007000800000000000000a', 'vip', '#000001', 1),
             (x'01900000000070008000000000000002', x'0190000000007000800000000000000a', 'VIP', '#000002', 2),
             (x'01900000000070008000000000000003', x'0190000000007000800000000000000a', 'Víp', '#000003', 3),
             (x'01900000000070008000000000000004', x'0190000000007000800000000000000a', 'Água', '#000004', 5),
             (x'01900000000070008000000000000005', x'0190000000007000800000000000000a', 'agua', '#000005', 4),
             (x'01900000000070008000000000000006', x'0190000000007000800000000000000b', 'VIP', '#000006', 1);
         INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at) VALUES
             (x'0190000000007000800000000000000a', x'019000000000700080000000000000c1', x'01900000000070008000000000000001', 1),
             (x'0190000000007000800000000000000a', x'019000000000700080000000000000c1', x'01900000000070008000000000000002', 1),
             (x'0190000000007000800000000000000a', x'019000000000700080000000000000c2', x'01900000000070008000000000000003', 1),
             (x'0190000000007000800000000000000a', x'019000000000700080000000000000c3', x'01900000000070008000000000000004', 1),
             (x'0190000000007000800000000000000b', x'019000000000700080000000000000c4', x'01900000000070008000000000000006', 1);
         INSERT INTO segments (id, account_id, name, filter, created_at, updated_at) VALUES
             (x'01900000000070008000000000000051', x'0190000000007000800000000000000a', 'Clientes',
              '{\"search\":null,\"tags_all\":[\"01900000-0000-7000-8000-000000000002\"],\"tags_any\":[\"01900000-0000-7000-8000-000000000004\"],\"tags_none\":[],\"fields\":[],\"created_after\":null,\"created_before\":null,\"last_message_after\":null,\"last_message_before\":null,\"opted_out\":null}', 1, 1);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let rows: Vec<(Vec<u8>, String, String)> =
        sqlx::query_as("SELECT id, name, name_folded FROM tags ORDER BY id")
            .fetch_all(store.pool_for_sync())
            .await
            .unwrap();
    let kept: Vec<(u8, &str, &str)> = rows
        .iter()
        .map(|(id, n, f)| (id[15], n.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        kept,
        [(1, "vip", "vip"), (5, "agua", "agua"), (6, "VIP", "vip")]
    );
    let links: Vec<(u8, u8)> = sqlx::query_as::<_, (Vec<u8>, Vec<u8>)>(
        "SELECT contact_id, tag_id FROM contact_tags ORDER BY contact_id, tag_id",
    )
    .fetch_all(store.pool_for_sync())
    .await
    .unwrap()
    .into_iter()
    .map(|(c, t)| (c[15], t[15]))
    .collect();
    assert_eq!(links, [(0xc1, 1), (0xc2, 1), (0xc3, 5), (0xc4, 6)]);

    let account = accounts::list(&store, true)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name == "Antiga")
        .unwrap()
        .id;
    let segment = &segments::list(&store, account).await.unwrap()[0];
    let filter = serde_json::to_string(&segment.filter).unwrap();
    assert!(
        filter.contains("01900000-0000-7000-8000-000000000001")
            && filter.contains("01900000-0000-7000-8000-000000000005")
            && !filter.contains("01900000-0000-7000-8000-000000000002")
            && !filter.contains("01900000-0000-7000-8000-000000000004"),
        "{filter}"
    );

    // The merge waits in the sync outbox for the server: the dropped tags
    // as deletes, a moved link as an upsert under the kept tag.
    let deleted: Vec<u8> = sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT key1 FROM sync_outbox WHERE table_name = 'tags' AND op = 'delete' ORDER BY key1",
    )
    .fetch_all(store.pool_for_sync())
    .await
    .unwrap()
    .into_iter()
    .map(|k| k[15])
    .collect();
    assert_eq!(deleted, [2, 3, 4]);
    let moved: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE table_name = 'contact_tags' AND op = 'upsert'
         AND key1 = x'019000000000700080000000000000c2' AND key2 = x'01900000000070008000000000000001')",
    )
    .fetch_one(store.pool_for_sync())
    .await
    .unwrap();
    assert!(moved);
}
