//! Flows as the editor and the CLI use them: drafts saved against their
//! revision, publishing refused with every problem then accepted, versions
//! that never change, restore, import and export, triggers that may not
//! overlap, delete; and the files the bot sends.

use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::files;
use zapdesk_core::automation::flow::{
    Combine, Content, Edge, FlowDocument, MenuOption, Node, NodeKind, Operator, Position, Rule,
    SCHEMA, Subject,
};
use zapdesk_core::automation::flows::{self, DocumentCheck, FindingSeverity, TextPlace, Trigger};
use zapdesk_core::automation::keywords::{self, Actions, KeywordInput};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::domain::MessageKind;
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::ids::{AutomationFileId, FlowId, SessionId, TagId};
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ErrorCode, Lang, Store, UserError};

use crate::support::{account, number, raw, store};

fn node(id: &str, kind: NodeKind) -> Node {
    Node {
        id: id.into(),
        position: Position { x: 0.0, y: 0.0 },
        kind,
    }
}

fn edge(id: &str, from: &str, handle: &str, to: &str) -> Edge {
    Edge {
        id: id.into(),
        from: from.into(),
        handle: handle.into(),
        to: to.into(),
    }
}

fn send(text: &str) -> NodeKind {
    NodeKind::Send {
        content: Content::Text { text: text.into() },
        typing_ms: 800,
    }
}

/// A small sound flow: a greeting, a menu, a tag, a person, the end.
fn welcome() -> FlowDocument {
    FlowDocument {
        schema: SCHEMA,
        start: "oi".into(),
        nodes: vec![
            node("oi", send("Olá, {{primeiro_nome}}!")),
            node(
                "menu",
                NodeKind::Menu {
                    question: "1 Pedidos, 2 Falar com alguém".into(),
                    options: vec![
                        MenuOption {
                            id: "a".into(),
                            label: "Pedidos".into(),
                            synonyms: vec!["pedido".into()],
                        },
                        MenuOption {
                            id: "b".into(),
                            label: "Falar com alguém".into(),
                            synonyms: vec![],
                        },
                    ],
                    retry: "Responda 1 ou 2.".into(),
                    tries: 2,
                },
            ),
            node(
                "tag",
                NodeKind::Tags {
                    add: vec!["cliente".into()],
                    remove: vec![],
                },
            ),
            node(
                "human",
                NodeKind::Handoff {
                    assign: None,
                    note: "Pediu uma pessoa".into(),
                },
            ),
            node("fim", NodeKind::End),
        ],
        edges: vec![
            edge("e1", "oi", "next", "menu"),
            edge("e2", "menu", "option:a", "tag"),
            edge("e3", "menu", "option:b", "human"),
            edge("e4", "menu", "other", "human"),
            edge("e5", "tag", "next", "fim"),
        ],
    }
}

/// A flow with an empty menu, a condition on an unknown field with a
/// pattern that does not compile, and a branch to a node that is not there.
fn broken() -> FlowDocument {
    FlowDocument {
        schema: SCHEMA,
        start: "oi".into(),
        nodes: vec![
            node("oi", send("Olá!")),
            node(
                "menu",
                NodeKind::Menu {
                    question: "Escolha".into(),
                    options: vec![],
                    retry: String::new(),
                    tries: 1,
                },
            ),
            node(
                "se",
                NodeKind::Condition {
                    combine: Combine::All,
                    rules: vec![
                        Rule {
                            subject: Subject::Field("cidade".into()),
                            operator: Operator::Equals,
                            value: "Recife".into(),
                        },
                        Rule {
                            subject: Subject::LastReply,
                            operator: Operator::Matches,
                            value: "(sim".into(),
                        },
                    ],
                },
            ),
            node("fim", NodeKind::End),
        ],
        edges: vec![
            edge("e1", "oi", "next", "menu"),
            edge("e2", "menu", "other", "se"),
            edge("e3", "se", "true", "fim"),
            edge("e4", "se", "false", "sumiu"),
        ],
    }
}

