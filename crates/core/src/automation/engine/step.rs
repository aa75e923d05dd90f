//! The walk: take the input at the node the session is on, then follow the
//! edge leaving the handle each node chooses, running nodes until one waits,
//! calls, ends or the turn's budget runs out.
//!
//! What a node does when entered is `enter.rs`; how a waiting node takes its
//! reply, timer or call answer is `resume.rs`.

use std::collections::BTreeMap;

use super::{Context, Effect, EndReason, Input, Next, Note, Outgoing, Session, Turn, Wait, render};
use crate::automation::flow::{FlowDocument, Node};

/// What a node decided.
pub(super) enum Out {
    /// Leave through this handle.
    Go(String),
    /// Stay on the node until this happens.
    Wait(Wait),
    /// Stay on the node until the runner's call answers.
    Call(super::CallRequest),
    End(EndReason),
    /// Continue in another flow.
    GoTo(String),
}

impl Out {
    pub(super) fn go(handle: &str) -> Out {
        Out::Go(handle.to_owned())
    }
}

/// One step's running state: what it did so far and what it has left.
pub(super) struct Run<'r, 'c> {
    pub doc: &'r FlowDocument,
    pub ctx: &'r mut Context<'c>,
    pub effects: Vec<Effect>,
    pub path: Vec<String>,
    pub notes: Vec<Note>,
    sends: u32,
    visits: Vec<(String, u32)>,
    /// The session's variables as the turn leaves them.
    vars: BTreeMap<String, String>,
}

/// Moves `session` through `doc` for one input; see the module docs of
/// `engine` for the guards. Never panics; a session whose wait does not
/// fit the input (a reply while a delay runs, a timer before its time, an
/// AI answer to an HTTP call) comes back unchanged in [`Next::Wait`], with
/// no effect, an empty path and its `turn` not counted.
pub fn step(doc: &FlowDocument, session: Session, input: Input<'_>, ctx: &mut Context<'_>) -> Turn {
    let mut run = Run {
        doc,
        ctx,
        effects: Vec::new(),
        path: Vec::new(),
        notes: Vec::new(),
        sends: 0,
        visits: Vec::new(),
        vars: BTreeMap::new(),
    };
    let next = run.start(session, input);
    Turn {
        effects: run.effects,
        next,
        path: run.path,
        contact: run.ctx.contact.clone(),
        notes: run.notes,
        vars: run.vars,
    }
}

impl<'r, 'c> Run<'r, 'c> {
    fn start(&mut self, mut session: Session, input: Input<'_>) -> Next {
        let doc = self.doc;
        self.vars = session.vars.clone();
        let Some(node) = find(doc, &session.node) else {
            return Next::Ended(EndReason::Broken { node: session.node });
        };
        if !super::resume::fits(&session.wait, &input, self.ctx.now) {
            return unchanged(session);
        }
        session.turn = session.turn.wrapping_add(1);
        if matches!(input, Input::Reply { .. }) {
            session.unanswered = 0;
        } else {
            session.unanswered = session.unanswered.saturating_add(1);
            if session.unanswered > super::UNANSWERED_TURNS {
                return Next::Ended(EndReason::Unanswered);
            }
        }
        let out = match self.guard(node) {
            Some(stop) => stop,
            None if matches!(session.wait, Wait::Start) => {
                super::enter::enter(self, node, &mut session)
            }
            None => super::resume::resume(self, node, &mut session, input),
        };
        self.walk(node, session, out)
    }

    fn walk(&mut self, at: &'r Node, mut session: Session, out: Out) -> Next {
        let next = self.follow(at, &mut session, out);
        self.vars = session.vars.clone();
        match next {
            Some(next) => next,
            None => match session.wait {
                Wait::Call { .. } => Next::Call(session),
                _ => Next::Wait(session),
            },
        }
    }

