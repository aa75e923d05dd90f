//! Property tests of the flow engine: random graphs (every kind of node,
//! valid and broken settings, edges to anywhere including nowhere) fed
//! random inputs (replies, garbage, files, timers on time and early, call
//! answers of the right and the wrong kind). Whatever the graph, a step
//! never panics, keeps its budget, leaves only through handles the node
//! has, and leaves a session that stands on a node of the flow and reads
//! back from its stored JSON.

use proptest::prelude::*;
use proptest::sample::select;

use zapdesk_core::AccountId;
use zapdesk_core::automation::engine::{
    self, AiAnswer, Budget, CallOutcome, CallRequest, Contact, Context, Effect, Input, Next, Note,
    Session, Wait,
};
use zapdesk_core::automation::flow::{
    AnswerKind, Combine, Content, Edge, FlowDocument, Header, MenuOption, Method, Node, NodeKind,
    Operator, Position, ResponseMapping, Rule, Split, Subject, Window,
};
use zapdesk_core::fields::{CustomField, FieldKind};
use zapdesk_core::ids::FieldId;

const TEXTS: &[&str] = &[
    "Oi {{nome}}!",
    "{Olá|Oi|E aí}, {{primeiro_nome|cliente}}",
    "Seu plano: {{plano}} em {{nascimento}}",
    "{{sumiu}} campo apagado",
    "{chave aberta",
    "fecha } sozinha",
    "{{aberta",
    "",
    "   ",
    "Último: {{ultima_resposta}}",
    "🍕🍕🍕",
];

const REPLIES: &[&str] = &[
    "1",
    "2.",
    "opção 3",
    "9",
    "sim",
    "não",
    "👍",
    "pedido",
    "Pizza grande",
    "529.982.247-25",
    "11.222.333/0001-81",
    "31/12/2024",
    "29/02/2023",
    "1.234,56",
    "ana@exemplo.com.br",
    "(11) 98765-4321",
    "",
    "   ",
    "\u{0}\u{202e}lixo",
    "{{nome}}",
    "a{1000}{1000}",
];

const WORDS: &[&str] = &[
    "Pedidos",
    "Horários",
    "pedido",
    "",
    "🍕",
    "sim",
    "Orçamento",
];
const KEYS: &[&str] = &["plano", "idade", "nascimento", "vip", "cidade", "sumiu"];
const VALUES: &[&str] = &[
    "",
    "10",
    "1.500",
    "31/12/2024",
    "sim",
    "Ouro",
    "(",
    "08:00",
    "6",
    "abc",
];

fn fields() -> Vec<CustomField> {
    [
        ("plano", FieldKind::Choice),
        ("idade", FieldKind::Number),
        ("nascimento", FieldKind::Date),
        ("vip", FieldKind::YesNo),
        ("cidade", FieldKind::Text),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (key, kind))| CustomField {
        id: FieldId::from_uuid(uuid::Uuid::from_u128(i as u128 + 1)),
        account_id: AccountId::from_uuid(uuid::Uuid::nil()),
        key: key.into(),
        label: key.into(),
        kind,
        choices: vec!["Ouro".into(), "Prata".into()],
        created_at: 0,
    })
    .collect()
}

fn text() -> impl Strategy<Value = String> {
    select(TEXTS).prop_map(str::to_owned)
}

fn subject() -> impl Strategy<Value = Subject> {
    prop_oneof![
        select(KEYS).prop_map(|k| Subject::Field(k.to_owned())),
        select(WORDS).prop_map(|t| Subject::Tag(t.to_owned())),
        Just(Subject::LastReply),
        Just(Subject::TimeOfDay),
        Just(Subject::Weekday),
    ]
}

fn operator() -> impl Strategy<Value = Operator> {
    select(
        &[
            Operator::Equals,
            Operator::NotEquals,
            Operator::Contains,
            Operator::StartsWith,
            Operator::Greater,
            Operator::Less,
            Operator::IsSet,
            Operator::IsEmpty,
            Operator::Matches,
        ][..],
    )
}

fn answer() -> impl Strategy<Value = AnswerKind> {
    select(
        &[
            AnswerKind::Text,
            AnswerKind::Number,
            AnswerKind::Email,
            AnswerKind::Phone,
            AnswerKind::Date,
            AnswerKind::CpfCnpj,
            AnswerKind::YesNo,
        ][..],
    )
}