async fn setup() -> (tempfile::TempDir, Store, AccountId) {
    let (dir, store) = store().await;
    let acc = account(&store, "Padaria").await;
    tags::create(
        &store,
        acc,
        &TagInput {
            name: "Cliente".into(),
            color: "#00aa00".into(),
        },
    )
    .await
    .unwrap();
    (dir, store, acc)
}

#[tokio::test]
async fn a_new_flow_starts_from_one_message_and_names_are_unique() {
    let (_dir, store, acc) = setup().await;
    let flow = flows::create(&store, acc, "  Boas-vindas ", None)
        .await
        .unwrap();
    assert_eq!(flow.name, "Boas-vindas");
    assert_eq!(flow.revision, 1);
    assert_eq!(flow.draft, flows::starter());
    assert_eq!(flow.published_version_id, None);
    assert!(flow.enabled && flow.triggers.is_empty());
    // The starter only warns that it ends after its message.
    let found = flows::check(&store, acc, flow.id, Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, FindingSeverity::Warning);
    assert_eq!(found[0].code, "ends_here");
    assert_eq!(found[0].message, "O fluxo termina aqui.");
    let v1 = flows::publish(&store, acc, flow.id, 1).await.unwrap();
    assert_eq!((v1.number, v1.current), (1, true));

    for (name, code) in [
        ("boas-VINDAS", ErrorCode::FlowDuplicate),
        ("  ", ErrorCode::NameEmpty),
        (&"a".repeat(81), ErrorCode::NameTooLong),
    ] {
        let err = flows::create(&store, acc, name, None).await.unwrap_err();
        assert_eq!(err.code(), code, "{name}");
    }
    let other = flows::create(&store, acc, "Cardápio", None).await.unwrap();
    let err = flows::rename(&store, acc, other.id, "Boas-Vindas")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowDuplicate);
    assert!(err.message(Lang::PtBr).contains("\"Boas-vindas\""));
    let renamed = flows::rename(&store, acc, other.id, "Cardápio do dia")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Cardápio do dia");
    // Renaming a flow to its own name in other letters is no clash.
    flows::rename(&store, acc, other.id, "CARDÁPIO DO DIA")
        .await
        .unwrap();

    let list = flows::summaries(&store, acc).await.unwrap();
    assert_eq!(
        list.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Boas-vindas", "CARDÁPIO DO DIA"]
    );
    assert_eq!(list[0].published.as_ref().map(|p| p.number), Some(1));
    assert!(!list[0].draft_changed);
    assert!(list[1].published.is_none() && list[1].draft_changed);

    // Another account sees none of it.
    let stranger = account(&store, "Outra").await;
    assert_eq!(
        flows::get(&store, stranger, flow.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::FlowUnknown
    );
    assert_eq!(
        flows::publish(&store, stranger, flow.id, 1)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::FlowUnknown
    );
    assert!(flows::summaries(&store, stranger).await.unwrap().is_empty());
}

#[tokio::test]
async fn two_saves_from_one_revision_the_second_is_refused_and_overwrites_nothing() {
    let (_dir, store, acc) = setup().await;
    let flow = flows::create(&store, acc, "Boas-vindas", None)
        .await
        .unwrap();
    let mine = welcome();
    let saved = flows::save_draft(
        &store,
        acc,
        flow.id,
        flow.revision,
        mine.clone(),
        Lang::PtBr,
    )
    .await
    .unwrap();
    assert_eq!(saved.revision, 2);
    assert!(saved.findings.is_empty(), "{:?}", saved.findings);

    let mut theirs = welcome();
    theirs.nodes[0].kind = send("Outro texto");
    let err = flows::save_draft(&store, acc, flow.id, flow.revision, theirs, Lang::PtBr)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AutomationError::FlowStale { current: 2 }),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::FlowStale);
    let now = flows::get(&store, acc, flow.id).await.unwrap();
    assert_eq!((now.revision, now.draft), (2, mine));

    // A document from a newer ZapDesk is not kept.
    let mut newer = welcome();
    newer.schema = SCHEMA + 1;
    let err = flows::save_draft(&store, acc, flow.id, 2, newer, Lang::PtBr)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowInvalid);
    assert_eq!(flows::get(&store, acc, flow.id).await.unwrap().revision, 2);
    let err = flows::save_draft(&store, acc, FlowId::new(), 1, welcome(), Lang::PtBr)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowUnknown);
}

