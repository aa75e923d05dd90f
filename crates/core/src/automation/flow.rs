//! A conversation flow as one JSON document: the format the engine runs, the
//! canvas edits and `zapdesk-cli flows import/export` reads and writes.
//!
//! Shaped for a canvas (issue 16): every node has an id and a position, and
//! every branch is its own edge leaving a named handle of its node, so one
//! handle connects to at most one node and a menu option, a condition's
//! outcome or a timeout is drawn as one line. The document carries its schema
//! version; [`parse`] upgrades older ones and refuses newer ones, so a flow
//! written by a newer ZapDesk is never half-understood.

use serde::{Deserialize, Serialize};

/// The schema this ZapDesk writes.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlowDocument {
    pub schema: u32,
    /// The node a session starts on.
    pub start: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Node {
    pub id: String,
    pub position: Position,
    #[serde(flatten)]
    pub kind: NodeKind,
}

/// A branch: from a node's handle to another node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Edge {
    pub id: String,
    pub from: String,
    /// One of the handles [`NodeKind::handles`] lists for `from`.
    pub handle: String,
    pub to: String,
}

/// What the bot sends: text or a file, the text with the campaign editor's
/// variables and spintax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Text {
        text: String,
    },
    /// A file attached to the flow (stored with its version), with a caption.
    File {
        file: String,
        caption: String,
    },
}

