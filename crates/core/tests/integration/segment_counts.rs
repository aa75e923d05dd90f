//! Segment counts from the in-memory index (crates/core/src/contact_index)
//! against the plain SQL count on the same real SQLite file: random combined
//! filters over generated contacts, then writes from another connection and
//! another store on the same file, after each of which both must agree again.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zapdesk_core::contact_index;
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::fields::{self, CustomField, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::{ContactFilter, ContactSelection, FieldCondition, FieldOp};
use zapdesk_core::ids::TagId;
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ContactId, Store, opt_out};

use crate::support;

struct Data {
    tags: Vec<TagId>,
    fields: Vec<CustomField>,
    contacts: Vec<ContactId>,
}

const NAMES: &[&str] = &[
    "Conceição Silva",
    "JOÃO Souza",
    "ana lima",
    "Ana Paula",
    "Sebastião",
    "Márcia 50%_off",
    "Zé",
];
const CITIES: &[&str] = &[
    "São Paulo",
    "SÃO PAULO",
    "sao paulo",
    "Rio",
    "rio de janeiro",
    "50%_off",
];

async fn field(store: &Store, acc: AccountId, label: &str, kind: FieldKind) -> CustomField {
    let choices = if kind == FieldKind::Choice {
        vec!["Ouro".into(), "Prata".into(), "Bronze".into()]
    } else {
        vec![]
    };
    fields::create(
        store,
        acc,
        &FieldInput {
            label: label.into(),
            kind,
            choices,
        },
    )
    .await
    .unwrap()
}

