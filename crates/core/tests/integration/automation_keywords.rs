//! Keyword replies as the editor makes them: every refusal with its code and
//! nothing written, conflicts shown and refused (accents folded, numbers in
//! scope), and "test a message" on a table of messages.

use zapdesk_core::accounts;
use zapdesk_core::automation::explain::{self, Outcome, Verdict};
use zapdesk_core::automation::files;
use zapdesk_core::automation::flow::Content;
use zapdesk_core::automation::flows::{self, Trigger};
use zapdesk_core::automation::keywords::{
    self, Actions, Handoff, KeywordInput, KeywordPart, SetField,
};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::domain::Role;
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::ids::{FlowId, KeywordId};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Lang, Store, UserError, UserId};

use crate::support::{account, number, store};

fn reply(text: &str) -> Actions {
    Actions {
        reply: Some(Content::Text { text: text.into() }),
        ..Actions::default()
    }
}

fn input(name: &str, kind: MatchKind, words: &[&str], priority: i32) -> KeywordInput {
    KeywordInput {
        name: name.into(),
        match_kind: kind,
        words: words.iter().map(|w| w.to_string()).collect(),
        numbers: Vec::new(),
        priority,
        enabled: true,
        cooldown_minutes: 0,
        actions: reply("Olá, {{primeiro_nome}}!"),
    }
}

/// A published flow of the account.
async fn published_flow(store: &Store, acc: AccountId, name: &str) -> FlowId {
    let flow = flows::create(store, acc, name, None).await.unwrap();
    flows::publish(store, acc, flow.id, flow.revision)
        .await
        .unwrap();
    flow.id
}

/// A message on a number, what should answer it, and every keyword that
/// matches with why it fires or not.
type Case = (
    &'static str,
    Option<InstanceId>,
    Verdict,
    Vec<(KeywordId, String, Outcome)>,
);

struct World {
    acc: AccountId,
    vendas: InstanceId,
    suporte: InstanceId,
    ana: UserId,
    flow: FlowId,
    draft_flow: FlowId,
}