#[tokio::test]
async fn publishing_lists_every_error_then_versions_never_change_and_restore_works() {
    let (dir, store, acc) = setup().await;
    let flow = flows::create(&store, acc, "Atendimento", Some(broken()))
        .await
        .unwrap();
    let findings = flows::check(&store, acc, flow.id, Lang::PtBr)
        .await
        .unwrap();
    let errors: Vec<(Option<String>, String)> = findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Error)
        .map(|f| (f.node.clone(), f.code.clone()))
        .collect();
    let s = |x: &str| Some(x.to_owned());
    for expected in [
        (s("menu"), "menu_empty".to_owned()),
        (s("se"), "field_unknown".to_owned()),
        (s("se"), "pattern_invalid".to_owned()),
        (s("se"), "edge_to_unknown".to_owned()),
    ] {
        assert!(errors.contains(&expected), "{expected:?} in {errors:?}");
    }

    let err = flows::publish(&store, acc, flow.id, flow.revision)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowInvalid);
    let AutomationError::FlowProblems(listed) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(listed.len(), errors.len(), "every error, and only errors");
    let text = err.message(Lang::PtBr);
    for part in ["O menu não tem opções", "\"cidade\"", "(sim", "e4"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(
        flows::versions(&store, acc, flow.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        flows::get(&store, acc, flow.id)
            .await
            .unwrap()
            .published_version_id,
        None
    );

    // Fixed (the field created, the rest redrawn): published as v1.
    fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Cidade".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let saved = flows::save_draft(&store, acc, flow.id, flow.revision, welcome(), Lang::En)
        .await
        .unwrap();
    let v1 = flows::publish(&store, acc, flow.id, saved.revision)
        .await
        .unwrap();
    assert_eq!(v1.number, 1);

    // A publish from a revision the person no longer sees is refused.
    let mut second = welcome();
    second.nodes[0].kind = send("Oi de novo, {{primeiro_nome}}!");
    let saved2 = flows::save_draft(
        &store,
        acc,
        flow.id,
        saved.revision,
        second.clone(),
        Lang::En,
    )
    .await
    .unwrap();
    let err = flows::publish(&store, acc, flow.id, saved.revision)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowStale);
    let v2 = flows::publish(&store, acc, flow.id, saved2.revision)
        .await
        .unwrap();
    assert_eq!(v2.number, 2);

    let versions = flows::versions(&store, acc, flow.id).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.number, v.current))
            .collect::<Vec<_>>(),
        [(2, true), (1, false)]
    );
    assert_eq!(
        flows::version(&store, acc, v1.id).await.unwrap().document,
        welcome()
    );
    assert_eq!(
        flows::version(&store, acc, v2.id).await.unwrap().document,
        second
    );
    assert_eq!(
        flows::get(&store, acc, flow.id)
            .await
            .unwrap()
            .published_version_id,
        Some(v2.id)
    );
    // The draft is free to change: versions stay as published.
    let third = flows::save_draft(&store, acc, flow.id, saved2.revision, broken(), Lang::En)
        .await
        .unwrap();
    assert_eq!(
        flows::version(&store, acc, v1.id).await.unwrap().document,
        welcome()
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM flow_versions")
        .fetch_one(&raw(&dir).await)
        .await
        .unwrap();
    assert_eq!(rows, 2);

    // Restore v1 into the draft; from a stale revision it is refused.
    let err = flows::restore(&store, acc, flow.id, v1.id, saved2.revision)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowStale);
    let restored = flows::restore(&store, acc, flow.id, v1.id, third.revision)
        .await
        .unwrap();
    assert_eq!(restored.draft, welcome());
    assert_eq!(restored.revision, third.revision + 1);
    assert_eq!(restored.published_version_id, Some(v2.id));
    // A version of another flow is not this flow's.
    let other = flows::create(&store, acc, "Outro", None).await.unwrap();
    let err = flows::restore(&store, acc, other.id, v1.id, other.revision)
        .await
        .unwrap_err();
    assert!(matches!(err, AutomationError::VersionUnknown), "{err:?}");
}