fn time() -> impl Strategy<Value = String> {
    select(
        &[
            "08:00", "18:00", "22:00", "06:00", "8h", "25:00", "x", "00:00",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn kind() -> impl Strategy<Value = NodeKind> {
    let words = || proptest::collection::vec(select(WORDS).prop_map(str::to_owned), 0..3);
    prop_oneof![
        (text(), 0u32..3000, any::<bool>()).prop_map(|(text, typing_ms, file)| NodeKind::Send {
            content: if file {
                Content::File {
                    file: "f.pdf".into(),
                    caption: text,
                }
            } else {
                Content::Text { text }
            },
            typing_ms,
        }),
        (
            text(),
            proptest::collection::vec((select(WORDS), words()), 0..4),
            text(),
            0u8..4
        )
            .prop_map(|(question, options, retry, tries)| NodeKind::Menu {
                question,
                options: options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, synonyms))| MenuOption {
                        id: format!("o{i}"),
                        label: label.to_owned(),
                        synonyms,
                    })
                    .collect(),
                retry,
                tries,
            }),
        (
            text(),
            answer(),
            proptest::option::of(select(KEYS)),
            text(),
            0u8..4,
            proptest::option::of(0u32..200)
        )
            .prop_map(|(question, answer, field, retry, tries, timeout_minutes)| {
                NodeKind::Ask {
                    question,
                    answer,
                    field: field.map(str::to_owned),
                    retry,
                    tries,
                    timeout_minutes,
                }
            }),
        (
            any::<bool>(),
            proptest::collection::vec((subject(), operator(), select(VALUES)), 0..4)
        )
            .prop_map(|(all, rules)| NodeKind::Condition {
                combine: if all { Combine::All } else { Combine::Any },
                rules: rules
                    .into_iter()
                    .map(|(subject, operator, value)| Rule {
                        subject,
                        operator,
                        value: value.to_owned(),
                    })
                    .collect(),
            }),
        (words(), words()).prop_map(|(add, remove)| NodeKind::Tags { add, remove }),
        (
            select(KEYS),
            prop_oneof![text(), select(VALUES).prop_map(str::to_owned)]
        )
            .prop_map(|(field, value)| NodeKind::SetField {
                field: field.to_owned(),
                value,
            }),
        (
            prop_oneof![0u32..3000, Just(u32::MAX)],
            proptest::option::of((time(), time(), proptest::collection::vec(0u8..10, 0..4)))
        )
            .prop_map(|(minutes, window)| NodeKind::Delay {
                minutes,
                window: window.map(|(from, to, weekdays)| Window { from, to, weekdays }),
            }),
        (
            select(&[Method::Get, Method::Post, Method::Delete][..]),
            text(),
            proptest::option::of(text()),
            0u32..40_000,
            proptest::collection::vec(
                (select(&["/a", "a.b", "", "/x/0", "~1"][..]), select(KEYS)),
                0..3
            )
        )
            .prop_map(|(method, url, body, timeout_ms, save)| NodeKind::Http {
                method,
                url: format!("https://x.test/{url}"),
                headers: vec![Header {
                    name: "X-Nome".into(),
                    value: "{{nome}}\n".into(),
                }],
                body,
                timeout_ms,
                save: save
                    .into_iter()
                    .map(|(pointer, field)| ResponseMapping {
                        pointer: pointer.to_owned(),
                        field: field.to_owned(),
                    })
                    .collect(),
            }),
        (text(), 0u32..200).prop_map(|(instructions, max_chars)| NodeKind::Ai {
            instructions,
            max_chars,
        }),
        proptest::collection::vec(any::<u8>(), 0..4).prop_map(|percents| NodeKind::Randomizer {
            splits: percents
                .into_iter()
                .enumerate()
                .map(|(i, percent)| Split {
                    id: format!("s{i}"),
                    percent,
                })
                .collect(),
        }),
        Just(NodeKind::GoToFlow {
            flow: "outro".into()
        }),
        (proptest::option::of(Just("op-1".to_owned())), text())
            .prop_map(|(assign, note)| NodeKind::Handoff { assign, note }),
        Just(NodeKind::End),
    ]
}