    /// Runs on from `at` until the turn stops: `None` when the session
    /// stays (its node and wait set), else what becomes of it.
    fn follow(&mut self, mut at: &'r Node, session: &mut Session, mut out: Out) -> Option<Next> {
        let doc = self.doc;
        loop {
            match out {
                Out::Go(handle) => {
                    self.notes.push(Note::Took {
                        node: at.id.clone(),
                        handle: handle.clone(),
                    });
                    let Some(edge) = doc
                        .edges
                        .iter()
                        .find(|e| e.from == at.id && e.handle == handle)
                    else {
                        return Some(Next::Ended(EndReason::Done));
                    };
                    let Some(to) = find(doc, &edge.to) else {
                        return Some(Next::Ended(EndReason::Broken {
                            node: edge.to.clone(),
                        }));
                    };
                    session.node = to.id.clone();
                    session.wait = Wait::Start;
                    session.tries = 0;
                    at = to;
                    out = match self.guard(to) {
                        Some(stop) => stop,
                        None => super::enter::enter(self, to, session),
                    };
                }
                Out::Wait(wait) => {
                    session.node = at.id.clone();
                    session.wait = wait;
                    return None;
                }
                Out::Call(request) => {
                    session.node = at.id.clone();
                    session.wait = Wait::Call {
                        request,
                        started: false,
                    };
                    return None;
                }
                Out::End(reason) => return Some(Next::Ended(reason)),
                Out::GoTo(flow) => {
                    return Some(Next::GoTo {
                        flow,
                        vars: session.vars.clone(),
                    });
                }
            }
        }
    }

    /// Counts a node about to run against the budget; the end it meets, if any.
    fn guard(&mut self, node: &Node) -> Option<Out> {
        let budget = self.ctx.budget;
        if self.path.len() >= usize::try_from(budget.nodes).unwrap_or(usize::MAX) {
            return Some(Out::End(EndReason::Budget));
        }
        let count = match self.visits.iter_mut().find(|(id, _)| *id == node.id) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.visits.push((node.id.clone(), 1));
                1
            }
        };
        if count > budget.visits {
            return Some(Out::End(EndReason::Loop {
                node: node.id.clone(),
            }));
        }
        self.path.push(node.id.clone());
        None
    }

    /// Queues a message, unless the turn has sent all it may (then the
    /// caller ends the session with [`EndReason::Budget`]).
    #[must_use]
    pub(super) fn send(&mut self, node: &str, message: Outgoing, typing_ms: u32) -> bool {
        if self.sends >= self.ctx.budget.sends {
            return false;
        }
        self.sends += 1;
        self.effects.push(Effect::Send {
            node: node.to_owned(),
            message,
            typing_ms,
        });
        true
    }

    /// Sends a text unless it rendered to nothing (noted). `Some(end)` when
    /// the budget stops the turn.
    pub(super) fn send_text(&mut self, node: &str, text: String, typing_ms: u32) -> Option<Out> {
        if text.is_empty() {
            self.notes.push(Note::NothingToSend {
                node: node.to_owned(),
            });
            return None;
        }
        (!self.send(node, Outgoing::Text { text }, typing_ms))
            .then_some(Out::End(EndReason::Budget))
    }

    /// A text of `node` with the contact's variables and spintax; `which`
    /// tells the node's texts apart so each has its own variation.
    pub(super) fn render(&self, node: &str, text: &str, which: u8, session: &Session) -> String {
        let values = render::values(&self.ctx.contact, self.ctx.fields, &session.vars);
        let keys = render::keys(self.ctx.fields);
        render::render(
            text,
            &values,
            &keys,
            render::seed_for(self.ctx.seed, node, which),
        )
    }

    /// Saves `raw` into the field `key` in the field's canonical form (an
    /// empty value clears it). A field that is gone or refuses the value is
    /// noted and left as it was.
    pub(super) fn save_field(&mut self, node: &str, key: &str, raw: &str) -> Saved {
        let fields = self.ctx.fields;
        let Some(field) = fields.iter().find(|f| f.key == key) else {
            self.notes.push(Note::FieldMissing {
                node: node.to_owned(),
                field: key.to_owned(),
            });
            return Saved::Gone;
        };
        match field.parse(raw) {
            Ok(value) => {
                match &value {
                    Some(v) => self.ctx.contact.fields.insert(key.to_owned(), v.clone()),
                    None => self.ctx.contact.fields.remove(key),
                };
                self.effects.push(Effect::SetField {
                    node: node.to_owned(),
                    field: key.to_owned(),
                    value,
                });
                Saved::Set
            }
            Err(_) => {
                self.notes.push(Note::FieldRefused {
                    node: node.to_owned(),
                    field: key.to_owned(),
                    value: raw.chars().take(60).collect(),
                });
                Saved::Refused
            }
        }
    }
}