#[tokio::test]
async fn export_then_import_gives_the_same_document_and_a_bad_file_names_its_place() {
    let (dir, store, acc) = setup().await;
    let flow = flows::create(&store, acc, "Boas-vindas", Some(welcome()))
        .await
        .unwrap();
    flows::publish(&store, acc, flow.id, flow.revision)
        .await
        .unwrap();
    let json = flows::export(&store, acc, flow.id, None).await.unwrap();
    assert!(json.contains("\n  \"start\": \"oi\""), "pretty: {json}");
    let copy = flows::import(&store, acc, "Cópia", &json).await.unwrap();
    assert_eq!(copy.draft, flow.draft);
    assert_eq!(copy.published_version_id, None);
    // A chosen version, while the draft has moved on.
    let mut moved = welcome();
    moved.nodes[0].kind = send("Mudou");
    flows::save_draft(
        &store,
        acc,
        flow.id,
        flow.revision,
        moved.clone(),
        Lang::PtBr,
    )
    .await
    .unwrap();
    let v1 = flows::export(&store, acc, flow.id, Some(1)).await.unwrap();
    assert_eq!(v1, json);
    let draft = flows::export(&store, acc, flow.id, None).await.unwrap();
    assert_ne!(draft, json);
    let err = flows::export(&store, acc, flow.id, Some(7))
        .await
        .unwrap_err();
    assert!(matches!(err, AutomationError::VersionUnknown), "{err:?}");

    let count = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM flows")
            .fetch_one(&raw(&dir).await)
            .await
            .unwrap()
    };
    let before = count().await;
    let wrong_field = json.replace("\"tries\": 2", "\"tries\": \"duas\"");
    let not_json = "{\n  \"schema\": 1,\n  \"start\": ";
    let newer = json.replace("\"schema\": 1", "\"schema\": 9");
    for (file, pt, en) in [
        (
            wrong_field.as_str(),
            "no bloco 2 (menu)",
            "in block 2 (menu)",
        ),
        (not_json, "na linha 3", "at line 3"),
        (newer.as_str(), "versão mais nova", "newer ZapDesk"),
    ] {
        let err = flows::import(&store, acc, "Quebrado", file)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::FlowInvalid);
        assert!(
            err.message(Lang::PtBr).contains(pt),
            "{}",
            err.message(Lang::PtBr)
        );
        assert!(
            err.message(Lang::En).contains(en),
            "{}",
            err.message(Lang::En)
        );
    }
    assert_eq!(count().await, before);
}