/// `n` contacts with random names, tags, values of every field type, opt-outs
/// and creation times; some `name_folded` written in upper case (as another
/// version could have), which SQLite's LIKE still finds.
async fn generate(
    store: &Store,
    raw: &sqlx::SqlitePool,
    acc: AccountId,
    n: usize,
    seed: u64,
) -> Data {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tags = Vec::new();
    for name in ["VIP", "SP", "Atacado", "Inativo", "Novo"] {
        tags.push(
            tags::create(
                store,
                acc,
                &TagInput {
                    name: name.into(),
                    color: "#25d366".into(),
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    let fields = vec![
        field(store, acc, "Cidade", FieldKind::Text).await,
        field(store, acc, "Pontos", FieldKind::Number).await,
        field(store, acc, "Aniversário", FieldKind::Date).await,
        field(store, acc, "Cliente", FieldKind::YesNo).await,
        field(store, acc, "Plano", FieldKind::Choice).await,
    ];
    let mut contacts = Vec::new();
    for i in 0..n {
        let name = format!("{} {i}", NAMES[rng.random_range(0..NAMES.len())]);
        let id = contacts::create(
            store,
            acc,
            &ContactInput {
                phone: format!("+55119{:08}", 10_000_000 + seed as usize * 100_000 + i),
                name: Some(name),
            },
        )
        .await
        .unwrap()
        .id;
        contacts.push(id);
        let mut values = Vec::new();
        let mut maybe = |field: &CustomField, value: String, rng: &mut StdRng| {
            if rng.random_bool(0.7) {
                values.push(FieldValue {
                    field_id: field.id,
                    value,
                });
            }
        };
        maybe(
            &fields[0],
            CITIES[rng.random_range(0..CITIES.len())].into(),
            &mut rng,
        );
        let points = format!("{},{}", rng.random_range(0..1000), rng.random_range(0..10));
        maybe(&fields[1], points, &mut rng);
        let day = format!(
            "{:02}/{:02}/20{:02}",
            rng.random_range(1..29),
            rng.random_range(1..13),
            rng.random_range(10..25)
        );
        maybe(&fields[2], day, &mut rng);
        let yes = if rng.random_bool(0.5) { "sim" } else { "não" };
        maybe(&fields[3], yes.into(), &mut rng);
        let plan = ["Ouro", "Prata", "Bronze"][rng.random_range(0..3)];
        maybe(&fields[4], plan.into(), &mut rng);
        fields::set_values(store, acc, id, &values).await.unwrap();
        if rng.random_bool(0.15) {
            opt_out::set(store, acc, id, true).await.unwrap();
        }
        sqlx::query("UPDATE contacts SET created_at = ? WHERE id = ?")
            .bind(1_700_000_000_000i64 + rng.random_range(0..1000) * 86_400_000)
            .bind(id)
            .execute(raw)
            .await
            .unwrap();
        if rng.random_bool(0.1) {
            sqlx::query("UPDATE contacts SET name_folded = upper(name_folded) WHERE id = ?")
                .bind(id)
                .execute(raw)
                .await
                .unwrap();
        }
    }
    for &tag in &tags {
        let some: Vec<ContactId> = contacts
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.35))
            .collect();
        tags::apply(store, acc, tag, &some, true).await.unwrap();
    }
    Data {
        tags,
        fields,
        contacts,
    }
}

fn pick<T: Clone>(rng: &mut StdRng, from: &[T], most: usize) -> Vec<T> {
    (0..rng.random_range(0..=most))
        .map(|_| from[rng.random_range(0..from.len())].clone())
        .collect()
}

/// A random filter combining any/all/none of tags, field comparisons of
/// every kind, opt-out, search and creation dates.
fn random_filter(rng: &mut StdRng, data: &Data) -> ContactFilter {
    let mut conditions = Vec::new();
    for _ in 0..rng.random_range(0..=2) {
        let field = &data.fields[rng.random_range(0..data.fields.len())];
        let ops = field.kind.operators();
        let op = ops[rng.random_range(0..ops.len())];
        let value = match field.kind {
            FieldKind::Text => {
                ["são paulo", "PAULO", "rio", "%_", "", "Rio"][rng.random_range(0..6)].to_string()
            }
            FieldKind::Number => {
                ["500", "100,5", "0", "999,9", ""][rng.random_range(0..5)].to_string()
            }
            FieldKind::Date => {
                ["01/06/2017", "2020-01-01", "31/12/2024"][rng.random_range(0..3)].to_string()
            }
            FieldKind::YesNo => ["sim", "não", ""][rng.random_range(0..3)].to_string(),
            FieldKind::Choice => ["Ouro", "Prata", "Bronze"][rng.random_range(0..3)].to_string(),
        };
        conditions.push(FieldCondition {
            field: field.id,
            op,
            value,
        });
    }
    let search = match rng.random_range(0..10) {
        0 => Some("conceicao".to_string()),
        1 => Some("JOÃO".to_string()),
        2 => Some("ana".to_string()),
        3 => Some("11 9".to_string()),
        4 => Some("50%_".to_string()),
        5 => Some("  ".to_string()),
        _ => None,
    };
    let day = |rng: &mut StdRng| 1_700_000_000_000i64 + rng.random_range(0..1000) * 86_400_000;
    ContactFilter {
        search,
        tags_all: pick(rng, &data.tags, 2),
        tags_any: pick(rng, &data.tags, 2),
        tags_none: pick(rng, &data.tags, 2),
        fields: conditions,
        created_after: rng.random_bool(0.2).then(|| day(rng)),
        created_before: rng.random_bool(0.2).then(|| day(rng)),
        opted_out: [None, None, Some(true), Some(false)][rng.random_range(0..4)],
        ..Default::default()
    }
}

/// The index's count equals the SQL count; returns it.
async fn agree(store: &Store, acc: AccountId, filter: &ContactFilter) -> u32 {
    let sql = contacts::count_in_sql(store, acc, filter).await.unwrap();
    let fast = contacts::count_in_index(store, acc, filter).await.unwrap();
    assert_eq!(fast, Some(sql), "{filter:#?}");
    assert_eq!(contacts::count(store, acc, filter).await.unwrap(), sql);
    sql
}

#[tokio::test]
async fn the_index_counts_exactly_what_the_sql_counts_for_combined_filters() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let other = support::account(&store, "Outra").await;
    let data = generate(&store, &raw, acc, 300, 1).await;
    // Another account's contacts, tags and values never count in this one.
    let _other = generate(&store, &raw, other, 60, 2).await;
    let mut rng = StdRng::seed_from_u64(42);
    let (mut some, mut none, mut all) = (0, 0, 0);
    for _ in 0..400 {
        let filter = random_filter(&mut rng, &data);
        let n = agree(&store, acc, &filter).await;
        match n {
            0 => none += 1,
            300 => all += 1,
            _ => some += 1,
        }
    }
    // The filters are not all trivially empty or everyone.
    assert!(
        some > 100 && none > 10,
        "some {some}, none {none}, all {all}"
    );

    // The counts the benchmark names, checked the same way.
    let (vip, sp, inativo) = (data.tags[0], data.tags[1], data.tags[3]);
    let campaign = ContactFilter {
        tags_all: vec![vip, sp],
        tags_none: vec![inativo],
        opted_out: Some(false),
        fields: vec![FieldCondition {
            field: data.fields[1].id,
            op: FieldOp::IsSet,
            value: String::new(),
        }],
        ..Default::default()
    };
    assert!(agree(&store, acc, &campaign).await > 0);
    // A tag of another account or a tag that does not exist matches no one.
    let foreign = ContactFilter {
        tags_all: vec![_other.tags[0]],
        ..Default::default()
    };
    assert_eq!(agree(&store, acc, &foreign).await, 0);
}

#[tokio::test]
async fn writes_from_another_connection_or_store_are_counted_at_once() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let data = generate(&store, &raw, acc, 120, 3).await;
    let (vip, sp) = (data.tags[0], data.tags[1]);
    let vip_only = ContactFilter {
        tags_all: vec![vip],
        ..Default::default()
    };
    let audience = ContactFilter {
        tags_any: vec![vip, sp],
        opted_out: Some(false),
        fields: vec![FieldCondition {
            field: data.fields[0].id,
            op: FieldOp::Contains,
            value: "paulo".into(),
        }],
        search: Some("a".into()),
        ..Default::default()
    };
    let vips = agree(&store, acc, &vip_only).await;
    agree(&store, acc, &audience).await;

    // A tag put on by another connection (as a sync pull or a CLI would).
    let untagged = tags::of_contact(&store, acc, data.contacts[0])
        .await
        .unwrap();
    let target = if untagged.iter().any(|t| t.id == vip) {
        sqlx::query(
            "DELETE FROM contact_tags WHERE account_id = ? AND contact_id = ? AND tag_id = ?",
        )
        .bind(acc)
        .bind(data.contacts[0])
        .bind(vip)
        .execute(&raw)
        .await
        .unwrap();
        vips - 1
    } else {
        sqlx::query("INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at) VALUES (?, ?, ?, 0)")
            .bind(acc)
            .bind(data.contacts[0])
            .bind(vip)
            .execute(&raw)
            .await
            .unwrap();
        vips + 1
    };
    assert_eq!(agree(&store, acc, &vip_only).await, target);

    // A field value changed, an opt-out, a name and a deleted contact, each
    // from the other connection on a contact of the audience: the index
    // answers as the SQL after each, one fewer every time.
    let writes = [
        "UPDATE contact_fields SET value = 'Rio' WHERE account_id = ?1 AND contact_id = ?2 AND field_id = ?3",
        "UPDATE contacts SET opted_out_at = 1 WHERE account_id = ?1 AND id = ?2 AND ?3 IS NOT NULL",
        "UPDATE contacts SET name_folded = 'zz' WHERE account_id = ?1 AND id = ?2 AND ?3 IS NOT NULL",
        "DELETE FROM contacts WHERE account_id = ?1 AND id = ?2 AND ?3 IS NOT NULL",
    ];
    let mut last = agree(&store, acc, &audience).await;
    for write in writes {
        let members = contacts::resolve(
            &store,
            acc,
            &ContactSelection::Filter {
                filter: audience.clone(),
            },
        )
        .await
        .unwrap();
        let done = sqlx::query(write)
            .bind(acc)
            .bind(members[0])
            .bind(data.fields[0].id)
            .execute(&raw)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1, "{write}");
        let now = agree(&store, acc, &audience).await;
        assert_eq!(now, last - 1, "{write}");
        last = now;
        agree(&store, acc, &vip_only).await;
    }

    // Another store on the same file (another process: the CLI) tags everyone.
    let second = Store::open(dir.path()).await.unwrap();
    tags::apply(&second, acc, vip, &data.contacts, true)
        .await
        .unwrap();
    let remaining = contacts::count_in_sql(&store, acc, &ContactFilter::default())
        .await
        .unwrap();
    assert_eq!(agree(&store, acc, &vip_only).await, remaining);

    // A write that no filter reads leaves the index's generation alone.
    let generation = || async {
        sqlx::query_scalar::<_, i64>("SELECT gen FROM contact_index_gen WHERE account_id = ?")
            .bind(acc)
            .fetch_one(&raw)
            .await
            .unwrap()
    };
    let g = generation().await;
    sqlx::query(
        "UPDATE contacts SET updated_at = updated_at + 1, name = name WHERE account_id = ?",
    )
    .bind(acc)
    .execute(&raw)
    .await
    .unwrap();
    assert_eq!(generation().await, g);
    let someone = contacts::resolve(
        &store,
        acc,
        &ContactSelection::Filter {
            filter: ContactFilter::default(),
        },
    )
    .await
    .unwrap()[0];
    opt_out::set(&second, acc, someone, false).await.unwrap();
    opt_out::set(&second, acc, someone, true).await.unwrap();
    assert_ne!(generation().await, g);
    agree(&store, acc, &audience).await;
}

