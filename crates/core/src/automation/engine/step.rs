//! The walk: take the input at the node the session is on, then follow the
//! edge leaving the handle each node chooses, running nodes until one waits,
//! calls, ends or the turn's budget runs out.
//!
//! What a node does when entered is `enter.rs`; how a waiting node takes its
//! reply, timer or call answer is `resume.rs`.

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
    };
    let next = run.start(session, input);
    Turn {
        effects: run.effects,
        next,
        path: run.path,
        contact: run.ctx.contact.clone(),
        notes: run.notes,
    }
}

impl<'r, 'c> Run<'r, 'c> {
    fn start(&mut self, mut session: Session, input: Input<'_>) -> Next {
        let doc = self.doc;
        let Some(node) = find(doc, &session.node) else {
            return Next::Ended(EndReason::Broken { node: session.node });
        };
        if !super::resume::fits(&session.wait, &input, self.ctx.now) {
            return unchanged(session);
        }
        session.turn = session.turn.wrapping_add(1);
        let out = match self.guard(node) {
            Some(stop) => stop,
            None if matches!(session.wait, Wait::Start) => {
                super::enter::enter(self, node, &mut session)
            }
            None => super::resume::resume(self, node, &mut session, input),
        };
        self.walk(node, session, out)
    }

    fn walk(&mut self, mut at: &'r Node, mut session: Session, mut out: Out) -> Next {
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
                        return Next::Ended(EndReason::Done);
                    };
                    let Some(to) = find(doc, &edge.to) else {
                        return Next::Ended(EndReason::Broken {
                            node: edge.to.clone(),
                        });
                    };
                    session.node = to.id.clone();
                    session.wait = Wait::Start;
                    session.tries = 0;
                    at = to;
                    out = match self.guard(to) {
                        Some(stop) => stop,
                        None => super::enter::enter(self, to, &mut session),
                    };
                }
                Out::Wait(wait) => {
                    session.node = at.id.clone();
                    session.wait = wait;
                    return Next::Wait(session);
                }
                Out::Call(request) => {
                    session.node = at.id.clone();
                    session.wait = Wait::Call {
                        request,
                        started: false,
                    };
                    return Next::Call(session);
                }
                Out::End(reason) => return Next::Ended(reason),
                Out::GoTo(flow) => {
                    return Next::GoTo {
                        flow,
                        vars: session.vars,
                    };
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