#[tokio::test]
async fn a_text_is_checked_before_saving_as_rust_reads_it_with_the_accounts_names() {
    let (dir, store, acc) = setup().await;
    let count = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM flows")
            .fetch_one(&raw(&dir).await)
            .await
            .unwrap()
    };
    let text = |doc: &FlowDocument| serde_json::to_string_pretty(doc).unwrap();

    // A sound text reads as the document it is, with the same findings a
    // saved draft of it has.
    let read = flows::check_text(&store, acc, &text(&welcome()), Lang::PtBr)
        .await
        .unwrap();
    let saved = flows::create(&store, acc, "Salvo", Some(welcome()))
        .await
        .unwrap();
    let checked = flows::check(&store, acc, saved.id, Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(
        read,
        DocumentCheck::Read {
            document: welcome(),
            findings: checked
        }
    );

    // What it means is judged against this account: an unknown field, then
    // the same text once the account has the field.
    let broken_text = text(&broken());
    let DocumentCheck::Read { findings, .. } =
        flows::check_text(&store, acc, &broken_text, Lang::PtBr)
            .await
            .unwrap()
    else {
        panic!("broken() is JSON and a flow");
    };
    let pt_findings = findings.clone();
    let codes: Vec<(Option<&str>, &str)> = findings
        .iter()
        .map(|f| (f.node.as_deref(), f.code.as_str()))
        .collect();
    for expected in [
        (Some("menu"), "menu_empty"),
        (Some("se"), "field_unknown"),
        (Some("se"), "pattern_invalid"),
        (Some("se"), "edge_to_unknown"),
    ] {
        assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
    }
    assert!(
        findings
            .iter()
            .all(|f| f.severity == FindingSeverity::Error || f.code == "ends_here")
    );
    fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Cidade".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let DocumentCheck::Read { findings, .. } =
        flows::check_text(&store, acc, &broken_text, Lang::En)
            .await
            .unwrap()
    else {
        panic!("still a flow");
    };
    assert!(!findings.iter().any(|f| f.code == "field_unknown"));
    // In the interface's language.
    let empty_menu = |list: &[zapdesk_core::automation::flows::FlowFinding]| {
        list.iter()
            .find(|f| f.code == "menu_empty")
            .map(|f| f.message.clone())
            .unwrap()
    };
    assert_ne!(empty_menu(&findings), empty_menu(&pt_findings));

    // A text that is not a flow: the first wrong place and the words an
    // import of it gets, in the interface's language.
    let json = text(&welcome());
    let wrong_field = json.replace("\"tries\": 2", "\"tries\": \"duas\"");
    let not_json = "{\n  \"schema\": 1,\n  \"start\": ";
    let newer = json.replace("\"schema\": 1", "\"schema\": 9");
    for (file, place, pt, en) in [
        (
            wrong_field.as_str(),
            Some(TextPlace::Node {
                index: 1,
                id: Some("menu".into()),
            }),
            "no bloco 2 (menu)",
            "in block 2 (menu)",
        ),
        (
            not_json,
            Some(TextPlace::Text {
                line: 3,
                column: 11,
            }),
            "na linha 3, coluna 11",
            "at line 3, column 11",
        ),
        (newer.as_str(), None, "versão mais nova", "newer ZapDesk"),
    ] {
        for (lang, words) in [(Lang::PtBr, pt), (Lang::En, en)] {
            let checked = flows::check_text(&store, acc, file, lang).await.unwrap();
            let DocumentCheck::Malformed { place: at, message } = checked else {
                panic!("{file} read as a flow");
            };
            assert_eq!(at, place, "{file}");
            assert!(message.contains(words), "{message}");
            let refused = flows::import(&store, acc, "Quebrado", file)
                .await
                .unwrap_err();
            assert_eq!(refused.message(lang), message);
        }
    }
    // Checking writes nothing.
    assert_eq!(count().await, 1);
}

