//! Every problem of a flow document, each naming its node, so the canvas can
//! show them all at once and publishing can refuse while an error remains.
//! Nothing here stops at the first problem: an operator fixes a list, not a
//! sequence of surprises.

use std::collections::{HashMap, HashSet};

use crate::Lang;
use crate::automation::flow::{Content, FlowDocument, NodeKind, Operator, Subject};

/// What a check needs to know of the account.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Custom field keys.
    pub fields: HashSet<String>,
    /// Tag names, folded.
    pub tags: HashSet<String>,
    /// Flow ids a `go_to_flow` may name.
    pub flows: HashSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Shown; publishing goes ahead.
    Warning,
    /// Publishing is refused.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    StartMissing,
    NodeTwice,
    EdgeFromUnknown {
        edge: String,
    },
    EdgeToUnknown {
        edge: String,
    },
    HandleUnknown {
        handle: String,
    },
    HandleTwice {
        handle: String,
    },
    Unreachable,
    /// A branch with no edge: the session would have nowhere to go.
    BranchNowhere {
        handle: String,
    },
    /// `next` with no edge: the flow ends there.
    EndsHere,
    MenuEmpty,
    SplitsNot100 {
        total: u32,
    },
    TextEmpty,
    PatternInvalid {
        pattern: String,
    },
    FieldUnknown {
        field: String,
    },
    TagUnknown {
        tag: String,
    },
    FlowUnknown {
        flow: String,
    },
    UrlMissing,
    /// Nodes that can run in a circle without waiting for the contact or a
    /// timer: one turn would send without end (the engine's step budget
    /// would stop it, but it is a mistake to fix, not to rely on).
    LoopWithoutWait {
        through: Vec<String>,
    },
}

/// A problem and the node it is on (none for the document's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub node: Option<String>,
    pub problem: Problem,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        match self.problem {
            Problem::EndsHere => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        let pt = lang == Lang::PtBr;
        match &self.problem {
            StartMissing => pick(
                pt,
                "O fluxo não tem um bloco inicial.",
                "The flow has no start block.",
            ),
            NodeTwice => pick(
                pt,
                "Dois blocos têm o mesmo id.",
                "Two blocks have the same id.",
            ),
            EdgeFromUnknown { edge } | EdgeToUnknown { edge } => {
                if pt {
                    format!("A ligação {edge} aponta para um bloco que não existe.")
                } else {
                    format!("Link {edge} points to a block that does not exist.")
                }
            }
            HandleUnknown { handle } => {
                if pt {
                    format!("Este bloco não tem a saída \"{handle}\".")
                } else {
                    format!("This block has no \"{handle}\" output.")
                }
            }
            HandleTwice { handle } => {
                if pt {
                    format!("A saída \"{handle}\" está ligada a mais de um bloco.")
                } else {
                    format!("Output \"{handle}\" is linked to more than one block.")
                }
            }
            Unreachable => pick(
                pt,
                "Nenhum caminho chega a este bloco.",
                "No path reaches this block.",
            ),
            BranchNowhere { handle } => {
                if pt {
                    format!("A saída \"{handle}\" não leva a nenhum bloco.")
                } else {
                    format!("Output \"{handle}\" leads nowhere.")
                }
            }
            EndsHere => pick(pt, "O fluxo termina aqui.", "The flow ends here."),
            MenuEmpty => pick(pt, "O menu não tem opções.", "The menu has no options."),
            SplitsNot100 { total } => {
                if pt {
                    format!("As porcentagens somam {total}%, não 100%.")
                } else {
                    format!("The percentages add up to {total}%, not 100%.")
                }
            }
            TextEmpty => pick(pt, "A mensagem está vazia.", "The message is empty."),
            PatternInvalid { pattern } => {
                if pt {
                    format!("A expressão regular \"{pattern}\" não é válida.")
                } else {
                    format!("The regular expression \"{pattern}\" is not valid.")
                }
            }
            FieldUnknown { field } => {
                if pt {
                    format!("O campo \"{field}\" não existe nesta conta.")
                } else {
                    format!("Field \"{field}\" does not exist in this account.")
                }
            }
            TagUnknown { tag } => {
                if pt {
                    format!("A etiqueta \"{tag}\" não existe nesta conta.")
                } else {
                    format!("Tag \"{tag}\" does not exist in this account.")
                }
            }
            FlowUnknown { flow } => {
                if pt {
                    format!("O fluxo {flow} não existe.")
                } else {
                    format!("Flow {flow} does not exist.")
                }
            }
            UrlMissing => pick(
                pt,
                "Informe o endereço (URL) da requisição.",
                "Give the request's address (URL).",
            ),
            LoopWithoutWait { through } => {
                if pt {
                    format!(
                        "Estes blocos formam um ciclo sem espera (pergunta, menu ou atraso): {}.",
                        through.join(", ")
                    )
                } else {
                    format!(
                        "These blocks form a loop without a wait (question, menu or delay): {}.",
                        through.join(", ")
                    )
                }
            }
        }
    }
}