/// How an answer to an `ask` node is checked before it is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Text,
    Number,
    Email,
    /// The app's Brazilian phone rules (`phone::normalize`).
    Phone,
    /// dd/mm/aaaa.
    Date,
    CpfCnpj,
    YesNo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MenuOption {
    /// Names the option's handle (`option:<id>`): stable while labels change.
    pub id: String,
    pub label: String,
    /// Other words that choose it, besides its number and its label.
    pub synonyms: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    All,
    Any,
}

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum Subject {
    /// A custom field, by key.
    Field(String),
    /// Whether the contact has a tag, by name.
    Tag(String),
    LastReply,
    /// "HH:MM" in the account's time zone.
    TimeOfDay,
    /// 1 = Monday … 7 = Sunday, in the account's time zone.
    Weekday,
    /// Whether the account is open now by its business hours
    /// (`crate::business_hours`): `is set` holds when open, `is empty` when
    /// closed or when the account has no business hours.
    BusinessHours,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    Greater,
    Less,
    IsSet,
    IsEmpty,
    Matches,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Rule {
    pub subject: Subject,
    pub operator: Operator,
    /// Unused by `is_set`/`is_empty`; a pattern for `matches`.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A value of an HTTP response saved into a contact field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ResponseMapping {
    /// A JSON pointer into the response body (`/data/order/status`).
    pub pointer: String,
    pub field: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Split {
    /// Names the branch's handle (`branch:<id>`).
    pub id: String,
    pub percent: u8,
}

/// Hours a delay may end in (account's time zone), e.g. 08:00–18:00 Mon–Sat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Window {
    pub from: String,
    pub to: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeKind {
    Send {
        content: Content,
        /// The "typing…" pause before it, in milliseconds.
        typing_ms: u32,
    },
    Menu {
        question: String,
        options: Vec<MenuOption>,
        /// Sent when the reply chooses nothing, before asking again.
        retry: String,
        /// Replies that choose nothing before the `other` branch is taken.
        tries: u8,
    },
    Ask {
        question: String,
        answer: AnswerKind,
        /// The custom field the valid answer is saved to.
        field: Option<String>,
        retry: String,
        tries: u8,
        /// No reply for this long takes the `timeout` branch.
        timeout_minutes: Option<u32>,
    },
    Condition {
        combine: Combine,
        rules: Vec<Rule>,
    },
    Tags {
        add: Vec<String>,
        remove: Vec<String>,
    },
    SetField {
        field: String,
        /// With variables.
        value: String,
    },
    Delay {
        minutes: u32,
        window: Option<Window>,
    },
    Http {
        method: Method,
        url: String,
        headers: Vec<Header>,
        body: Option<String>,
        timeout_ms: u32,
        save: Vec<ResponseMapping>,
    },
    Ai {
        instructions: String,
        max_chars: u32,
    },
    Randomizer {
        splits: Vec<Split>,
    },
    GoToFlow {
        flow: String,
    },
    Handoff {
        /// An operator's id, or nobody (the conversation waits unassigned).
        assign: Option<String>,
        note: String,
    },
    End,
}

impl NodeKind {
    /// The handles a node's branches leave from, in the order a canvas
    /// draws them.
    pub fn handles(&self) -> Vec<String> {
        let fixed = |list: &[&str]| list.iter().map(|h| (*h).to_owned()).collect();
        match self {
            NodeKind::Send { .. }
            | NodeKind::Tags { .. }
            | NodeKind::SetField { .. }
            | NodeKind::Delay { .. } => fixed(&["next"]),
            NodeKind::Menu { options, .. } => options
                .iter()
                .map(|o| format!("option:{}", o.id))
                .chain(["other".to_owned()])
                .collect(),
            NodeKind::Ask {
                timeout_minutes, ..
            } => {
                let mut list = fixed(&["next", "failed"]);
                if timeout_minutes.is_some() {
                    list.push("timeout".to_owned());
                }
                list
            }
            NodeKind::Condition { .. } => fixed(&["true", "false"]),
            NodeKind::Http { .. } => fixed(&["next", "error"]),
            NodeKind::Ai { .. } => fixed(&["next", "handoff"]),
            NodeKind::Randomizer { splits } => {
                splits.iter().map(|s| format!("branch:{}", s.id)).collect()
            }
            NodeKind::GoToFlow { .. } | NodeKind::Handoff { .. } | NodeKind::End => Vec::new(),
        }
    }

    /// Whether a session stops here until something happens (a reply, a
    /// timer that takes time): a loop through such a node cannot flood the
    /// contact. A delay of 0 minutes (even with allowed hours: inside them
    /// it goes on at once) does not.
    pub fn waits(&self) -> bool {
        match self {
            NodeKind::Menu { .. } | NodeKind::Ask { .. } => true,
            NodeKind::Delay { minutes, .. } => *minutes > 0,
            _ => false,
        }
    }
}

/// Where a document first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Not JSON: where the text breaks.
    Text {
        line: usize,
        column: usize,
    },
    /// JSON, but this node is not a node (its index, and its id if it has one).
    Node {
        index: usize,
        id: Option<String>,
    },
    Edge {
        index: usize,
        id: Option<String>,
    },
    /// The document's own fields (`schema`, `start`, the lists).
    Document,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The first wrong place, and what serde expected there.
    Malformed { place: Place, detail: String },
    /// Written by a newer ZapDesk.
    TooNew { schema: u32 },
}

/// Reads a flow document of this or an older schema.
pub fn parse(json: &str) -> Result<FlowDocument, ParseError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ParseError::Malformed {
            place: Place::Text {
                line: e.line(),
                column: e.column(),
            },
            detail: e.to_string(),
        })?;
    let schema = value
        .get("schema")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if schema > u64::from(SCHEMA) {
        return Err(ParseError::TooNew {
            schema: u32::try_from(schema).unwrap_or(u32::MAX),
        });
    }
    // Schema 1 is the first: upgrades of older documents go here, one step
    // per version, on `value` before the typed read.
    serde_json::from_value(value.clone()).map_err(|e| ParseError::Malformed {
        place: locate(&value),
        detail: e.to_string(),
    })
}