#[tokio::test]
async fn first_message_and_no_match_triggers_may_not_overlap_on_a_number() {
    let (_dir, store, acc) = setup().await;
    let vendas = number(&store, acc, "Vendas", false).await;
    let suporte = number(&store, acc, "Suporte", false).await;
    let other = account(&store, "Outra").await;
    let foreign = number(&store, other, "Dela", false).await;
    let a = flows::create(&store, acc, "Boas-vindas", None)
        .await
        .unwrap();
    let b = flows::create(&store, acc, "Promoção", None).await.unwrap();
    let tag: TagId = tags::list(&store, acc).await.unwrap()[0].id;

    let set = flows::set_triggers(
        &store,
        acc,
        a.id,
        vec![
            Trigger::FirstMessage {
                numbers: vec![vendas, vendas],
            },
            Trigger::NoMatch {
                hours: 24,
                numbers: vec![],
            },
            Trigger::TagAdded { tag },
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        set.triggers[0],
        Trigger::FirstMessage {
            numbers: vec![vendas]
        }
    );

    let first_on = |numbers| vec![Trigger::FirstMessage { numbers }];
    let err = flows::set_triggers(&store, acc, b.id, first_on(vec![vendas, suporte]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowTriggerConflict);
    assert!(
        err.message(Lang::PtBr).contains("\"Boas-vindas\"")
            && err.message(Lang::PtBr).contains("primeira mensagem"),
        "{}",
        err.message(Lang::PtBr)
    );
    // Every number includes Vendas.
    let err = flows::set_triggers(&store, acc, b.id, first_on(vec![]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowTriggerConflict);
    // "No match" on any number meets A's on every number.
    let err = flows::set_triggers(
        &store,
        acc,
        b.id,
        vec![Trigger::NoMatch {
            hours: 1,
            numbers: vec![suporte],
        }],
    )
    .await
    .unwrap_err();
    assert!(
        err.message(Lang::En).contains("default reply"),
        "{}",
        err.message(Lang::En)
    );
    // Suporte alone is free for a first message.
    flows::set_triggers(&store, acc, b.id, first_on(vec![suporte]))
        .await
        .unwrap();

    for (bad, code) in [
        (
            vec![Trigger::NoMatch {
                hours: 0,
                numbers: vec![],
            }],
            ErrorCode::FlowTriggerInvalid,
        ),
        (
            vec![Trigger::NoMatch {
                hours: 721,
                numbers: vec![],
            }],
            ErrorCode::FlowTriggerInvalid,
        ),
        (
            vec![Trigger::TagAdded { tag: TagId::new() }],
            ErrorCode::TagUnknown,
        ),
        (first_on(vec![foreign]), ErrorCode::NumberUnknown),
    ] {
        let err = flows::set_triggers(&store, acc, b.id, bad)
            .await
            .unwrap_err();
        assert_eq!(err.code(), code);
    }
    assert_eq!(
        flows::get(&store, acc, b.id).await.unwrap().triggers,
        first_on(vec![suporte])
    );

    // Off, a flow's triggers are no one's business; back on, they are.
    flows::set_enabled(&store, acc, a.id, false).await.unwrap();
    flows::set_triggers(&store, acc, b.id, first_on(vec![]))
        .await
        .unwrap();
    let err = flows::set_enabled(&store, acc, a.id, true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowTriggerConflict);
    assert!(err.message(Lang::PtBr).contains("\"Promoção\""));
    assert!(!flows::get(&store, acc, a.id).await.unwrap().enabled);
}

#[tokio::test]
async fn deleting_a_flow_takes_its_versions_and_sessions_unless_a_keyword_starts_it_or_it_runs() {
    let (dir, store, acc) = setup().await;
    let vendas = number(&store, acc, "Vendas", false).await;
    let flow = flows::create(&store, acc, "Boas-vindas", None)
        .await
        .unwrap();
    let version = flows::publish(&store, acc, flow.id, 1).await.unwrap();
    let kept = flows::create(&store, acc, "Outro", None).await.unwrap();
    let kept_version = flows::publish(&store, acc, kept.id, 1).await.unwrap();
    let conversation = ingest(
        &store,
        acc,
        vendas,
        &Inbound {
            wa_id: "in1".into(),
            phone: "+5511987654321".into(),
            body: "Oi".into(),
            sent_at: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    let db = raw(&dir).await;
    for (flow, version) in [(flow.id, version.id), (kept.id, kept_version.id)] {
        sqlx::query(
            "INSERT INTO flow_sessions (id, account_id, conversation_id, flow_id, version_id, state,
                                        status, started_by, started_at, updated_at)
             VALUES (?, ?, ?, ?, ?, '{}', 'active', '\"hand\"', 1, 1)",
        )
        .bind(SessionId::new())
        .bind(acc)
        .bind(conversation)
        .bind(flow)
        .bind(version)
        .execute(&db)
        .await
        .unwrap();
    }
    let list = flows::summaries(&store, acc).await.unwrap();
    assert_eq!(
        list.iter().map(|f| f.active_sessions).collect::<Vec<_>>(),
        [1, 1]
    );

    let starts_it = KeywordInput {
        name: "Começar".into(),
        match_kind: MatchKind::Exact,
        words: vec!["começar".into()],
        numbers: vec![],
        priority: 0,
        enabled: true,
        cooldown_minutes: 0,
        actions: Actions {
            start_flow: Some(flow.id),
            ..Actions::default()
        },
    };
    let keyword = keywords::create(&store, acc, &starts_it).await.unwrap();
    let err = flows::delete(&store, acc, flow.id, true).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowInUse);
    assert!(err.message(Lang::PtBr).contains("\"Começar\""));
    keywords::delete(&store, acc, keyword.id).await.unwrap();

    let stranger = account(&store, "Outra").await;
    assert_eq!(
        flows::delete(&store, stranger, flow.id, true)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::FlowUnknown
    );
    // A conversation is in it: refused unless its session may end.
    let err = flows::delete(&store, acc, flow.id, false)
        .await
        .unwrap_err();
    assert!(matches!(err, AutomationError::FlowRunning { sessions: 1 }));
    assert_eq!(err.code(), ErrorCode::FlowRunning);
    flows::delete(&store, acc, flow.id, true).await.unwrap();
    let left = |table: &'static str| {
        let db = db.clone();
        async move {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE account_id = ? AND flow_id = ?"
            ))
            .bind(acc)
            .bind(flow.id)
            .fetch_one(&db)
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(left("flow_versions").await, 0);
    assert_eq!(left("flow_sessions").await, 0);
    assert_eq!(
        flows::get(&store, acc, flow.id).await.unwrap_err().code(),
        ErrorCode::FlowUnknown
    );
    // The other flow and its session are untouched.
    let list = flows::summaries(&store, acc).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].active_sessions), (kept.id, 1));
}