#[tokio::test]
async fn a_filter_on_the_last_message_is_left_to_sql() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    generate(&store, &raw, acc, 10, 4).await;
    let filter = ContactFilter {
        last_message_after: Some(0),
        ..Default::default()
    };
    assert_eq!(
        contacts::count_in_index(&store, acc, &filter)
            .await
            .unwrap(),
        None
    );
    assert_eq!(contacts::count(&store, acc, &filter).await.unwrap(), 0);
    // An account the store does not have counts nobody, as before.
    let unknown = AccountId::new();
    assert_eq!(
        contacts::count(
            &store,
            unknown,
            &ContactFilter {
                opted_out: Some(false),
                ..Default::default()
            }
        )
        .await
        .unwrap(),
        0
    );
}

/// A count with a condition (the counts of everyone are kept by triggers and
/// never reach the index).
fn someone_named_a() -> ContactFilter {
    ContactFilter {
        search: Some("a".into()),
        ..Default::default()
    }
}

/// [`contacts::count`] as the screens call it, equal to the SQL count, with
/// whatever background build it started finished; returns how many builds
/// it started.
async fn count_and_settle(store: &Store, acc: AccountId, filter: &ContactFilter) -> u64 {
    let before = contact_index::builds_started(store);
    let n = contacts::count(store, acc, filter).await.unwrap();
    contact_index::settled(store, acc).await;
    assert_eq!(n, contacts::count_in_sql(store, acc, filter).await.unwrap());
    contact_index::builds_started(store) - before
}