fn pick(pt: bool, a: &str, b: &str) -> String {
    if pt { a } else { b }.to_owned()
}

/// Whether any finding stops publishing.
pub fn blocks_publish(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity() == Severity::Error)
}

/// Every problem of `doc`, in node order.
pub fn check(doc: &FlowDocument, known: &Known) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |node: Option<&str>, problem| {
        out.push(Finding {
            node: node.map(str::to_owned),
            problem,
        })
    };
    let mut nodes: HashMap<&str, &NodeKind> = HashMap::new();
    for node in &doc.nodes {
        if nodes.insert(&node.id, &node.kind).is_some() {
            push(Some(&node.id), Problem::NodeTwice);
        }
    }
    if !nodes.contains_key(doc.start.as_str()) {
        push(None, Problem::StartMissing);
    }

    // Edges: both ends exist, the handle is the node's, one edge per handle.
    let mut taken: HashSet<(&str, &str)> = HashSet::new();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for edge in &doc.edges {
        let Some(kind) = nodes.get(edge.from.as_str()) else {
            push(
                None,
                Problem::EdgeFromUnknown {
                    edge: edge.id.clone(),
                },
            );
            continue;
        };
        if !nodes.contains_key(edge.to.as_str()) {
            push(
                Some(&edge.from),
                Problem::EdgeToUnknown {
                    edge: edge.id.clone(),
                },
            );
            continue;
        }
        if !kind.handles().contains(&edge.handle) {
            push(
                Some(&edge.from),
                Problem::HandleUnknown {
                    handle: edge.handle.clone(),
                },
            );
            continue;
        }
        if !taken.insert((&edge.from, &edge.handle)) {
            push(
                Some(&edge.from),
                Problem::HandleTwice {
                    handle: edge.handle.clone(),
                },
            );
            continue;
        }
        next.entry(&edge.from).or_default().push(&edge.to);
    }

    let reachable = reach(&doc.start, &next);
    for node in &doc.nodes {
        let id = node.id.as_str();
        if nodes.contains_key(doc.start.as_str()) && !reachable.contains(id) {
            push(Some(id), Problem::Unreachable);
        }
        for handle in node.kind.handles() {
            if !taken.contains(&(id, handle.as_str())) {
                let problem = if handle == "next" {
                    Problem::EndsHere
                } else {
                    Problem::BranchNowhere { handle }
                };
                push(Some(id), problem);
            }
        }
        for problem in content_problems(&node.kind, known) {
            push(Some(id), problem);
        }
    }

    for through in loops_without_wait(doc, &next) {
        let first = through.first().cloned();
        push(first.as_deref(), Problem::LoopWithoutWait { through });
    }
    out
}

fn reach<'a>(start: &'a str, next: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen = HashSet::from([start]);
    let mut stack = vec![start];
    while let Some(at) = stack.pop() {
        for to in next.get(at).into_iter().flatten() {
            if seen.insert(to) {
                stack.push(to);
            }
        }
    }
    seen
}

