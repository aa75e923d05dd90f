//! Custom fields, filters, segments and bulk actions against a real SQLite
//! file. Segment counts are checked against sets computed by hand in Rust from
//! the same generated contacts.

use std::collections::BTreeSet;

use zapdesk_core::contacts::{self, ContactInput, ContactQuery};
use zapdesk_core::fields::{self, CustomField, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::{ContactFilter, ContactSelection, FieldCondition, FieldOp};
use zapdesk_core::ids::TagId;
use zapdesk_core::segments::{self, SegmentInput};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ContactId, ErrorCode, Store, UserError};

use crate::support;
use crate::support::account;

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

async fn contact(store: &Store, acc: AccountId, phone: &str, name: &str) -> ContactId {
    contacts::create(
        store,
        acc,
        &ContactInput {
            phone: phone.into(),
            name: Some(name.into()),
        },
    )
    .await
    .unwrap()
    .id
}

fn value(field: &CustomField, v: &str) -> FieldValue {
    FieldValue {
        field_id: field.id,
        value: v.into(),
    }
}

#[tokio::test]
async fn field_values_are_checked_by_type_and_stored_in_one_form() {
    let (_dir, store) = support::store().await;
    let acc = account(&store, "Loja").await;
    let points = field(&store, acc, "Pontos", FieldKind::Number).await;
    let birthday = field(&store, acc, "Data de nascimento", FieldKind::Date).await;
    let vip = field(&store, acc, "Cliente VIP", FieldKind::YesNo).await;
    let plan = field(&store, acc, "Plano", FieldKind::Choice).await;
    let note = field(&store, acc, "Observação", FieldKind::Text).await;
    assert_eq!(birthday.key, "data_de_nascimento");
    assert_eq!(note.key, "observacao");

    let c = contact(&store, acc, "11 98765-4321", "Ana").await;
    let saved = fields::set_values(
        &store,
        acc,
        c,
        &[
            value(&points, "1.234,56"),
            value(&birthday, "31/12/1990"),
            value(&vip, "Sim"),
            value(&plan, "ouro"),
            value(&note, "  prefere áudio  "),
        ],
    )
    .await
    .unwrap();
    let got: Vec<&str> = saved.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(
        got,
        ["1234.56", "1990-12-31", "true", "Ouro", "prefere áudio"]
    );

    // One bad value: nothing of the call is written, and the message names the field.
    let err = fields::set_values(
        &store,
        acc,
        c,
        &[value(&note, "mudou"), value(&points, "muitos")],
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FieldValueInvalid);
    assert!(err.message(zapdesk_core::Lang::PtBr).contains("Pontos"));
    let after = fields::values_of(&store, acc, c).await.unwrap();
    assert_eq!(after, saved);
    // The contact list carries them, for its optional columns.
    let page = zapdesk_core::contacts::list(
        &store,
        acc,
        &zapdesk_core::contacts::ContactQuery {
            filter: Default::default(),
            offset: 0,
            limit: 10,
        },
    )
    .await
    .unwrap();
    let mut listed = page.items[0].fields.clone();
    let mut stored = saved.clone();
    listed.sort_by_key(|v| v.field_id);
    stored.sort_by_key(|v| v.field_id);
    assert_eq!(listed, stored);

    // An empty value clears the field.
    let cleared = fields::set_values(&store, acc, c, &[value(&note, " ")])
        .await
        .unwrap();
    assert_eq!(cleared.len(), 4);

    // Options removed from a choice field take their values with them.
    fields::update(
        &store,
        acc,
        plan.id,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Choice,
            choices: vec!["Prata".into()],
        },
    )
    .await
    .unwrap();
    let after = fields::values_of(&store, acc, c).await.unwrap();
    assert!(!after.iter().any(|v| v.field_id == plan.id));

    let kind_change = fields::update(
        &store,
        acc,
        points.id,
        &FieldInput {
            label: "Pontos".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(kind_change.code(), ErrorCode::FieldInvalid);

    let duplicate = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "pontos".into(),
            kind: FieldKind::Number,
            choices: vec![],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(duplicate.code(), ErrorCode::FieldDuplicate);
    let no_options = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Cor".into(),
            kind: FieldKind::Choice,
            choices: vec![" ".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(no_options.code(), ErrorCode::FieldInvalid);

    fields::delete(&store, acc, points.id).await.unwrap();
    let after = fields::values_of(&store, acc, c).await.unwrap();
    assert!(!after.iter().any(|v| v.field_id == points.id));
    // Another account cannot see or use these fields.
    let other = account(&store, "Outra").await;
    assert!(fields::list(&store, other).await.unwrap().is_empty());
    let c2 = contact(&store, other, "21 99876-5432", "Bia").await;
    let err = fields::set_values(&store, other, c2, &[value(&vip, "sim")])
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FieldUnknown);
}

/// What the generated contact number `i` has, as plain Rust.
struct Person {
    id: ContactId,
    tags: [bool; 3],
    points: Option<i64>,
    vip: Option<bool>,
    since: Option<String>,
    city: Option<&'static str>,
    opted_out: bool,
    created_at: i64,
    last_message_at: Option<i64>,
    name: String,
}

/// A named filter and the same rule in plain Rust.
type Case = (&'static str, ContactFilter, Box<dyn Fn(&Person) -> bool>);

const DAY: i64 = 86_400_000;
const BASE: i64 = 1_700_000_000_000;

#[tokio::test]
async fn segment_counts_match_sets_computed_by_hand() {
    let (dir, store) = support::store().await;
    let acc = account(&store, "Loja").await;
    let other = account(&store, "Outra").await;
    let tag_ids: Vec<TagId> = {
        let mut out = Vec::new();
        for name in ["VIP", "SP", "Atacado"] {
            let tag = tags::create(
                &store,
                acc,
                &TagInput {
                    name: name.into(),
                    color: "#112233".into(),
                },
            )
            .await
            .unwrap();
            out.push(tag.id);
        }
        out
    };
    let points = field(&store, acc, "Pontos", FieldKind::Number).await;
    let vip = field(&store, acc, "Cliente VIP", FieldKind::YesNo).await;
    let since = field(&store, acc, "Cliente desde", FieldKind::Date).await;
    let city = field(&store, acc, "Cidade", FieldKind::Text).await;
    let number = zapdesk_core::instances::create(
        &store,
        acc,
        &zapdesk_core::instances::NumberInput {
            name: "Vendas".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap();

    // Times the app sets itself (creation, last message) are written directly.
    let raw = support::raw(&dir).await;
    let mut people = Vec::new();
    for i in 0..90i64 {
        let name = format!(
            "Pessoa {i:02}{}",
            if i % 11 == 0 { " Conceição" } else { "" }
        );
        let id = contact(&store, acc, &format!("+55119{:08}", 10_000_000 + i), &name).await;
        let person = Person {
            id,
            tags: [i % 2 == 0, i % 3 == 0, i % 5 == 0],
            points: (i % 4 != 0).then_some(i * 10),
            vip: match i % 3 {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            },
            since: (i % 2 == 1).then(|| format!("20{:02}-0{}-15", 10 + i % 10, 1 + i % 9)),
            city: match i % 4 {
                0 => Some("São Paulo"),
                1 => Some("Campinas"),
                2 => Some("são paulo"),
                _ => None,
            },
            opted_out: i % 7 == 0,
            created_at: BASE + i * DAY,
            last_message_at: (i % 6 != 0).then_some(BASE + (90 - i) * DAY),
            name,
        };
        for (t, on) in person.tags.iter().enumerate() {
            if *on {
                tags::apply(&store, acc, tag_ids[t], &[id], true)
                    .await
                    .unwrap();
            }
        }
        let mut values = Vec::new();
        if let Some(p) = person.points {
            values.push(value(&points, &p.to_string()));
        }
        if let Some(v) = person.vip {
            values.push(value(&vip, if v { "sim" } else { "não" }));
        }
        if let Some(d) = &person.since {
            values.push(value(&since, d));
        }
        if let Some(c) = person.city {
            values.push(value(&city, c));
        }
        fields::set_values(&store, acc, id, &values).await.unwrap();
        if person.opted_out {
            zapdesk_core::opt_out::set(&store, acc, id, true)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE contacts SET created_at = ? WHERE account_id = ? AND id = ?")
            .bind(person.created_at)
            .bind(acc)
            .bind(id)
            .execute(&raw)
            .await
            .unwrap();
        if let Some(at) = person.last_message_at {
            sqlx::query(
                "INSERT INTO conversations (id, account_id, contact_id, instance_id, last_message_at, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(zapdesk_core::ConversationId::new())
            .bind(acc)
            .bind(id)
            .bind(number.id)
            .bind(at)
            .bind(at)
            .bind(at)
            .execute(&raw)
            .await
            .unwrap();
        }
        people.push(person);
    }
    // Noise in another account: same tags by name, never counted.
    contact(&store, other, "+5511912345678", "Fora").await;

    let cases: Vec<Case> = vec![
        ("everyone", ContactFilter::default(), Box::new(|_| true)),
        (
            "all of VIP and SP",
            ContactFilter {
                tags_all: vec![tag_ids[0], tag_ids[1]],
                ..Default::default()
            },
            Box::new(|p| p.tags[0] && p.tags[1]),
        ),
        (
            "any of SP, Atacado",
            ContactFilter {
                tags_any: vec![tag_ids[1], tag_ids[2]],
                ..Default::default()
            },
            Box::new(|p| p.tags[1] || p.tags[2]),
        ),
        (
            "none of VIP, Atacado",
            ContactFilter {
                tags_none: vec![tag_ids[0], tag_ids[2]],
                ..Default::default()
            },
            Box::new(|p| !p.tags[0] && !p.tags[2]),
        ),
        (
            "points > 300 (typed the Brazilian way)",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: points.id,
                    op: FieldOp::Greater,
                    value: "300,0".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.points.is_some_and(|x| x > 300)),
        ),
        (
            "points < 95",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: points.id,
                    op: FieldOp::Less,
                    value: "95".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.points.is_some_and(|x| x < 95)),
        ),
        (
            "vip is yes",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: vip.id,
                    op: FieldOp::Is,
                    value: "Sim".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.vip == Some(true)),
        ),
        (
            "vip is not yes (includes no value)",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: vip.id,
                    op: FieldOp::IsNot,
                    value: "sim".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.vip != Some(true)),
        ),
        (
            "customer since before 15/05/2015",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: since.id,
                    op: FieldOp::Less,
                    value: "15/05/2015".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.since.as_deref().is_some_and(|d| d < "2015-05-15")),
        ),
        (
            "city is São Paulo, any case",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: city.id,
                    op: FieldOp::Is,
                    value: "SÃO PAULO".into(),
                }],
                ..Default::default()
            },
            // SQLite's NOCASE folds ASCII only: "SÃO" ≠ "são" is a known limit.
            Box::new(|p| p.city.is_some_and(|c| c.eq_ignore_ascii_case("SÃO PAULO"))),
        ),
        (
            "city contains 'camp'",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: city.id,
                    op: FieldOp::Contains,
                    value: "camp".into(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.city == Some("Campinas")),
        ),
        (
            "city empty",
            ContactFilter {
                fields: vec![FieldCondition {
                    field: city.id,
                    op: FieldOp::IsEmpty,
                    value: String::new(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.city.is_none()),
        ),
        (
            "opted out",
            ContactFilter {
                opted_out: Some(true),
                ..Default::default()
            },
            Box::new(|p| p.opted_out),
        ),
        (
            "created in days [10, 40)",
            ContactFilter {
                created_after: Some(BASE + 10 * DAY),
                created_before: Some(BASE + 40 * DAY),
                ..Default::default()
            },
            Box::new(|p| p.created_at >= BASE + 10 * DAY && p.created_at < BASE + 40 * DAY),
        ),
        (
            "last message before day 30 (silent since)",
            ContactFilter {
                last_message_before: Some(BASE + 30 * DAY),
                ..Default::default()
            },
            Box::new(|p| p.last_message_at.is_some_and(|t| t < BASE + 30 * DAY)),
        ),
        (
            "last message after day 80",
            ContactFilter {
                last_message_after: Some(BASE + 80 * DAY),
                ..Default::default()
            },
            Box::new(|p| p.last_message_at.is_some_and(|t| t >= BASE + 80 * DAY)),
        ),
        (
            "search 'conceicao' without accent",
            ContactFilter {
                search: Some("conceicao".into()),
                ..Default::default()
            },
            Box::new(|p| p.name.contains("Conceição")),
        ),
        (
            "campaign-like: SP, not opted out, points set, not Atacado",
            ContactFilter {
                tags_all: vec![tag_ids[1]],
                tags_none: vec![tag_ids[2]],
                opted_out: Some(false),
                fields: vec![FieldCondition {
                    field: points.id,
                    op: FieldOp::IsSet,
                    value: String::new(),
                }],
                ..Default::default()
            },
            Box::new(|p| p.tags[1] && !p.tags[2] && !p.opted_out && p.points.is_some()),
        ),
    ];
    // A comparison a kind has no use for is refused with the reason, not run
    // as a text comparison that matches by accident.
    for (field, op) in [
        (points.id, FieldOp::Contains),
        (city.id, FieldOp::Greater),
        (vip.id, FieldOp::Less),
    ] {
        let filter = ContactFilter {
            fields: vec![FieldCondition {
                field,
                op,
                value: "1".into(),
            }],
            ..Default::default()
        };
        let refused = contacts::count(&store, acc, &filter).await.unwrap_err();
        assert_eq!(
            zapdesk_core::UserError::code(&refused),
            zapdesk_core::ErrorCode::FieldValueInvalid,
            "{op:?}"
        );
    }
    for (name, filter, want) in &cases {
        let expected: BTreeSet<ContactId> =
            people.iter().filter(|p| want(p)).map(|p| p.id).collect();
        assert!(
            name == &"everyone" || expected.len() < people.len(),
            "{name}: the case does not filter anything"
        );
        let count = contacts::count(&store, acc, filter).await.unwrap();
        assert_eq!(count as usize, expected.len(), "{name}: count");
        let ids: BTreeSet<ContactId> = contacts::resolve(
            &store,
            acc,
            &ContactSelection::Filter {
                filter: filter.clone(),
            },
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert_eq!(ids, expected, "{name}: members");
        let page = contacts::list(
            &store,
            acc,
            &ContactQuery {
                filter: filter.clone(),
                offset: 0,
                limit: 500,
            },
        )
        .await
        .unwrap();
        assert_eq!(page.total as usize, expected.len(), "{name}: list total");
        for item in &page.items {
            let p = people.iter().find(|p| p.id == item.contact.id).unwrap();
            let want_tags: BTreeSet<TagId> =
                (0..3).filter(|&t| p.tags[t]).map(|t| tag_ids[t]).collect();
            assert_eq!(
                item.tags.iter().copied().collect::<BTreeSet<_>>(),
                want_tags
            );
        }
    }

    // Saved as a segment, the filter comes back identical and counts the same.
    let (_, filter, _) = &cases[cases.len() - 1];
    let seg = segments::create(
        &store,
        acc,
        &SegmentInput {
            name: "SP ativos".into(),
            filter: filter.clone(),
        },
    )
    .await
    .unwrap();
    let again = segments::get(&store, acc, seg.id).await.unwrap();
    assert_eq!(&again.filter, filter);
    let dup = segments::create(
        &store,
        acc,
        &SegmentInput {
            name: "sp ATIVOS".into(),
            filter: ContactFilter::default(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::SegmentDuplicate);
    assert!(segments::list(&store, other).await.unwrap().is_empty());
    assert_eq!(
        segments::get(&store, other, seg.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::SegmentUnknown
    );

    // A condition on a field that no longer exists is an error, not "everyone".
    fields::delete(&store, acc, points.id).await.unwrap();
    let err = contacts::count(&store, acc, &again.filter)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FieldUnknown);
}

#[tokio::test]
async fn bulk_tag_and_delete_work_on_a_whole_filter_result_and_only_in_the_account() {
    let (_dir, store) = support::store().await;
    let acc = account(&store, "Loja").await;
    let other = account(&store, "Outra").await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let name = if i % 3 == 0 { "Silva" } else { "Souza" };
        ids.push(
            contact(
                &store,
                acc,
                &format!("+5511988{:06}", i),
                &format!("{name} {i}"),
            )
            .await,
        );
    }
    let outsider = contact(&store, other, "+5511988000001", "Silva de fora").await;
    let tag = tags::create(
        &store,
        acc,
        &TagInput {
            name: "Família Silva".into(),
            color: "#00aa00".into(),
        },
    )
    .await
    .unwrap();
    let silvas = ContactSelection::Filter {
        filter: ContactFilter {
            search: Some("silva".into()),
            ..Default::default()
        },
    };
    assert_eq!(
        tags::apply_to(&store, acc, tag.id, &silvas, true)
            .await
            .unwrap(),
        10
    );
    // Again: nothing new.
    assert_eq!(
        tags::apply_to(&store, acc, tag.id, &silvas, true)
            .await
            .unwrap(),
        0
    );
    let tagged = ContactFilter {
        tags_all: vec![tag.id],
        ..Default::default()
    };
    assert_eq!(contacts::count(&store, acc, &tagged).await.unwrap(), 10);
    // The other account's id in a hand-picked selection is ignored.
    let picked = ContactSelection::Ids {
        ids: vec![ids[1], ids[2], outsider],
    };
    assert_eq!(
        tags::apply_to(&store, acc, tag.id, &picked, true)
            .await
            .unwrap(),
        2
    );
    assert!(
        tags::of_contact(&store, other, outsider)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tags::apply_to(&store, acc, tag.id, &silvas, false)
            .await
            .unwrap(),
        10
    );
    assert_eq!(contacts::count(&store, acc, &tagged).await.unwrap(), 2);

    // More ids than one statement binds.
    let many: Vec<ContactId> = std::iter::repeat_n(ids[5], 1_200).chain([ids[6]]).collect();
    assert_eq!(
        tags::apply_to(
            &store,
            acc,
            tag.id,
            &ContactSelection::Ids { ids: many },
            true
        )
        .await
        .unwrap(),
        2
    );

    let deleted = contacts::delete_selection(&store, acc, &silvas)
        .await
        .unwrap();
    assert_eq!(deleted, 10);
    assert_eq!(
        contacts::count(&store, acc, &ContactFilter::default())
            .await
            .unwrap(),
        20
    );
    assert!(contacts::get(&store, other, outsider).await.is_ok());
}