/// The first node or edge that does not read on its own. Needed because a
/// node's fields are read through its `type` tag, and serde then reports a
/// wrong field at the end of the whole node, not where it is.
fn locate(value: &serde_json::Value) -> Place {
    let id = |item: &serde_json::Value| item.get("id").and_then(|v| v.as_str()).map(str::to_owned);
    let list = |key: &str| {
        value
            .get(key)
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (index, node) in list("nodes").iter().enumerate() {
        if serde_json::from_value::<Node>(node.clone()).is_err() {
            return Place::Node {
                index,
                id: id(node),
            };
        }
    }
    for (index, edge) in list("edges").iter().enumerate() {
        if serde_json::from_value::<Edge>(edge.clone()).is_err() {
            return Place::Edge {
                index,
                id: id(edge),
            };
        }
    }
    Place::Document
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn welcome() -> FlowDocument {
        let at = |x| Position { x, y: 0.0 };
        FlowDocument {
            schema: SCHEMA,
            start: "hi".into(),
            nodes: vec![
                Node {
                    id: "hi".into(),
                    position: at(0.0),
                    kind: NodeKind::Send {
                        content: Content::Text {
                            text: "{Oi|Olá}, {{nome}}!".into(),
                        },
                        typing_ms: 1200,
                    },
                },
                Node {
                    id: "menu".into(),
                    position: at(200.0),
                    kind: NodeKind::Menu {
                        question: "1 Pedidos, 2 Horários".into(),
                        options: vec![
                            MenuOption {
                                id: "a".into(),
                                label: "Pedidos".into(),
                                synonyms: vec!["pedido".into()],
                            },
                            MenuOption {
                                id: "b".into(),
                                label: "Horários".into(),
                                synonyms: vec![],
                            },
                        ],
                        retry: "Responda 1 ou 2.".into(),
                        tries: 2,
                    },
                },
                Node {
                    id: "human".into(),
                    position: at(400.0),
                    kind: NodeKind::Handoff {
                        assign: None,
                        note: "Pedido".into(),
                    },
                },
                Node {
                    id: "end".into(),
                    position: at(400.0),
                    kind: NodeKind::End,
                },
            ],
            edges: vec![
                edge("e1", "hi", "next", "menu"),
                edge("e2", "menu", "option:a", "human"),
                edge("e3", "menu", "option:b", "end"),
                edge("e4", "menu", "other", "human"),
            ],
        }
    }

    pub(crate) fn edge(id: &str, from: &str, handle: &str, to: &str) -> Edge {
        Edge {
            id: id.into(),
            from: from.into(),
            handle: handle.into(),
            to: to.into(),
        }
    }

    #[test]
    fn a_document_round_trips_through_json() {
        let doc = welcome();
        let json = serde_json::to_string_pretty(&doc).unwrap();
        assert!(json.contains("\"type\": \"menu\""), "{json}");
        assert_eq!(parse(&json).unwrap(), doc);
    }

    #[test]
    fn a_malformed_document_names_the_first_wrong_place() {
        let json = serde_json::to_string_pretty(&welcome())
            .unwrap()
            .replace("\"tries\": 2", "\"tries\": \"duas\"");
        match parse(&json) {
            Err(ParseError::Malformed { place, detail }) => {
                assert_eq!(
                    place,
                    Place::Node {
                        index: 1,
                        id: Some("menu".into())
                    }
                );
                assert!(detail.contains("duas"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let cut = parse("{\"schema\": 1,\n \"start\": ");
        assert!(
            matches!(
                &cut,
                Err(ParseError::Malformed {
                    place: Place::Text { line: 2, .. },
                    ..
                })
            ),
            "{cut:?}"
        );
        let edge = serde_json::to_string(&welcome())
            .unwrap()
            .replace("\"handle\":\"other\"", "\"handle\":7");
        assert!(matches!(
            parse(&edge),
            Err(ParseError::Malformed {
                place: Place::Edge { index: 3, .. },
                ..
            })
        ));
    }

    #[test]
    fn a_newer_schema_is_refused_not_half_read() {
        let json = serde_json::to_string(&welcome())
            .unwrap()
            .replace("\"schema\":1", "\"schema\":2");
        assert_eq!(parse(&json), Err(ParseError::TooNew { schema: 2 }));
    }

    #[test]
    fn every_branch_has_its_own_handle() {
        let doc = welcome();
        assert_eq!(
            doc.nodes[1].kind.handles(),
            ["option:a", "option:b", "other"]
        );
        assert!(doc.nodes[3].kind.handles().is_empty());
        let ask = NodeKind::Ask {
            question: "E-mail?".into(),
            answer: AnswerKind::Email,
            field: Some("email".into()),
            retry: "Não parece um e-mail.".into(),
            tries: 3,
            timeout_minutes: Some(60),
        };
        assert_eq!(ask.handles(), ["next", "failed", "timeout"]);
    }
}