fn content_problems(kind: &NodeKind, known: &Known) -> Vec<Problem> {
    let mut out = Vec::new();
    let field = |key: &str, out: &mut Vec<Problem>| {
        if !known.fields.contains(key) {
            out.push(Problem::FieldUnknown {
                field: key.to_owned(),
            });
        }
    };
    let tag = |name: &str, out: &mut Vec<Problem>| {
        if !known.tags.contains(&crate::text::fold(name.trim())) {
            out.push(Problem::TagUnknown {
                tag: name.to_owned(),
            });
        }
    };
    match kind {
        NodeKind::Send { content, .. } => {
            if let Content::Text { text } = content
                && text.trim().is_empty()
            {
                out.push(Problem::TextEmpty);
            }
        }
        NodeKind::Menu {
            question, options, ..
        } => {
            if options.is_empty() {
                out.push(Problem::MenuEmpty);
            }
            if question.trim().is_empty() {
                out.push(Problem::TextEmpty);
            }
        }
        NodeKind::Ask {
            question,
            field: key,
            ..
        } => {
            if question.trim().is_empty() {
                out.push(Problem::TextEmpty);
            }
            if let Some(key) = key {
                field(key, &mut out);
            }
        }
        NodeKind::Condition { rules, .. } => {
            for rule in rules {
                match &rule.subject {
                    Subject::Field(key) => field(key, &mut out),
                    Subject::Tag(name) => tag(name, &mut out),
                    _ => {}
                }
                if rule.operator == Operator::Matches && regex::Regex::new(&rule.value).is_err() {
                    out.push(Problem::PatternInvalid {
                        pattern: rule.value.clone(),
                    });
                }
            }
        }
        NodeKind::Tags { add, remove } => {
            for name in add.iter().chain(remove) {
                tag(name, &mut out);
            }
        }
        NodeKind::SetField { field: key, .. } => field(key, &mut out),
        NodeKind::Http { url, save, .. } => {
            if url.trim().is_empty() {
                out.push(Problem::UrlMissing);
            }
            for mapping in save {
                field(&mapping.field, &mut out);
            }
        }
        NodeKind::Randomizer { splits } => {
            let total: u32 = splits.iter().map(|s| u32::from(s.percent)).sum();
            if total != 100 {
                out.push(Problem::SplitsNot100 { total });
            }
        }
        NodeKind::GoToFlow { flow } => {
            if !known.flows.contains(flow) {
                out.push(Problem::FlowUnknown { flow: flow.clone() });
            }
        }
        NodeKind::Delay { .. } | NodeKind::Ai { .. } | NodeKind::Handoff { .. } | NodeKind::End => {
        }
    }
    out
}

/// The cycles among nodes that do not wait: the strongly connected parts of
/// the graph without its waiting nodes (Tarjan's algorithm), each of more
/// than one node or a node linked to itself. In document order.
fn loops_without_wait(doc: &FlowDocument, next: &HashMap<&str, Vec<&str>>) -> Vec<Vec<String>> {
    let busy: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|n| !n.kind.waits())
        .map(|n| n.id.as_str())
        .collect();
    let busy_set: HashSet<&str> = busy.iter().copied().collect();
    let mut state = Tarjan::default();
    for id in &busy {
        if !state.index.contains_key(id) {
            state.visit(id, next, &busy_set);
        }
    }
    let order: HashMap<&str, usize> = doc
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut found: Vec<Vec<String>> = state
        .parts
        .into_iter()
        .filter(|part| part.len() > 1 || next.get(part[0]).is_some_and(|to| to.contains(&part[0])))
        .map(|mut part| {
            part.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
            part.into_iter().map(str::to_owned).collect()
        })
        .collect();
    found.sort_by_key(|part: &Vec<String>| order.get(part[0].as_str()).copied());
    found
}

#[derive(Default)]
struct Tarjan<'a> {
    next_index: usize,
    index: HashMap<&'a str, usize>,
    low: HashMap<&'a str, usize>,
    stack: Vec<&'a str>,
    on_stack: HashSet<&'a str>,
    parts: Vec<Vec<&'a str>>,
}