#[tokio::test]
async fn rows_the_index_cannot_read_are_not_read_again_until_they_change() {
    let (dir, store) = support::store().await;
    // An hour: nothing here depends on how fast the machine is.
    contact_index::set_limits(&store, Duration::from_secs(3600), usize::MAX);
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let data = generate(&store, &raw, acc, 40, 5).await;
    let filter = someone_named_a();
    agree(&store, acc, &filter).await;

    // A name that is not UTF-8 (another version, a broken sync peer): the
    // bytes cast to text, as SQLite lets them be stored.
    let set_name = |name: &'static [u8]| {
        let raw = raw.clone();
        let contact = data.contacts[0];
        async move {
            sqlx::query(
                "UPDATE contacts SET name_folded = CAST(? AS TEXT) WHERE account_id = ? AND id = ?",
            )
            .bind(name)
            .bind(acc)
            .bind(contact)
            .execute(&raw)
            .await
            .unwrap();
        }
    };
    set_name(b"\xff").await;
    assert_eq!(count_and_settle(&store, acc, &filter).await, 1);
    assert_eq!(contact_index::kept_bytes(&store, acc), None);
    // The same generation: answered in SQL, no build tried again.
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
    assert_eq!(
        contacts::count_in_index(&store, acc, &filter)
            .await
            .unwrap(),
        None
    );
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);

    // Another change moves the generation: tried once more (and refused).
    opt_out::set(&store, acc, data.contacts[1], true)
        .await
        .unwrap();
    assert_eq!(count_and_settle(&store, acc, &filter).await, 1);
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);

    // Mended: built, and the counts come from memory again.
    set_name(b"ana").await;
    assert_eq!(count_and_settle(&store, acc, &filter).await, 1);
    assert!(contact_index::kept_bytes(&store, acc).is_some());
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
    agree(&store, acc, &filter).await;
}

