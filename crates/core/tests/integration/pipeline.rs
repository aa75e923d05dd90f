//! The pipeline (issue 18, item 7) against a real SQLite file: stages made,
//! edited, reordered and deleted (never losing cards), cards moved between
//! stages and places, what entering a stage does (a tag, a flow started
//! through the function the app and the local API use), the board's
//! filters, counts and values per stage, one account's cards never seen
//! from another, and a contact's cards gone with the contact.

use serde_json::json;
use zapdesk_core::automation::sessions;
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::Role;
use zapdesk_core::lgpd::{self, Actor};
use zapdesk_core::pipeline::cards::{self, CardFilter};
use zapdesk_core::pipeline::moves::{self, MoveTo};
use zapdesk_core::pipeline::summary::{self, StageTotal};
use zapdesk_core::pipeline::{CardId, CardInput, OwnerChange, StageId, StageInput, stages};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, ContactId, ErrorCode, Store, UserError, UserId};

use crate::support;
use crate::support::automation::{MARIA, bot, doc, send};

fn stage_input(name: &str) -> StageInput {
    StageInput {
        name: name.into(),
        color: "#3366ff".into(),
        add_tag_id: None,
        start_flow_id: None,
    }
}

async fn stage(store: &Store, acc: AccountId, name: &str) -> StageId {
    stages::create(store, acc, &stage_input(name))
        .await
        .unwrap()
        .id
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

fn card_input(contact: ContactId, title: Option<&str>, value_cents: i64) -> CardInput {
    CardInput {
        contact_id: contact,
        title: title.map(Into::into),
        value_cents,
        owner: OwnerChange::Keep,
    }
}

async fn card(store: &Store, acc: AccountId, stage: StageId, input: CardInput) -> CardId {
    cards::create(store, acc, stage, &input)
        .await
        .unwrap()
        .card
        .id
}

/// The cards of `stage` in board order.
async fn column(store: &Store, acc: AccountId, stage: StageId) -> Vec<CardId> {
    cards::list(store, acc, &CardFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.stage_id == stage)
        .map(|c| c.id)
        .collect()
}

async fn move_to(
    store: &Store,
    acc: AccountId,
    card: CardId,
    stage: StageId,
    before: Option<CardId>,
) {
    moves::move_card(store, acc, card, &MoveTo { stage, before })
        .await
        .unwrap();
}

#[tokio::test]
async fn stages_are_made_renamed_reordered_and_deleted_only_with_a_place_for_their_cards() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let novo = stage(&store, acc, "Novo").await;
    let proposta = stage(&store, acc, "Proposta").await;
    let ganho = stage(&store, acc, "Ganho").await;
    let names = |list: Vec<zapdesk_core::pipeline::Stage>| {
        list.into_iter().map(|s| s.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(stages::list(&store, acc).await.unwrap()),
        ["Novo", "Proposta", "Ganho"]
    );

    let renamed = stages::update(
        &store,
        acc,
        proposta,
        &StageInput {
            name: "  Proposta   enviada ".into(),
            color: "#AABBCC".into(),
            add_tag_id: None,
            start_flow_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.color.as_str()),
        ("Proposta enviada", "#aabbcc")
    );
    let bad_colour = stages::update(
        &store,
        acc,
        proposta,
        &StageInput {
            color: "azul".into(),
            ..stage_input("X")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad_colour.code(), ErrorCode::ColorInvalid);
    let empty = stages::create(&store, acc, &stage_input("  "))
        .await
        .unwrap_err();
    assert_eq!(empty.code(), ErrorCode::NameEmpty);

    let order = stages::reorder(&store, acc, &[ganho, novo, proposta])
        .await
        .unwrap();
    assert_eq!(names(order), ["Ganho", "Novo", "Proposta enviada"]);
    // An order that forgets a stage (added meanwhile elsewhere) is refused whole.
    let partial = stages::reorder(&store, acc, &[novo, ganho])
        .await
        .unwrap_err();
    assert_eq!(partial.code(), ErrorCode::PipelineStageUnknown);
    assert_eq!(
        names(stages::list(&store, acc).await.unwrap()),
        ["Ganho", "Novo", "Proposta enviada"]
    );

    // A stage with cards is not deleted without a place for them.
    let ana = contact(&store, acc, "+5511911110001", "Ana").await;
    let bia = contact(&store, acc, "+5511911110002", "Bia").await;
    let in_ganho = card(&store, acc, ganho, card_input(ana, None, 100)).await;
    let a = card(&store, acc, proposta, card_input(ana, Some("Site"), 500)).await;
    let b = card(&store, acc, proposta, card_input(bia, None, 700)).await;
    let refused = stages::delete(&store, acc, proposta, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PipelineStageHasCards);
    assert!(refused.message(zapdesk_core::Lang::PtBr).contains('2'));
    let to_itself = stages::delete(&store, acc, proposta, Some(proposta))
        .await
        .unwrap_err();
    assert_eq!(to_itself.code(), ErrorCode::PipelineStageHasCards);
    assert_eq!(column(&store, acc, proposta).await, [a, b]);

    // With one, its cards go to the end of that stage, in their order.
    stages::delete(&store, acc, proposta, Some(ganho))
        .await
        .unwrap();
    assert_eq!(column(&store, acc, ganho).await, [in_ganho, a, b]);
    assert_eq!(
        names(stages::list(&store, acc).await.unwrap()),
        ["Ganho", "Novo"]
    );
    // An empty stage goes at once; an unknown one is said.
    stages::delete(&store, acc, novo, None).await.unwrap();
    let gone = stages::delete(&store, acc, novo, None).await.unwrap_err();
    assert_eq!(gone.code(), ErrorCode::PipelineStageUnknown);
}

#[tokio::test]
async fn cards_move_between_stages_and_places_writing_only_the_moved_card() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let raw = support::raw(&dir).await;
    let novo = stage(&store, acc, "Novo").await;
    let ganho = stage(&store, acc, "Ganho").await;
    let who = contact(&store, acc, "+5511911110001", "Ana").await;
    let c1 = card(&store, acc, novo, card_input(who, Some("1"), 0)).await;
    let c2 = card(&store, acc, novo, card_input(who, Some("2"), 0)).await;
    let c3 = card(&store, acc, novo, card_input(who, Some("3"), 0)).await;
    assert_eq!(column(&store, acc, novo).await, [c1, c2, c3]);

    let positions_before: Vec<(CardId, String)> =
        sqlx::query_as("SELECT id, position FROM pipeline_cards WHERE id IN (?, ?) ORDER BY id")
            .bind(c1)
            .bind(c2)
            .fetch_all(&raw)
            .await
            .unwrap();
    move_to(&store, acc, c3, novo, Some(c1)).await;
    assert_eq!(column(&store, acc, novo).await, [c3, c1, c2]);
    move_to(&store, acc, c1, novo, None).await;
    assert_eq!(column(&store, acc, novo).await, [c3, c2, c1]);
    move_to(&store, acc, c1, novo, Some(c2)).await;
    assert_eq!(column(&store, acc, novo).await, [c3, c1, c2]);
    // The other cards kept their keys: a move writes one row.
    let c2_after: String = sqlx::query_scalar("SELECT position FROM pipeline_cards WHERE id = ?")
        .bind(c2)
        .fetch_one(&raw)
        .await
        .unwrap();
    assert!(
        positions_before
            .iter()
            .any(|(id, p)| *id == c2 && *p == c2_after)
    );

    move_to(&store, acc, c1, ganho, None).await;
    move_to(&store, acc, c3, ganho, Some(c1)).await;
    assert_eq!(column(&store, acc, novo).await, [c2]);
    assert_eq!(column(&store, acc, ganho).await, [c3, c1]);

    // Many drops into one gap keep every card where it was dropped.
    let mut expected = vec![c3];
    for i in 0..30 {
        let c = card(
            &store,
            acc,
            novo,
            card_input(who, Some(&format!("n{i}")), 0),
        )
        .await;
        move_to(&store, acc, c, ganho, Some(c1)).await;
        expected.push(c);
    }
    expected.push(c1);
    assert_eq!(column(&store, acc, ganho).await, expected);

    // Two desktops that gave two cards the same key (merged by sync) show
    // them in one order everywhere (by id), and a card can still be put
    // between them.
    let (x, y) = (expected[1], expected[2]);
    sqlx::query("UPDATE pipeline_cards SET position = 'zz5' WHERE id IN (?, ?)")
        .bind(x)
        .bind(y)
        .execute(&raw)
        .await
        .unwrap();
    let (first, second) = if x < y { (x, y) } else { (y, x) };
    let col = column(&store, acc, ganho).await;
    let at = col.iter().position(|c| *c == first).unwrap();
    assert_eq!(col[at + 1], second);
    move_to(&store, acc, c3, ganho, Some(second)).await;
    let col = column(&store, acc, ganho).await;
    let at = col.iter().position(|c| *c == c3).unwrap();
    assert!(col[..at].contains(&first), "{col:?}");

    let unknown = moves::move_card(
        &store,
        acc,
        c2,
        &MoveTo {
            stage: StageId::new(),
            before: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::PipelineStageUnknown);
    assert_eq!(column(&store, acc, novo).await, [c2]);
}

#[tokio::test]
async fn entering_a_stage_adds_its_tag_and_starts_its_flow() {
    let b = bot().await;
    let flow = b
        .publish(
            "Boas-vindas ao funil",
            doc("hi", vec![send("hi", "Recebemos sua proposta!", 0)], vec![]),
            json!([]),
        )
        .await;
    let quente = tags::create(
        &b.store,
        b.acc,
        &TagInput {
            name: "Quente".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    let novo = stage(&b.store, b.acc, "Novo").await;
    let proposta = stages::create(
        &b.store,
        b.acc,
        &StageInput {
            add_tag_id: Some(quente.id),
            start_flow_id: Some(flow),
            ..stage_input("Proposta")
        },
    )
    .await
    .unwrap()
    .id;
    let maria = b.write_at(MARIA, "oi", 1).await;
    b.handle().await;

    let created = cards::create(&b.store, b.acc, novo, &card_input(maria.contact, None, 0))
        .await
        .unwrap();
    assert_eq!(created.entered, Default::default());
    let tag_names = || async {
        tags::of_contact(&b.store, b.acc, maria.contact)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
    };
    assert!(tag_names().await.is_empty());

    let moved = moves::move_card(
        &b.store,
        b.acc,
        created.card.id,
        &MoveTo {
            stage: proposta,
            before: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(moved.entered.tag_added, Some(quente.id));
    assert_eq!(moved.entered.start_flow, Some(flow));
    assert_eq!(tag_names().await, ["Quente"]);

    // The flow starts in her conversation through the function the app's
    // flow_start (window and local API) calls.
    let conv = moves::flow_conversation(&b.store, b.acc, maria.contact)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conv, maria.conversation);
    assert!(b.sessions(conv).await.iter().all(|(s, _)| s != "active"));
    sessions::start_by_hand(
        &b.store,
        b.acc,
        conv,
        moved.entered.start_flow.unwrap(),
        None,
    )
    .await
    .unwrap();
    assert!(b.sessions(conv).await.iter().any(|(s, _)| s == "active"));

    // A move within the stage enters nothing; entering again adds no tag twice.
    let again = moves::move_card(
        &b.store,
        b.acc,
        created.card.id,
        &MoveTo {
            stage: proposta,
            before: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(again.entered, Default::default());
    move_to(&b.store, b.acc, created.card.id, novo, None).await;
    let back = moves::move_card(
        &b.store,
        b.acc,
        created.card.id,
        &MoveTo {
            stage: proposta,
            before: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(back.entered.tag_added, None);
    assert_eq!(back.entered.start_flow, Some(flow));

    // A card made on the stage enters it too; a contact who never wrote has
    // no conversation to start the flow in.
    let ze = contact(&b.store, b.acc, "+5511933334444", "Zé").await;
    let made = cards::create(&b.store, b.acc, proposta, &card_input(ze, None, 0))
        .await
        .unwrap();
    assert_eq!(made.entered.tag_added, Some(quente.id));
    assert_eq!(
        moves::flow_conversation(&b.store, b.acc, ze).await.unwrap(),
        None
    );

    // A deleted tag is skipped, the move still happens.
    tags::delete(&b.store, b.acc, quente.id).await.unwrap();
    move_to(&b.store, b.acc, made.card.id, novo, None).await;
    let skipped = moves::move_card(
        &b.store,
        b.acc,
        made.card.id,
        &MoveTo {
            stage: proposta,
            before: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(skipped.entered.tag_added, None);
    assert_eq!(skipped.card.stage_id, proposta);
}

async fn operator(store: &Store, name: &str, email: &str) -> UserId {
    users::create(
        store,
        &UserInput {
            name: name.into(),
            email: email.into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn the_board_filters_by_owner_tag_and_text_and_counts_each_stage() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let novo = stage(&store, acc, "Novo").await;
    let ganho = stage(&store, acc, "Ganho").await;
    let vazio = stage(&store, acc, "Perdido").await;
    let ana_op = operator(&store, "Ana Operadora", "ana@agencia.com").await;
    let rui_op = operator(&store, "Rui", "rui@agencia.com").await;
    let joao = contact(&store, acc, "+5511987650001", "João Conceição").await;
    let maria = contact(&store, acc, "+5521912340002", "Maria").await;
    let vip = tags::create(
        &store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#00aa00".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&store, acc, vip.id, &[maria], true)
        .await
        .unwrap();

    let with_owner = |contact, title: Option<&str>, value, owner| CardInput {
        owner: OwnerChange::Set { user: owner },
        ..card_input(contact, title, value)
    };
    let j1 = card(
        &store,
        acc,
        novo,
        with_owner(joao, Some("Orçamento site"), 150_000, ana_op),
    )
    .await;
    let j2 = card(&store, acc, ganho, with_owner(joao, None, 99_90, rui_op)).await;
    let m1 = card(
        &store,
        acc,
        novo,
        with_owner(maria, Some("Loja virtual"), 250_050, rui_op),
    )
    .await;
    let m2 = card(&store, acc, ganho, card_input(maria, None, 10)).await;

    let ids = |list: Vec<zapdesk_core::pipeline::Card>| {
        let mut v: Vec<CardId> = list.into_iter().map(|c| c.id).collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<CardId>| {
        v.sort();
        v
    };
    let filter = |owner, tag, text: Option<&str>| CardFilter {
        owner,
        tag,
        text: text.map(Into::into),
    };
    let all = cards::list(&store, acc, &CardFilter::default())
        .await
        .unwrap();
    assert_eq!(ids(all.clone()), sorted(vec![j1, j2, m1, m2]));
    let shown = all.iter().find(|c| c.id == j1).unwrap();
    assert_eq!(shown.owner_name.as_deref(), Some("Ana Operadora"));
    assert_eq!(shown.owner_email.as_deref(), Some("ana@agencia.com"));
    assert_eq!(shown.contact_name.as_deref(), Some("João Conceição"));
    assert_eq!(shown.value_cents, 150_000);

    let by = |f| {
        let store = &store;
        async move { ids(cards::list(store, acc, &f).await.unwrap()) }
    };
    assert_eq!(
        by(filter(Some(rui_op), None, None)).await,
        sorted(vec![j2, m1])
    );
    assert_eq!(
        by(filter(None, Some(vip.id), None)).await,
        sorted(vec![m1, m2])
    );
    assert_eq!(by(filter(Some(rui_op), Some(vip.id), None)).await, vec![m1]);
    // Accents and case ignored in names and titles; phone by its digits.
    assert_eq!(
        by(filter(None, None, Some("conceicao"))).await,
        sorted(vec![j1, j2])
    );
    assert_eq!(by(filter(None, None, Some("ORCAMENTO"))).await, vec![j1]);
    assert_eq!(
        by(filter(None, None, Some("(21) 91234"))).await,
        sorted(vec![m1, m2])
    );
    assert_eq!(
        by(filter(None, None, Some("ninguém"))).await,
        Vec::<CardId>::new()
    );

    let totals = |t: Vec<StageTotal>| {
        t.into_iter()
            .map(|s| (s.name, s.cards, s.value_cents))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        totals(summary::per_stage(&store, acc, None).await.unwrap()),
        [
            ("Novo".to_owned(), 2, 400_050),
            ("Ganho".to_owned(), 2, 9_990 + 10),
            ("Perdido".to_owned(), 0, 0)
        ]
    );
    assert_eq!(
        totals(
            summary::per_stage(&store, acc, Some(&filter(None, Some(vip.id), None)))
                .await
                .unwrap()
        ),
        [
            ("Novo".to_owned(), 1, 250_050),
            ("Ganho".to_owned(), 1, 10),
            ("Perdido".to_owned(), 0, 0)
        ]
    );
    // A move moves the count and the value with it.
    move_to(&store, acc, j1, vazio, None).await;
    assert_eq!(
        totals(summary::per_stage(&store, acc, None).await.unwrap()),
        [
            ("Novo".to_owned(), 1, 250_050),
            ("Ganho".to_owned(), 2, 10_000),
            ("Perdido".to_owned(), 1, 150_000)
        ]
    );

    // Values are cents from zero up; titles have a limit.
    let negative = cards::create(&store, acc, novo, &card_input(joao, None, -1))
        .await
        .unwrap_err();
    assert_eq!(negative.code(), ErrorCode::PipelineCardInvalid);
    let long = "x".repeat(zapdesk_core::pipeline::TITLE_MAX + 1);
    let too_long = cards::update(&store, acc, m2, &card_input(maria, Some(&long), 0))
        .await
        .unwrap_err();
    assert_eq!(too_long.code(), ErrorCode::PipelineCardInvalid);
    let edited = cards::update(
        &store,
        acc,
        m2,
        &card_input(maria, Some("  Renovação "), 42),
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.title.as_deref(), edited.value_cents, edited.stage_id),
        (Some("Renovação"), 42, ganho)
    );
}

#[tokio::test]
async fn one_accounts_cards_are_never_seen_or_touched_from_another() {
    let (_dir, store) = support::store().await;
    let a = support::account(&store, "Loja A").await;
    let b = support::account(&store, "Loja B").await;
    let a_stage = stage(&store, a, "Novo").await;
    let b_stage = stage(&store, b, "Novo").await;
    let a_contact = contact(&store, a, "+5511911110001", "Ana").await;
    let a_card = card(
        &store,
        a,
        a_stage,
        card_input(a_contact, Some("Segredo"), 900),
    )
    .await;

    assert!(
        cards::list(&store, b, &CardFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        summary::per_stage(&store, b, None).await.unwrap()[0].cards,
        0
    );
    assert_eq!(stages::list(&store, b).await.unwrap().len(), 1);
    let code = |e: zapdesk_core::pipeline::PipelineError| e.code();
    assert_eq!(
        code(cards::get(&store, b, a_card).await.unwrap_err()),
        ErrorCode::PipelineCardUnknown
    );
    assert_eq!(
        code(
            moves::move_card(
                &store,
                b,
                a_card,
                &MoveTo {
                    stage: b_stage,
                    before: None
                }
            )
            .await
            .unwrap_err()
        ),
        ErrorCode::PipelineCardUnknown
    );
    // A's card cannot be put on B's stage from A either.
    assert_eq!(
        code(
            moves::move_card(
                &store,
                a,
                a_card,
                &MoveTo {
                    stage: b_stage,
                    before: None
                }
            )
            .await
            .unwrap_err()
        ),
        ErrorCode::PipelineStageUnknown
    );
    assert_eq!(
        code(cards::delete(&store, b, a_card).await.unwrap_err()),
        ErrorCode::PipelineCardUnknown
    );
    assert_eq!(
        code(
            cards::update(&store, b, a_card, &card_input(a_contact, None, 0))
                .await
                .unwrap_err()
        ),
        ErrorCode::PipelineCardUnknown
    );
    // B cannot make a card of A's contact, nor on A's stage.
    assert_eq!(
        code(
            cards::create(&store, b, b_stage, &card_input(a_contact, None, 0))
                .await
                .unwrap_err()
        ),
        ErrorCode::ContactUnknown
    );
    let b_contact = contact(&store, b, "+5511911110001", "Ana em B").await;
    assert_eq!(
        code(
            cards::create(&store, b, a_stage, &card_input(b_contact, None, 0))
                .await
                .unwrap_err()
        ),
        ErrorCode::PipelineStageUnknown
    );
    assert_eq!(
        code(stages::delete(&store, b, a_stage, None).await.unwrap_err()),
        ErrorCode::PipelineStageUnknown
    );
    assert_eq!(
        cards::get(&store, a, a_card).await.unwrap().stage_id,
        a_stage
    );
}

#[tokio::test]
async fn deleting_or_erasing_a_contact_removes_their_cards_and_tells_the_server() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let novo = stage(&store, acc, "Novo").await;
    let ana = contact(&store, acc, "+5511911110001", "Ana").await;
    let bia = contact(&store, acc, "+5511911110002", "Bia").await;
    let caio = contact(&store, acc, "+5511911110003", "Caio").await;
    let ana_card = card(&store, acc, novo, card_input(ana, Some("Ana's deal"), 1)).await;
    let bia_card = card(&store, acc, novo, card_input(bia, None, 2)).await;
    let caio_card = card(&store, acc, novo, card_input(caio, None, 3)).await;

    contacts::delete(&store, acc, ana).await.unwrap();
    let actor = Actor {
        id: None,
        name: "Teste".into(),
    };
    lgpd::erase(&store, acc, bia, &actor).await.unwrap();

    assert_eq!(column(&store, acc, novo).await, [caio_card]);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pipeline_cards WHERE id IN (?, ?)")
        .bind(ana_card)
        .bind(bia_card)
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    // Each removed card leaves a delete for the server (its tombstone).
    let deletes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sync_outbox
         WHERE table_name = 'pipeline_cards' AND op = 'delete' AND key1 IN (?, ?)",
    )
    .bind(ana_card)
    .bind(bia_card)
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(deletes, 2);
    assert_eq!(
        summary::per_stage(&store, acc, None).await.unwrap()[0].value_cents,
        3
    );
}

/// Operators are rows of each desktop: a card whose owner this desktop does
/// not know (set on another desktop, pulled) keeps that owner when its title
/// or value is edited here; clearing or changing the owner is said outright.
#[tokio::test]
async fn editing_a_card_keeps_an_owner_this_desktop_does_not_know() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let novo = stage(&store, acc, "Novo").await;
    let joao = contact(&store, acc, "+5511987650001", "João").await;
    let ana_op = operator(&store, "Ana Operadora", "ana@agencia.com").await;
    let id = card(&store, acc, novo, card_input(joao, None, 100)).await;
    assert_eq!(cards::get(&store, acc, id).await.unwrap().owner_email, None);
    // The owner as another desktop wrote it (sync writes the column as is).
    sqlx::query("UPDATE pipeline_cards SET owner_email = 'rui@outra.com' WHERE id = ?")
        .bind(id)
        .execute(&raw)
        .await
        .unwrap();

    let edited = cards::update(&store, acc, id, &card_input(joao, Some("Orçamento"), 2_500))
        .await
        .unwrap();
    assert_eq!(edited.title.as_deref(), Some("Orçamento"));
    assert_eq!(edited.value_cents, 2_500);
    assert_eq!(edited.owner_email.as_deref(), Some("rui@outra.com"));
    assert_eq!(edited.owner_name, None);

    let given = cards::update(
        &store,
        acc,
        id,
        &CardInput {
            owner: OwnerChange::Set { user: ana_op },
            ..card_input(joao, Some("Orçamento"), 2_500)
        },
    )
    .await
    .unwrap();
    assert_eq!(given.owner_email.as_deref(), Some("ana@agencia.com"));
    assert_eq!(given.owner_name.as_deref(), Some("Ana Operadora"));

    let unknown = cards::update(
        &store,
        acc,
        id,
        &CardInput {
            owner: OwnerChange::Set {
                user: UserId::new(),
            },
            ..card_input(joao, None, 0)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::UserUnknown);
    let unchanged = cards::get(&store, acc, id).await.unwrap();
    assert_eq!(unchanged.owner_email.as_deref(), Some("ana@agencia.com"));
    assert_eq!(unchanged.title.as_deref(), Some("Orçamento"));

    let cleared = cards::update(
        &store,
        acc,
        id,
        &CardInput {
            owner: OwnerChange::Clear,
            ..card_input(joao, Some("Orçamento"), 2_500)
        },
    )
    .await
    .unwrap();
    assert_eq!(cleared.owner_email, None);
}

/// A stage's tag and flow are the account's own: another account's ids are
/// refused with a clear message; an id the stage already holds (its tag
/// deleted since) does not block a rename.
#[tokio::test]
async fn a_stage_takes_only_the_accounts_own_tag_and_flow() {
    use zapdesk_core::Lang;
    use zapdesk_core::automation::flows;
    let (_dir, store) = support::store().await;
    let a = support::account(&store, "Loja A").await;
    let b = support::account(&store, "Loja B").await;
    let tag_of = |acc| {
        let store = &store;
        async move {
            tags::create(
                store,
                acc,
                &TagInput {
                    name: "Quente".into(),
                    color: "#ff0000".into(),
                },
            )
            .await
            .unwrap()
            .id
        }
    };
    let a_tag = tag_of(a).await;
    let b_tag = tag_of(b).await;
    let a_flow = flows::create(&store, a, "Boas-vindas", None)
        .await
        .unwrap()
        .id;
    let b_flow = flows::create(&store, b, "Boas-vindas", None)
        .await
        .unwrap()
        .id;

    let with = |tag, flow| StageInput {
        add_tag_id: tag,
        start_flow_id: flow,
        ..stage_input("Proposta")
    };
    let refused = stages::create(&store, a, &with(Some(b_tag), None))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::TagUnknown);
    assert!(refused.message(Lang::PtBr).contains("etiqueta"));
    assert!(refused.message(Lang::En).contains("tag"));
    let refused = stages::create(&store, a, &with(None, Some(b_flow)))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::FlowUnknown);
    assert!(refused.message(Lang::PtBr).contains("fluxo"));
    assert!(refused.message(Lang::En).contains("flow"));
    assert!(stages::list(&store, a).await.unwrap().is_empty());

    let own = stages::create(&store, a, &with(Some(a_tag), Some(a_flow)))
        .await
        .unwrap();
    assert_eq!(
        stages::update(&store, a, own.id, &with(Some(b_tag), Some(a_flow)))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::TagUnknown
    );
    assert_eq!(
        stages::update(&store, a, own.id, &with(Some(a_tag), Some(b_flow)))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::FlowUnknown
    );
    let kept = stages::get(&store, a, own.id).await.unwrap();
    assert_eq!(
        (kept.add_tag_id, kept.start_flow_id),
        (Some(a_tag), Some(a_flow))
    );

    tags::delete(&store, a, a_tag).await.unwrap();
    let renamed = stages::update(
        &store,
        a,
        own.id,
        &StageInput {
            name: "Proposta enviada".into(),
            ..with(Some(a_tag), Some(a_flow))
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.name, "Proposta enviada");
    assert_eq!(renamed.add_tag_id, Some(a_tag));
}
