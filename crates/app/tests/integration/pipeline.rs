//! The pipeline's moves through the app: a card entering a stage whose flow
//! cannot start still moves, and the board is told why in words (both
//! languages), not a bare error code.

use crate::support::{self, Recorder};

use zapdesk_app::FlowOutcome;
use zapdesk_core::automation::{flows, sessions};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::inbox::conversations;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::pipeline::moves::MoveTo;
use zapdesk_core::pipeline::{CardInput, OwnerChange, StageInput, stages};
use zapdesk_core::{Lang, UserError};

#[tokio::test]
async fn a_stage_flow_that_does_not_start_is_told_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let store = app.store();
    let acc = support::account(store).await;
    let number = instances::create(
        store,
        acc,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let maria = contacts::create(
        store,
        acc,
        &ContactInput {
            phone: "+5511987650001".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap()
    .id;
    let conversation = conversations::open(store, acc, number, maria)
        .await
        .unwrap();
    // A draft never published: starting it is refused.
    let flow = flows::create(store, acc, "Proposta enviada", None)
        .await
        .unwrap()
        .id;
    let stage = |name: &str, flow| StageInput {
        name: name.into(),
        color: "#3366ff".into(),
        add_tag_id: None,
        start_flow_id: flow,
    };
    let novo = stages::create(store, acc, &stage("Novo", None))
        .await
        .unwrap();
    let proposta = stages::create(store, acc, &stage("Proposta", Some(flow)))
        .await
        .unwrap();
    let made = app
        .pipeline_card_create(
            acc,
            novo.id,
            &CardInput {
                contact_id: maria,
                title: None,
                value_cents: 0,
                owner: OwnerChange::Keep,
            },
        )
        .await
        .unwrap();
    assert!(matches!(made.flow, FlowOutcome::None));

    let moved = app
        .pipeline_move(
            acc,
            made.card.id,
            &MoveTo {
                stage: proposta.id,
                before: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.card.stage_id, proposta.id);
    let refusal = sessions::start_by_hand(store, acc, conversation, flow, None)
        .await
        .unwrap_err();
    let FlowOutcome::Failed { code, pt_br, en } = moved.flow else {
        panic!("{:?}", moved.flow);
    };
    assert_eq!(code, refusal.code());
    assert_eq!(pt_br, refusal.message(Lang::PtBr));
    assert_eq!(en, refusal.message(Lang::En));
    assert_ne!(pt_br, en);
}