#[tokio::test]
async fn an_account_dropped_for_room_is_not_built_again_at_once() {
    let (dir, store) = support::store().await;
    contact_index::set_limits(&store, Duration::from_secs(3600), usize::MAX);
    let raw = support::raw(&dir).await;
    let filter = someone_named_a();
    // One more account than are kept, counted in turn (an agency's views).
    let mut accounts = Vec::new();
    for i in 0..9u64 {
        let acc = support::account(&store, &format!("Loja {i}")).await;
        generate(&store, &raw, acc, 8, 10 + i).await;
        accounts.push(acc);
    }
    for acc in &accounts {
        contact_index::warm(&store, *acc).await.unwrap();
    }
    let first = accounts[0];
    assert_eq!(contact_index::kept_bytes(&store, first), None);
    assert!(contact_index::kept_bytes(&store, accounts[8]).is_some());
    // Counted again: in SQL, exact, and no build that would drop another.
    assert_eq!(count_and_settle(&store, first, &filter).await, 0);
    assert_eq!(count_and_settle(&store, first, &filter).await, 0);
    assert_eq!(contact_index::kept_bytes(&store, first), None);
    for acc in &accounts[1..] {
        assert_eq!(count_and_settle(&store, *acc, &filter).await, 0);
        assert!(contact_index::kept_bytes(&store, *acc).is_some());
    }
    // Asked for explicitly (after an import), it is built.
    agree(&store, first, &filter).await;
    assert!(contact_index::kept_bytes(&store, first).is_some());
}

#[tokio::test]
async fn the_kept_indexes_stay_under_the_byte_cap() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let (a, b) = (
        support::account(&store, "Loja").await,
        support::account(&store, "Outra").await,
    );
    generate(&store, &raw, a, 60, 20).await;
    generate(&store, &raw, b, 60, 21).await;
    contact_index::warm(&store, a).await.unwrap();
    let one = contact_index::kept_bytes(&store, a).unwrap();
    // Room for one of them, not two.
    contact_index::set_limits(&store, Duration::from_secs(3600), one * 3 / 2);
    contact_index::warm(&store, b).await.unwrap();
    assert!(contact_index::kept_bytes(&store, b).is_some());
    assert_eq!(contact_index::kept_bytes(&store, a), None);
    // Counts stay exact either way.
    let filter = someone_named_a();
    assert_eq!(count_and_settle(&store, a, &filter).await, 0);
    agree(&store, b, &filter).await;
}

#[tokio::test]
async fn no_rebuild_starts_while_writes_keep_coming() {
    let (dir, store) = support::store().await;
    contact_index::set_limits(&store, Duration::from_secs(3600), usize::MAX);
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let data = generate(&store, &raw, acc, 40, 30).await;
    let filter = someone_named_a();
    agree(&store, acc, &filter).await;

    // A write, then another one while the rebuild it starts is reading (an
    // import's next batch).
    opt_out::set(&store, acc, data.contacts[0], true)
        .await
        .unwrap();
    let pause = contact_index::pause_next_build(&store);
    let before = contact_index::builds_started(&store);
    contacts::count(&store, acc, &filter).await.unwrap();
    pause.rows_read().await;
    opt_out::set(&store, acc, data.contacts[1], true)
        .await
        .unwrap();
    pause.resume();
    contact_index::settled(&store, acc).await;
    assert_eq!(contact_index::builds_started(&store) - before, 1);
    // Built for a generation already gone: not kept.
    assert_eq!(contact_index::kept_bytes(&store, acc), None);

    // Counts stay exact in SQL and start no build until the writes calm down
    // (an hour here).
    for i in 2..5 {
        assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
        opt_out::set(&store, acc, data.contacts[i], true)
            .await
            .unwrap();
    }
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
    // Once calm (no wait here: the calm-down set to nothing), built again.
    contact_index::set_limits(&store, Duration::ZERO, usize::MAX);
    assert_eq!(count_and_settle(&store, acc, &filter).await, 1);
    assert!(contact_index::kept_bytes(&store, acc).is_some());
    assert_eq!(count_and_settle(&store, acc, &filter).await, 0);
}