async fn world(store: &Store) -> World {
    let acc = account(store, "Padaria").await;
    let vendas = number(store, acc, "Vendas", false).await;
    let suporte = number(store, acc, "Suporte", false).await;
    tags::create(
        store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff8800".into(),
        },
    )
    .await
    .unwrap();
    for (label, kind) in [("Plano", FieldKind::Text), ("Pontos", FieldKind::Number)] {
        fields::create(
            store,
            acc,
            &FieldInput {
                label: label.into(),
                kind,
                choices: vec![],
            },
        )
        .await
        .unwrap();
    }
    let ana = users::create(
        store,
        &UserInput {
            name: "Ana".into(),
            email: "ana@agencia.com.br".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap()
    .id;
    let flow = published_flow(store, acc, "Boas-vindas").await;
    let draft_flow = flows::create(store, acc, "Rascunho", None)
        .await
        .unwrap()
        .id;
    World {
        acc,
        vendas,
        suporte,
        ana,
        flow,
        draft_flow,
    }
}

#[tokio::test]
async fn a_keyword_with_every_action_is_stored_cleaned_and_can_be_changed_and_deleted() {
    let (_dir, store) = store().await;
    let w = world(&store).await;
    let mut full = input(
        "  Orçamento  ",
        MatchKind::Contains,
        &[" orçamento ", "", "Orcamento", "preço"],
        3,
    );
    full.numbers = vec![w.vendas, w.vendas];
    full.cooldown_minutes = 30;
    full.actions = Actions {
        reply: Some(Content::Text {
            text: " {Oi|Olá}, {{nome|cliente}}! Seu plano: {{plano}}. ".into(),
        }),
        add_tags: vec!["vip".into(), "VÍP".into()],
        remove_tags: vec![],
        set_field: Some(SetField {
            field: "pontos".into(),
            value: "10".into(),
        }),
        start_flow: None,
        handoff: Some(Handoff {
            assign: Some(w.ana),
            note: " Quer orçamento ".into(),
        }),
    };
    let saved = keywords::create(&store, w.acc, &full).await.unwrap();
    assert_eq!(saved.name, "Orçamento");
    // Blank and repeated (folded) words dropped.
    assert_eq!(saved.words, ["orçamento", "preço"]);
    assert_eq!(saved.numbers, [w.vendas]);
    assert_eq!(saved.actions.add_tags, ["VIP"]);
    assert_eq!(
        saved.actions.reply,
        Some(Content::Text {
            text: "{Oi|Olá}, {{nome|cliente}}! Seu plano: {{plano}}.".into()
        })
    );
    assert_eq!(
        saved.actions.handoff.as_ref().unwrap().note,
        "Quer orçamento"
    );
    assert_eq!(
        keywords::list(&store, w.acc).await.unwrap(),
        vec![saved.clone()]
    );

    let mut changed = KeywordInput::from(&saved);
    changed.actions = Actions {
        start_flow: Some(w.flow),
        ..reply("Vamos lá")
    };
    let updated = keywords::update(&store, w.acc, saved.id, &changed)
        .await
        .unwrap();
    assert_eq!(updated.actions.start_flow, Some(w.flow));
    assert_eq!(updated.created_at, saved.created_at);
    let off = keywords::set_enabled(&store, w.acc, saved.id, false)
        .await
        .unwrap();
    assert!(!off.enabled);
    assert_eq!(keywords::get(&store, w.acc, saved.id).await.unwrap(), off);

    // Another account sees none of it.
    let other = account(&store, "Outra").await;
    for err in [
        keywords::update(&store, other, saved.id, &changed)
            .await
            .unwrap_err(),
        keywords::set_enabled(&store, other, saved.id, true)
            .await
            .unwrap_err(),
        keywords::delete(&store, other, saved.id).await.unwrap_err(),
        keywords::get(&store, other, saved.id).await.unwrap_err(),
    ] {
        assert_eq!(err.code(), ErrorCode::KeywordUnknown);
    }

    keywords::delete(&store, w.acc, saved.id).await.unwrap();
    assert!(keywords::list(&store, w.acc).await.unwrap().is_empty());
    assert_eq!(
        keywords::delete(&store, w.acc, saved.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::KeywordUnknown
    );
}

#[tokio::test]
async fn every_wrong_keyword_is_refused_with_its_code_and_nothing_is_written() {
    let (_dir, store) = store().await;
    let w = world(&store).await;
    let other = account(&store, "Outra").await;
    let elsewhere = number(&store, other, "De outra conta", false).await;
    let base = || input("Preço", MatchKind::Contains, &["preço"], 0);
    let with_actions = |actions: Actions| KeywordInput { actions, ..base() };
    let file_reply = |file: &str| Actions {
        reply: Some(Content::File {
            file: file.into(),
            caption: String::new(),
        }),
        ..Actions::default()
    };
    let set = |field: &str, value: &str| Actions {
        set_field: Some(SetField {
            field: field.into(),
            value: value.into(),
        }),
        ..Actions::default()
    };
    let cases: Vec<(&str, KeywordInput, ErrorCode, KeywordPart)> = vec![
        (
            "empty name",
            KeywordInput {
                name: "  ".into(),
                ..base()
            },
            ErrorCode::NameEmpty,
            KeywordPart::Name,
        ),
        (
            "long name",
            KeywordInput {
                name: "a".repeat(81),
                ..base()
            },
            ErrorCode::NameTooLong,
            KeywordPart::Name,
        ),
        (
            "no words",
            KeywordInput {
                words: vec![" ".into()],
                ..base()
            },
            ErrorCode::KeywordInvalid,
            KeywordPart::Words,
        ),
        (
            "a word of punctuation",
            KeywordInput {
                words: vec!["?!".into()],
                ..base()
            },
            ErrorCode::KeywordInvalid,
            KeywordPart::Words,
        ),
        (
            "a pattern that does not compile",
            KeywordInput {
                match_kind: MatchKind::Regex,
                words: vec!["(pedido".into()],
                ..base()
            },
            ErrorCode::KeywordInvalid,
            KeywordPart::Words,
        ),
        (
            "another account's number",
            KeywordInput {
                numbers: vec![w.vendas, elsewhere],
                ..base()
            },
            ErrorCode::NumberUnknown,
            KeywordPart::Numbers,
        ),
        (
            "no action",
            with_actions(Actions::default()),
            ErrorCode::KeywordInvalid,
            KeywordPart::Actions,
        ),
        (
            "an empty reply",
            with_actions(reply("   ")),
            ErrorCode::MessageEmpty,
            KeywordPart::Reply,
        ),
        (
            "a reply too long",
            with_actions(reply(&"a".repeat(4097))),
            ErrorCode::MessageTooLong,
            KeywordPart::Reply,
        ),
        (
            "an unknown variable",
            with_actions(reply("Olá {{cidade}}")),
            ErrorCode::TemplateInvalid,
            KeywordPart::Reply,
        ),
        (
            "a flow's variable (a keyword has no session)",
            with_actions(reply("Você disse {{ultima_resposta}}")),
            ErrorCode::TemplateInvalid,
            KeywordPart::Reply,
        ),
        (
            "unbalanced spintax",
            with_actions(reply("{Oi|Olá")),
            ErrorCode::TemplateInvalid,
            KeywordPart::Reply,
        ),
        (
            "a file that does not exist",
            with_actions(file_reply(
                &zapdesk_core::ids::AutomationFileId::new().to_string(),
            )),
            ErrorCode::AutomationFileUnknown,
            KeywordPart::Reply,
        ),
        (
            "a file id that is no id",
            with_actions(file_reply("foto.png")),
            ErrorCode::AutomationFileUnknown,
            KeywordPart::Reply,
        ),
        (
            "an unknown tag",
            with_actions(Actions {
                add_tags: vec!["VIP".into(), "Ouro".into()],
                ..Actions::default()
            }),
            ErrorCode::TagUnknown,
            KeywordPart::Tags,
        ),
        (
            "an unknown field",
            with_actions(set("cidade", "Recife")),
            ErrorCode::FieldUnknown,
            KeywordPart::Field,
        ),
        (
            "a value that does not fit the field",
            with_actions(set("pontos", "muitos")),
            ErrorCode::FieldValueInvalid,
            KeywordPart::Field,
        ),
        (
            "a value with an unknown variable",
            with_actions(set("plano", "{{cidade}}")),
            ErrorCode::TemplateInvalid,
            KeywordPart::Field,
        ),
        (
            "an unknown flow",
            with_actions(Actions {
                start_flow: Some(FlowId::new()),
                ..Actions::default()
            }),
            ErrorCode::FlowUnknown,
            KeywordPart::Flow,
        ),
        (
            "an unpublished flow",
            with_actions(Actions {
                start_flow: Some(w.draft_flow),
                ..Actions::default()
            }),
            ErrorCode::FlowNotPublished,
            KeywordPart::Flow,
        ),
        (
            "an unknown operator",
            with_actions(Actions {
                handoff: Some(Handoff {
                    assign: Some(UserId::new()),
                    note: String::new(),
                }),
                ..Actions::default()
            }),
            ErrorCode::UserUnknown,
            KeywordPart::Handoff,
        ),
        (
            "a flow and a hand-off at once",
            with_actions(Actions {
                start_flow: Some(w.flow),
                handoff: Some(Handoff {
                    assign: None,
                    note: String::new(),
                }),
                ..Actions::default()
            }),
            ErrorCode::KeywordInvalid,
            KeywordPart::Actions,
        ),
    ];
    for (what, bad, code, part) in cases {
        let err = keywords::create(&store, w.acc, &bad).await.unwrap_err();
        assert_eq!(err.code(), code, "{what}: {err:?}");
        assert!(!err.message(Lang::PtBr).is_empty() && !err.message(Lang::En).is_empty());
        let check = keywords::check(&store, w.acc, &bad, None, Lang::PtBr)
            .await
            .unwrap();
        assert_eq!(
            check
                .problems
                .iter()
                .map(|p| (p.part, p.code))
                .collect::<Vec<_>>(),
            vec![(part, code)],
            "{what}"
        );
        assert!(
            keywords::list(&store, w.acc).await.unwrap().is_empty(),
            "{what}"
        );
    }

    // The editor sees every problem at once, each by its input.
    let mut many = with_actions(Actions {
        add_tags: vec!["Ouro".into()],
        set_field: Some(SetField {
            field: "cidade".into(),
            value: "x".into(),
        }),
        ..reply("{{cidade}}")
    });
    many.name = String::new();
    many.words = vec![];
    let check = keywords::check(&store, w.acc, &many, None, Lang::En)
        .await
        .unwrap();
    let parts: Vec<KeywordPart> = check.problems.iter().map(|p| p.part).collect();
    assert_eq!(
        parts,
        [
            KeywordPart::Name,
            KeywordPart::Words,
            KeywordPart::Reply,
            KeywordPart::Tags,
            KeywordPart::Field
        ]
    );
    assert!(check.problems[0].message.contains("Give it a name"));

    // An archived account takes no keyword.
    accounts::set_archived(&store, w.acc, true).await.unwrap();
    let err = keywords::create(&store, w.acc, &base()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountArchived);
}

#[tokio::test]
async fn a_reply_may_send_a_file_of_the_account() {
    let (_dir, store) = store().await;
    let w = world(&store).await;
    let other = account(&store, "Outra").await;
    let theirs = files::upload(&store, other, "menu.pdf", "application/pdf", b"%PDF-1.4")
        .await
        .unwrap();
    let ours = files::upload(&store, w.acc, "menu.pdf", "application/pdf", b"%PDF-1.4")
        .await
        .unwrap();
    let with_file = |file: String| KeywordInput {
        actions: Actions {
            reply: Some(Content::File {
                file,
                caption: "Nosso cardápio, {{primeiro_nome}}".into(),
            }),
            ..Actions::default()
        },
        ..input("Cardápio", MatchKind::Contains, &["cardápio"], 0)
    };
    let err = keywords::create(&store, w.acc, &with_file(theirs.to_string()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AutomationFileUnknown);
    keywords::create(&store, w.acc, &with_file(ours.to_string()))
        .await
        .unwrap();
}

#[tokio::test]
async fn conflicts_at_one_priority_on_a_shared_number_are_shown_and_refused() {
    let (_dir, store) = store().await;
    let w = world(&store).await;
    let mut first = input("Orçamento", MatchKind::Contains, &["orçamento"], 0);
    first.numbers = vec![w.vendas];
    let first = keywords::create(&store, w.acc, &first).await.unwrap();

    // Without the accent, exact: "orcamento" fires both.
    let second = input("Pedir orçamento", MatchKind::Exact, &["orcamento"], 0);
    let check = keywords::check(&store, w.acc, &second, None, Lang::PtBr)
        .await
        .unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    assert_eq!(check.conflicts.len(), 1);
    assert_eq!(check.conflicts[0].other, first.id);
    assert_eq!(check.conflicts[0].other_name, "Orçamento");
    assert_eq!(check.conflicts[0].example, "orcamento");
    let err = keywords::create(&store, w.acc, &second).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeywordConflict);
    let text = err.message(Lang::PtBr);
    assert!(
        text.contains("\"Orçamento\"") && text.contains("\"orcamento\""),
        "{text}"
    );
    assert_eq!(keywords::list(&store, w.acc).await.unwrap().len(), 1);

    // Another priority: one simply wins.
    let higher = KeywordInput {
        priority: 1,
        ..second.clone()
    };
    assert!(
        keywords::check(&store, w.acc, &higher, None, Lang::PtBr)
            .await
            .unwrap()
            .conflicts
            .is_empty()
    );
    // Only on another number: they never meet.
    let on_suporte = KeywordInput {
        numbers: vec![w.suporte],
        ..second.clone()
    };
    let separate = keywords::create(&store, w.acc, &on_suporte).await.unwrap();
    // Moved to every number, it meets the first on Vendas.
    let everywhere = KeywordInput {
        numbers: vec![],
        ..on_suporte.clone()
    };
    let err = keywords::update(&store, w.acc, separate.id, &everywhere)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeywordConflict);
    // Saving itself unchanged is no conflict with itself.
    keywords::update(&store, w.acc, separate.id, &on_suporte)
        .await
        .unwrap();
    keywords::delete(&store, w.acc, separate.id).await.unwrap();

    // Saved off, it is accepted (it fires on nothing); turned on, refused.
    let off = KeywordInput {
        enabled: false,
        ..second.clone()
    };
    let parked = keywords::create(&store, w.acc, &off).await.unwrap();
    let err = keywords::set_enabled(&store, w.acc, parked.id, true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeywordConflict);
    assert!(
        !keywords::get(&store, w.acc, parked.id)
            .await
            .unwrap()
            .enabled
    );
    // With the first turned off, there is nothing to conflict with.
    keywords::set_enabled(&store, w.acc, first.id, false)
        .await
        .unwrap();
    assert!(
        keywords::check(&store, w.acc, &second, None, Lang::PtBr)
            .await
            .unwrap()
            .conflicts
            .is_empty()
    );
    keywords::set_enabled(&store, w.acc, parked.id, true)
        .await
        .unwrap();
    // And now the first cannot come back on.
    let err = keywords::set_enabled(&store, w.acc, first.id, true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeywordConflict);

    // A check while editing leaves the keyword itself out.
    let itself = keywords::check(
        &store,
        w.acc,
        &KeywordInput::from(&parked),
        Some(parked.id),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert!(itself.conflicts.is_empty(), "{:?}", itself.conflicts);
}

#[tokio::test]
async fn a_test_message_says_what_fires_and_why_the_others_do_not() {
    let (_dir, store) = store().await;
    let w = world(&store).await;
    let make = async |name: &str, kind, words: &[&str], priority, numbers, enabled| {
        let k = KeywordInput {
            numbers,
            enabled,
            ..input(name, kind, words, priority)
        };
        keywords::create(&store, w.acc, &k).await.unwrap().id
    };
    let preco = make(
        "Preço",
        MatchKind::Contains,
        &["preço", "valor"],
        0,
        vec![],
        true,
    )
    .await;
    // A pattern: its conflicts cannot be foreseen from its words, so two
    // keywords of one priority can match one message; the older wins.
    let custa = make(
        "Quanto custa",
        MatchKind::Regex,
        &["quanto.*custa"],
        0,
        vec![],
        true,
    )
    .await;
    let oi = make("Oi", MatchKind::Exact, &["oi"], 5, vec![w.suporte], true).await;
    let horario = make(
        "Horário",
        MatchKind::Contains,
        &["horário"],
        0,
        vec![],
        false,
    )
    .await;
    let urgente = make(
        "Urgente",
        MatchKind::StartsWith,
        &["urgente"],
        10,
        vec![],
        true,
    )
    .await;
    let welcome = w.flow;
    flows::set_triggers(
        &store,
        w.acc,
        welcome,
        vec![Trigger::FirstMessage { numbers: vec![] }],
    )
    .await
    .unwrap();
    let default_reply = published_flow(&store, w.acc, "Resposta padrão").await;
    flows::set_triggers(
        &store,
        w.acc,
        default_reply,
        vec![Trigger::NoMatch {
            hours: 24,
            numbers: vec![w.suporte],
        }],
    )
    .await
    .unwrap();
    // Off: never the answer.
    let off_flow = published_flow(&store, w.acc, "Antigo").await;
    flows::set_enabled(&store, w.acc, off_flow, false)
        .await
        .unwrap();
    flows::set_triggers(
        &store,
        w.acc,
        off_flow,
        vec![Trigger::NoMatch {
            hours: 1,
            numbers: vec![],
        }],
    )
    .await
    .unwrap();

    let fires = |id: KeywordId, word: &str| (id, word.to_owned(), Outcome::Fires);
    let lost = |id: KeywordId, word: &str, outcome: Outcome| (id, word.to_owned(), outcome);
    let lower = |winner: KeywordId, name: &str| Outcome::LowerPriority {
        winner,
        winner_name: name.into(),
    };
    let older = |winner: KeywordId, name: &str| Outcome::OlderWins {
        winner,
        winner_name: name.into(),
    };
    let keyword = |id: KeywordId, name: &str, word: &str, priority: i32| Verdict::Keyword {
        id,
        name: name.into(),
        word: word.into(),
        priority,
    };
    let flows_verdict = |first: bool, no_match: bool| Verdict::Flows {
        first_message: first.then(|| explain::FlowRef {
            id: welcome,
            name: "Boas-vindas".into(),
            hours: None,
        }),
        no_match: no_match.then(|| explain::FlowRef {
            id: default_reply,
            name: "Resposta padrão".into(),
            hours: Some(24),
        }),
    };
    // (text, number, verdict, matches in rank order)
    let table: Vec<Case> = vec![
        (
            "Quero falar com um ATENDENTE sobre o preço",
            Some(w.vendas),
            Verdict::Handoff {
                word: "atendente".into(),
            },
            vec![lost(preco, "preço", Outcome::HandoffFirst)],
        ),
        (
            "Qual o VALOR?",
            Some(w.vendas),
            keyword(preco, "Preço", "valor", 0),
            vec![fires(preco, "valor")],
        ),
        (
            "quanto custa? qual o preco",
            Some(w.vendas),
            keyword(preco, "Preço", "preço", 0),
            vec![
                fires(preco, "preço"),
                lost(custa, "quanto.*custa", older(preco, "Preço")),
            ],
        ),
        (
            "Urgente: qual o preço?",
            None,
            keyword(urgente, "Urgente", "urgente", 10),
            vec![
                fires(urgente, "urgente"),
                lost(preco, "preço", lower(urgente, "Urgente")),
            ],
        ),
        (
            "Oi!",
            Some(w.vendas),
            flows_verdict(true, false),
            vec![lost(oi, "oi", Outcome::NotOnThisNumber)],
        ),
        (
            "Oi!",
            Some(w.suporte),
            keyword(oi, "Oi", "oi", 5),
            vec![fires(oi, "oi")],
        ),
        (
            "oi",
            None,
            keyword(oi, "Oi", "oi", 5),
            vec![fires(oi, "oi")],
        ),
        (
            "Qual o horario de vocês?",
            Some(w.suporte),
            flows_verdict(true, true),
            vec![lost(horario, "horário", Outcome::Off)],
        ),
        (
            "Bom dia",
            Some(w.suporte),
            flows_verdict(true, true),
            vec![],
        ),
    ];
    for (text, number, verdict, matches) in table {
        let got = explain::explain(&store, w.acc, number, text).await.unwrap();
        assert!(!got.automation_off);
        assert_eq!(got.verdict, verdict, "{text:?}");
        let seen: Vec<(KeywordId, String, Outcome)> = got
            .keywords
            .into_iter()
            .map(|m| (m.id, m.word, m.outcome))
            .collect();
        assert_eq!(seen, matches, "{text:?}");
    }

    // With the bot off, the same answer, marked off; another account's
    // number is refused; an account with nothing answers nothing.
    settings::save(
        &store,
        w.acc,
        &AutomationSettings {
            enabled: false,
            ..AutomationSettings::default()
        },
    )
    .await
    .unwrap();
    let got = explain::explain(&store, w.acc, Some(w.vendas), "valor")
        .await
        .unwrap();
    assert!(got.automation_off);
    assert_eq!(got.verdict, keyword(preco, "Preço", "valor", 0));
    let other = account(&store, "Outra").await;
    let err = explain::explain(&store, other, Some(w.vendas), "valor")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NumberUnknown);
    let nothing = explain::explain(&store, other, None, "valor")
        .await
        .unwrap();
    assert_eq!(nothing.verdict, Verdict::Nothing);
    assert!(nothing.keywords.is_empty());
}