/// What became of a value for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Saved {
    Set,
    /// The account no longer has the field.
    Gone,
    /// The field does not take the value.
    Refused,
}

pub(super) fn find<'d>(doc: &'d FlowDocument, id: &str) -> Option<&'d Node> {
    doc.nodes.iter().find(|n| n.id == id)
}

/// A session handed back as it came, to be stored as it is: still waiting
/// on what it waited on (a call in its wait stays as the runner left it).
fn unchanged(session: Session) -> Next {
    Next::Wait(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automation::engine::{Budget, Contact};
    use crate::automation::flow::tests::edge;
    use crate::automation::flow::{
        AnswerKind, Combine, Content, MenuOption, NodeKind, Operator, Position, Rule, Subject,
    };
    use crate::fields::{CustomField, FieldKind};
    use crate::ids::{AccountId, FieldId};

    fn node(id: &str, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            position: Position { x: 0.0, y: 0.0 },
            kind,
        }
    }

    fn doc(nodes: Vec<Node>, edges: Vec<crate::automation::flow::Edge>) -> FlowDocument {
        FlowDocument {
            schema: 1,
            start: nodes[0].id.clone(),
            nodes,
            edges,
        }
    }

    fn text(t: &str) -> NodeKind {
        NodeKind::Send {
            content: Content::Text { text: t.into() },
            typing_ms: 0,
        }
    }

    fn fields() -> Vec<CustomField> {
        vec![CustomField {
            id: FieldId::from_uuid(uuid::Uuid::from_u128(1)),
            account_id: AccountId::from_uuid(uuid::Uuid::nil()),
            key: "idade".into(),
            label: "Idade".into(),
            kind: FieldKind::Number,
            choices: vec![],
            created_at: 0,
        }]
    }

    fn run(doc: &FlowDocument, session: Session, input: Input<'_>, budget: Budget) -> Turn {
        let tz = jiff::tz::TimeZone::UTC;
        let fields = fields();
        let mut ctx = Context {
            now: 1_000_000,
            tz: &tz,
            hours: None,
            contact: Contact::default(),
            fields: &fields,
            contact_seed: 1,
            seed: 1,
            budget,
        };
        step(doc, session, input, &mut ctx)
    }

    fn sent(turn: &Turn) -> Vec<String> {
        turn.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send {
                    message: Outgoing::Text { text },
                    ..
                } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_session_on_a_node_the_version_lacks_is_broken() {
        let d = doc(
            vec![node("a", text("Oi")), node("b", NodeKind::End)],
            vec![edge("1", "a", "next", "fantasma")],
        );
        let turn = run(&d, Session::starting("x"), Input::Start, Budget::default());
        assert_eq!(
            turn.next,
            Next::Ended(EndReason::Broken { node: "x".into() })
        );
        assert!(turn.effects.is_empty() && turn.path.is_empty());
        // An edge to a node that is not there.
        let turn = run(&d, Session::starting("a"), Input::Start, Budget::default());
        assert_eq!(sent(&turn), ["Oi"]);
        assert_eq!(
            turn.next,
            Next::Ended(EndReason::Broken {
                node: "fantasma".into()
            })
        );
        // A reply for a node that does not take replies.
        let mut waiting = Session::starting("a");
        waiting.wait = Wait::Reply { timeout_at: None };
        let turn = run(
            &d,
            waiting,
            Input::Reply {
                text: "oi",
                is_text: true,
            },
            Budget::default(),
        );
        assert_eq!(
            turn.next,
            Next::Ended(EndReason::Broken { node: "a".into() })
        );
    }

    #[test]
    fn a_step_is_a_function_of_its_inputs_and_counts_one_turn() {
        let d = doc(
            vec![
                node("a", text("{Oi|Olá|E aí|Opa|Salve} {{telefone}}")),
                node(
                    "q",
                    NodeKind::Ask {
                        question: "{Idade?|Quantos anos?}".into(),
                        answer: AnswerKind::Number,
                        field: Some("idade".into()),
                        retry: "Só o número.".into(),
                        tries: 0,
                        timeout_minutes: Some(5),
                    },
                ),
            ],
            vec![edge("1", "a", "next", "q")],
        );
        let one = run(&d, Session::starting("a"), Input::Start, Budget::default());
        let two = run(&d, Session::starting("a"), Input::Start, Budget::default());
        assert_eq!(one, two, "stepped again, the same turn");
        let Next::Wait(waiting) = &one.next else {
            panic!("{:?}", one.next)
        };
        assert_eq!(waiting.turn, 1);
        assert_eq!(
            waiting.wait,
            Wait::Reply {
                timeout_at: Some(1_000_000 + 5 * 60_000)
            }
        );
        // tries = 0: the first answer that does not validate takes `failed`.
        let turn = run(
            &d,
            waiting.clone(),
            Input::Reply {
                text: "vinte",
                is_text: true,
            },
            Budget::default(),
        );
        assert_eq!(turn.next, Next::Ended(EndReason::Done));
        assert!(turn.notes.contains(&Note::Took {
            node: "q".into(),
            handle: "failed".into()
        }));
    }

    #[test]
    fn later_nodes_see_the_tags_and_fields_earlier_ones_set() {
        let d = doc(
            vec![
                node(
                    "t",
                    NodeKind::Tags {
                        add: vec!["Cliente VIP".into()],
                        remove: vec![],
                    },
                ),
                node(
                    "f",
                    NodeKind::SetField {
                        field: "idade".into(),
                        value: "1.500".into(),
                    },
                ),
                node(
                    "bad",
                    NodeKind::SetField {
                        field: "idade".into(),
                        value: "muitos".into(),
                    },
                ),
                node(
                    "if",
                    NodeKind::Condition {
                        combine: Combine::All,
                        rules: vec![
                            Rule {
                                subject: Subject::Tag("cliente vip".into()),
                                operator: Operator::IsSet,
                                value: String::new(),
                            },
                            Rule {
                                subject: Subject::Field("idade".into()),
                                operator: Operator::Greater,
                                value: "1000".into(),
                            },
                        ],
                    },
                ),
                node("sim", text("VIP de {{idade}}")),
            ],
            vec![
                edge("1", "t", "next", "f"),
                edge("2", "f", "next", "bad"),
                edge("3", "bad", "next", "if"),
                edge("4", "if", "true", "sim"),
            ],
        );
        let turn = run(&d, Session::starting("t"), Input::Start, Budget::default());
        assert_eq!(sent(&turn), ["VIP de 1.500"]);
        assert!(turn.contact.tags.contains("cliente vip"));
        assert_eq!(
            turn.contact.fields.get("idade").map(String::as_str),
            Some("1500")
        );
        assert!(turn.notes.contains(&Note::FieldRefused {
            node: "bad".into(),
            field: "idade".into(),
            value: "muitos".into()
        }));
        let set: Vec<&Effect> = turn
            .effects
            .iter()
            .filter(|e| matches!(e, Effect::SetField { .. }))
            .collect();
        assert_eq!(set.len(), 1, "the refused value sets nothing: {set:?}");
    }

    #[test]
    fn budgets_stop_a_turn_before_it_sends_too_much() {
        let menu = NodeKind::Menu {
            question: "Escolha".into(),
            options: vec![MenuOption {
                id: "a".into(),
                label: "A".into(),
                synonyms: vec![],
            }],
            retry: String::new(),
            tries: 3,
        };
        let d = doc(vec![node("m", menu)], vec![]);
        let none = Budget {
            sends: 0,
            ..Budget::default()
        };
        let turn = run(&d, Session::starting("m"), Input::Start, none);
        assert_eq!(turn.next, Next::Ended(EndReason::Budget));
        assert!(turn.effects.is_empty());
        // No node at all may run.
        let zero = Budget {
            nodes: 0,
            ..Budget::default()
        };
        let turn = run(&d, Session::starting("m"), Input::Start, zero);
        assert_eq!(turn.next, Next::Ended(EndReason::Budget));
        assert!(turn.path.is_empty());
        // An empty retry asks the whole menu again.
        let first = run(&d, Session::starting("m"), Input::Start, Budget::default());
        let Next::Wait(waiting) = first.next else {
            panic!()
        };
        let again = run(
            &d,
            waiting,
            Input::Reply {
                text: "hein?",
                is_text: true,
            },
            Budget::default(),
        );
        assert_eq!(sent(&again), ["Escolha\n\n1 - A"]);
        let Next::Wait(waiting) = again.next else {
            panic!()
        };
        assert_eq!((waiting.tries, waiting.turn), (1, 2));
    }
}