#[tokio::test]
async fn files_follow_the_inbox_rules_and_a_flow_may_send_only_the_accounts() {
    let (_dir, store, acc) = setup().await;
    let png = files::upload(&store, acc, "../../logo.png", "image/png", b"\x89PNG")
        .await
        .unwrap();
    let got = files::get(&store, acc, png).await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.kind, got.size),
        ("logo.png", MessageKind::Image, 4)
    );
    assert_eq!(files::bytes(&store, acc, png).await.unwrap(), b"\x89PNG");
    for (name, mime, kind) in [
        ("audio.ogg", "audio/ogg", MessageKind::Audio),
        ("menu.pdf", "application/pdf", MessageKind::Document),
        ("anim.gif", "image/gif", MessageKind::Document),
    ] {
        let id = files::upload(&store, acc, name, mime, b"x").await.unwrap();
        assert_eq!(
            files::get(&store, acc, id).await.unwrap().kind,
            kind,
            "{name}"
        );
    }
    assert_eq!(files::list(&store, acc).await.unwrap().len(), 4);

    let big = vec![0u8; zapdesk_core::limits::FILE_BYTES + 1];
    for (name, mime, bytes, code) in [
        (
            "virus.exe",
            "application/octet-stream",
            &b"MZ"[..],
            ErrorCode::AttachmentBlocked,
        ),
        (
            "x.bin",
            "application/x-msdownload",
            &b"MZ"[..],
            ErrorCode::AttachmentBlocked,
        ),
        (
            "vazio.pdf",
            "application/pdf",
            &b""[..],
            ErrorCode::AttachmentBlocked,
        ),
        (
            "grande.pdf",
            "application/pdf",
            &big[..],
            ErrorCode::AttachmentTooLarge,
        ),
    ] {
        let err = files::upload(&store, acc, name, mime, bytes)
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{name}");
    }
    assert_eq!(files::list(&store, acc).await.unwrap().len(), 4);
    let stranger = account(&store, "Outra").await;
    assert!(files::list(&store, stranger).await.unwrap().is_empty());
    assert_eq!(
        files::get(&store, stranger, png).await.unwrap_err().code(),
        ErrorCode::AutomationFileUnknown
    );

    // A flow that sends a file the account does not have is not published.
    let mut doc = welcome();
    doc.nodes[0].kind = NodeKind::Send {
        content: Content::File {
            file: AutomationFileId::new().to_string(),
            caption: "Nosso logo".into(),
        },
        typing_ms: 0,
    };
    let flow = flows::create(&store, acc, "Com arquivo", Some(doc.clone()))
        .await
        .unwrap();
    let found = flows::check(&store, acc, flow.id, Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(
        found
            .iter()
            .map(|f| (f.node.as_deref(), f.code.as_str()))
            .collect::<Vec<_>>(),
        [(Some("oi"), "file_unknown")]
    );
    let err = flows::publish(&store, acc, flow.id, flow.revision)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AutomationFileUnknown);
    doc.nodes[0].kind = NodeKind::Send {
        content: Content::File {
            file: png.to_string(),
            caption: "Nosso logo".into(),
        },
        typing_ms: 0,
    };
    let saved = flows::save_draft(&store, acc, flow.id, flow.revision, doc, Lang::PtBr)
        .await
        .unwrap();
    assert!(saved.findings.is_empty(), "{:?}", saved.findings);
    flows::publish(&store, acc, flow.id, saved.revision)
        .await
        .unwrap();
}