impl<'a> Tarjan<'a> {
    // Recursive: flows are drawn by hand (hundreds of nodes, not millions).
    fn visit(
        &mut self,
        at: &'a str,
        next: &HashMap<&'a str, Vec<&'a str>>,
        busy: &HashSet<&'a str>,
    ) {
        self.index.insert(at, self.next_index);
        self.low.insert(at, self.next_index);
        self.next_index += 1;
        self.stack.push(at);
        self.on_stack.insert(at);
        for &to in next.get(at).into_iter().flatten() {
            if !busy.contains(to) {
                continue;
            }
            if !self.index.contains_key(to) {
                self.visit(to, next, busy);
                let low = self.low[at].min(self.low[to]);
                self.low.insert(at, low);
            } else if self.on_stack.contains(to) {
                let low = self.low[at].min(self.index[to]);
                self.low.insert(at, low);
            }
        }
        if self.low[at] == self.index[at] {
            let mut part = Vec::new();
            while let Some(id) = self.stack.pop() {
                self.on_stack.remove(id);
                part.push(id);
                if id == at {
                    break;
                }
            }
            self.parts.push(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automation::flow::tests::{edge, welcome};
    use crate::automation::flow::{Combine, Node, Position, Rule};

    fn node(id: &str, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            position: Position { x: 0.0, y: 0.0 },
            kind,
        }
    }

    fn problems(doc: &FlowDocument, known: &Known) -> Vec<(Option<String>, Problem)> {
        check(doc, known)
            .into_iter()
            .map(|f| (f.node, f.problem))
            .collect()
    }

    #[test]
    fn a_sound_flow_has_no_problem() {
        assert_eq!(problems(&welcome(), &Known::default()), vec![]);
    }

    #[test]
    fn every_problem_is_listed_with_its_node() {
        let mut doc = welcome();
        // Option b's edge gone, an unknown handle, an edge to nowhere, an
        // orphan, an empty menu elsewhere, an unknown field.
        doc.edges.retain(|e| e.id != "e3");
        doc.edges.push(edge("e5", "hi", "sideways", "end"));
        doc.edges.push(edge("e6", "end", "next", "ghost"));
        doc.nodes.push(node(
            "orphan",
            NodeKind::Menu {
                question: "?".into(),
                options: vec![],
                retry: String::new(),
                tries: 1,
            },
        ));
        doc.nodes.push(node(
            "save",
            NodeKind::SetField {
                field: "cidade".into(),
                value: "{{resposta}}".into(),
            },
        ));
        doc.edges.push(edge("e7", "orphan", "other", "save"));
        let found = problems(&doc, &Known::default());
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(
            found,
            vec![
                (
                    s("hi"),
                    Problem::HandleUnknown {
                        handle: "sideways".into()
                    }
                ),
                (s("end"), Problem::EdgeToUnknown { edge: "e6".into() }),
                (
                    s("menu"),
                    Problem::BranchNowhere {
                        handle: "option:b".into()
                    }
                ),
                (s("end"), Problem::Unreachable),
                (s("orphan"), Problem::Unreachable),
                (s("orphan"), Problem::MenuEmpty),
                (s("save"), Problem::Unreachable),
                (s("save"), Problem::EndsHere),
                (
                    s("save"),
                    Problem::FieldUnknown {
                        field: "cidade".into()
                    }
                ),
            ]
        );
        assert!(blocks_publish(&check(&doc, &Known::default())));
    }

    #[test]
    fn a_flow_that_only_ends_early_may_be_published() {
        let mut doc = welcome();
        doc.edges.retain(|e| e.id != "e1");
        // The menu is now unreachable: an error; with the start moved there
        // only the warning on the first block is left.
        doc.start = "menu".into();
        doc.nodes.retain(|n| n.id != "hi");
        assert_eq!(problems(&doc, &Known::default()), vec![]);
        doc.nodes.push(node(
            "tail",
            NodeKind::Send {
                content: Content::Text {
                    text: "Até logo".into(),
                },
                typing_ms: 0,
            },
        ));
        doc.edges.retain(|e| e.id != "e3");
        doc.edges.push(edge("e3", "menu", "option:b", "tail"));
        doc.nodes.retain(|n| n.id != "end");
        let found = check(&doc, &Known::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].problem, Problem::EndsHere);
        assert!(!blocks_publish(&found));
    }

    #[test]
    fn a_loop_without_a_wait_is_found_and_one_with_a_wait_is_not() {
        let tag = |id: &str| {
            node(
                id,
                NodeKind::Tags {
                    add: vec!["VIP".into()],
                    remove: vec![],
                },
            )
        };
        let known = Known {
            tags: HashSet::from(["vip".to_owned()]),
            ..Known::default()
        };
        let mut doc = FlowDocument {
            schema: 1,
            start: "a".into(),
            nodes: vec![tag("a"), tag("b"), tag("c")],
            edges: vec![
                edge("1", "a", "next", "b"),
                edge("2", "b", "next", "c"),
                edge("3", "c", "next", "b"),
            ],
        };
        assert_eq!(
            problems(&doc, &known),
            vec![(
                Some("b".into()),
                Problem::LoopWithoutWait {
                    through: vec!["b".into(), "c".into()]
                }
            )]
        );
        // A node linked to itself is a loop too.
        doc.edges = vec![edge("1", "a", "next", "a")];
        doc.nodes.truncate(1);
        assert_eq!(
            problems(&doc, &known),
            vec![(
                Some("a".into()),
                Problem::LoopWithoutWait {
                    through: vec!["a".into()]
                }
            )]
        );
        // Through a delay, the same circle waits each time round.
        doc.nodes.push(node(
            "wait",
            NodeKind::Delay {
                minutes: 60,
                window: None,
            },
        ));
        doc.edges = vec![
            edge("1", "a", "next", "wait"),
            edge("2", "wait", "next", "a"),
        ];
        assert_eq!(problems(&doc, &known), vec![]);
    }

    #[test]
    fn patterns_tags_flows_and_splits_are_checked() {
        let doc = FlowDocument {
            schema: 1,
            start: "if".into(),
            nodes: vec![
                node(
                    "if",
                    NodeKind::Condition {
                        combine: Combine::Any,
                        rules: vec![
                            Rule {
                                subject: Subject::LastReply,
                                operator: Operator::Matches,
                                value: "(".into(),
                            },
                            Rule {
                                subject: Subject::Tag("Cliente Ouro".into()),
                                operator: Operator::IsSet,
                                value: String::new(),
                            },
                        ],
                    },
                ),
                node(
                    "split",
                    NodeKind::Randomizer {
                        splits: vec![
                            crate::automation::flow::Split {
                                id: "a".into(),
                                percent: 60,
                            },
                            crate::automation::flow::Split {
                                id: "b".into(),
                                percent: 30,
                            },
                        ],
                    },
                ),
                node("go", NodeKind::GoToFlow { flow: "f-9".into() }),
                node("other", NodeKind::GoToFlow { flow: "f-1".into() }),
            ],
            edges: vec![
                edge("1", "if", "true", "split"),
                edge("2", "if", "false", "other"),
                edge("3", "split", "branch:a", "go"),
                edge("4", "split", "branch:b", "other"),
            ],
        };
        let known = Known {
            tags: HashSet::from(["cliente ouro".to_owned()]),
            flows: HashSet::from(["f-1".to_owned()]),
            ..Known::default()
        };
        assert_eq!(
            problems(&doc, &known),
            vec![
                (
                    Some("if".into()),
                    Problem::PatternInvalid {
                        pattern: "(".into()
                    }
                ),
                (Some("split".into()), Problem::SplitsNot100 { total: 90 }),
                (
                    Some("go".into()),
                    Problem::FlowUnknown { flow: "f-9".into() }
                ),
            ]
        );
    }

    #[test]
    fn every_problem_reads_in_both_languages() {
        let finding = Finding {
            node: None,
            problem: Problem::LoopWithoutWait {
                through: vec!["a".into(), "b".into()],
            },
        };
        assert!(finding.message(Lang::PtBr).contains("ciclo sem espera"));
        assert!(finding.message(Lang::En).contains("loop without a wait"));
    }
}