/// Nodes, then an edge for most handles to a random node (itself included),
/// plus edges the document should never have: unknown handles, unknown
/// targets, a handle twice.
fn document() -> impl Strategy<Value = FlowDocument> {
    proptest::collection::vec(kind(), 1..10).prop_flat_map(|kinds| {
        let n = kinds.len();
        let handles: usize = kinds.iter().map(|k| k.handles().len()).sum();
        (
            Just(kinds),
            proptest::collection::vec(proptest::option::weighted(0.85, 0..n), handles),
            proptest::collection::vec((0..n, select(&["next", "other", "x"][..]), 0..n + 1), 0..3),
            prop_oneof![9 => (0..n).prop_map(|i| format!("n{i}")), 1 => Just("ghost".to_owned())],
        )
            .prop_map(move |(kinds, targets, junk, start)| {
                let nodes: Vec<Node> = kinds
                    .into_iter()
                    .enumerate()
                    .map(|(i, kind)| Node {
                        id: format!("n{i}"),
                        position: Position { x: 0.0, y: 0.0 },
                        kind,
                    })
                    .collect();
                let mut edges = Vec::new();
                let mut targets = targets.into_iter();
                for node in &nodes {
                    for handle in node.kind.handles() {
                        if let Some(Some(to)) = targets.next() {
                            edges.push(Edge {
                                id: format!("e{}", edges.len()),
                                from: node.id.clone(),
                                handle,
                                to: format!("n{to}"),
                            });
                        }
                    }
                }
                for (from, handle, to) in junk {
                    let to = if to == n {
                        "ghost".to_owned()
                    } else {
                        format!("n{to}")
                    };
                    edges.push(Edge {
                        id: format!("j{}", edges.len()),
                        from: format!("n{from}"),
                        handle: handle.to_owned(),
                        to,
                    });
                }
                FlowDocument {
                    schema: 1,
                    start,
                    nodes,
                    edges,
                }
            })
    })
}

#[derive(Debug, Clone)]
enum Feed {
    Start,
    Reply(&'static str, bool),
    /// A timer at the session's wake-up (true) or at the current clock.
    Timer(bool),
    Http(u16, Option<serde_json::Value>),
    AiText(String),
    AiHandoff,
    Failed,
    /// The clock moves this many minutes.
    Clock(i64),
}

fn feed() -> impl Strategy<Value = Feed> {
    let json = prop_oneof![
        Just(None),
        Just(Some(
            serde_json::json!({"a": "Ouro", "x": [{"y": 1}], "~/": true})
        )),
        Just(Some(serde_json::json!({"a": {"b": 1234.5}, "x": null}))),
        Just(Some(serde_json::json!("texto"))),
    ];
    prop_oneof![
        1 => Just(Feed::Start),
        6 => (select(REPLIES), prop::bool::weighted(0.9)).prop_map(|(r, t)| Feed::Reply(r, t)),
        2 => any::<bool>().prop_map(Feed::Timer),
        2 => (100u16..600, json).prop_map(|(s, j)| Feed::Http(s, j)),
        1 => "[a-zA-Z à-ú.!?]{0,300}".prop_map(Feed::AiText),
        1 => Just(Feed::AiHandoff),
        1 => Just(Feed::Failed),
        1 => (0i64..5000).prop_map(Feed::Clock),
    ]
}

fn zone() -> impl Strategy<Value = &'static str> {
    select(&["UTC", "America/Sao_Paulo", "America/New_York"][..])
}

fn contact() -> Contact {
    let mut contact = Contact {
        name: Some("Ana \"Bia\" Souza".into()),
        phone: "+5511987654321".into(),
        ..Contact::default()
    };
    contact.fields.insert("plano".into(), "Ouro".into());
    contact.fields.insert("idade".into(), "42".into());
    contact.tags.insert("pedidos".into());
    contact
}

proptest! {
    // A failure prints its smallest case; no regression file is written into
    // the source tree (CI runs on a clean clone).
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_graph_any_input_keeps_the_rules(
        doc in document(),
        feeds in proptest::collection::vec(feed(), 1..10),
        budget in (0u32..40, 0u32..6, 0u32..4),
        zone in zone(),
        start_ms in 1_500_000_000_000i64..2_000_000_000_000,
        seeds in (any::<u64>(), any::<u64>()),
    ) {
        let budget = Budget { nodes: budget.0, sends: budget.1, visits: budget.2 };
        let tz = jiff::tz::TimeZone::get(zone).unwrap();
        let fields = fields();
        let mut now = start_ms;
        let mut person = contact();
        let mut session = Session::starting(&doc.start);
        for feed in feeds {
            let input = match &feed {
                Feed::Start => Input::Start,
                Feed::Reply(text, is_text) => Input::Reply { text, is_text: *is_text },
                Feed::Timer(on_time) => {
                    if *on_time && let Some(at) = session.wait.wake_at(now) {
                        now = now.max(at);
                    }
                    Input::Timer
                }
                Feed::Http(status, json) => Input::Called(CallOutcome::Http { status: *status, json: json.clone() }),
                Feed::AiText(text) => Input::Called(CallOutcome::Ai(AiAnswer::Text(text.clone()))),
                Feed::AiHandoff => Input::Called(CallOutcome::Ai(AiAnswer::Handoff)),
                Feed::Failed => Input::Called(CallOutcome::Failed { reason: "x".into() }),
                Feed::Clock(minutes) => {
                    now += minutes * 60_000;
                    continue;
                }
            };
            let before = session.clone();
            let mut ctx = Context {
                now,
                tz: &tz,
                hours: None,
                contact: person.clone(),
                fields: &fields,
                contact_seed: seeds.0,
                seed: seeds.1 ^ u64::from(session.turn),
                budget,
            };
            let turn = engine::step(&doc, session.clone(), input, &mut ctx);
            person = turn.contact.clone();

            let node = |id: &str| doc.nodes.iter().find(|n| n.id == id);
            prop_assert!(turn.path.len() <= budget.nodes as usize, "{} nodes", turn.path.len());
            let sends = turn.effects.iter().filter(|e| matches!(e, Effect::Send { .. })).count();
            prop_assert!(sends <= budget.sends as usize, "{sends} sends");
            for id in &turn.path {
                prop_assert!(node(id).is_some(), "ran {id}, not in the flow");
                let visits = turn.path.iter().filter(|p| *p == id).count();
                prop_assert!(visits <= budget.visits as usize, "{id} run {visits} times");
            }
            for note in &turn.notes {
                if let Note::Took { node: from, handle } = note {
                    let kind = &node(from).expect("a branch from a node of the flow").kind;
                    prop_assert!(kind.handles().contains(handle), "{from} has no handle {handle}");
                    prop_assert!(turn.path.contains(from));
                }
            }
            for effect in &turn.effects {
                let (Effect::Send { node: at, .. }
                | Effect::AddTag { node: at, .. }
                | Effect::RemoveTag { node: at, .. }
                | Effect::SetField { node: at, .. }
                | Effect::Handoff { node: at, .. }) = effect;
                prop_assert!(turn.path.contains(at), "effect of {at} off the path");
                if let Effect::SetField { field, value: Some(value), .. } = effect {
                    // A saved value is canonical for its field.
                    let f = fields.iter().find(|f| f.key == *field).expect("a field of the account");
                    let again = f.parse(value).ok().flatten();
                    prop_assert_eq!(again.as_deref(), Some(value.as_str()));
                }
            }
            match turn.next {
                Next::Wait(s) | Next::Call(s) => {
                    let at = node(&s.node);
                    prop_assert!(at.is_some(), "session on {}, not in the flow", s.node);
                    let kind = &at.unwrap().kind;
                    if turn.path.is_empty() {
                        // Nothing ran: the session is as it came.
                        prop_assert_eq!(&s, &before);
                        prop_assert!(turn.effects.is_empty());
                    } else {
                        prop_assert_eq!(s.turn, before.turn.wrapping_add(1));
                        match &s.wait {
                            Wait::Reply { .. } => prop_assert!(engine::waits_for_reply(kind)),
                            Wait::Timer { at } => {
                                let delay = matches!(kind, NodeKind::Delay { .. });
                                prop_assert!(delay, "a timer at {kind:?}");
                                prop_assert!(*at >= now);
                            }
                            Wait::Call { request, started } => {
                                prop_assert!(!started);
                                let fits = matches!(
                                    (request, kind),
                                    (CallRequest::Http { .. }, NodeKind::Http { .. })
                                        | (CallRequest::Ai { .. }, NodeKind::Ai { .. })
                                );
                                prop_assert!(fits, "{request:?} at {kind:?}");
                            }
                            Wait::Start => prop_assert!(false, "a turn that ran stops on Start"),
                        }
                    }
                    prop_assert_eq!(&s.vars, &turn.vars);
                    let stored = serde_json::to_string(&s).unwrap();
                    prop_assert_eq!(&serde_json::from_str::<Session>(&stored).unwrap(), &s);
                    session = s;
                    if let Wait::Call { started, .. } = &mut session.wait {
                        *started = true;
                    }
                }
                Next::GoTo { vars, .. } => {
                    prop_assert_eq!(&vars, &turn.vars);
                    session = Session::starting(&doc.start);
                }
                Next::Ended(_) => session = Session::starting(&doc.start),
            }
        }
    }
}
