//! How a waiting node takes what it waited for: a menu or a question its
//! reply (or its time limit), a delay its timer, an `http` or `ai` node its
//! call's answer.

use super::answers::validate_answer;
use super::calls::{ai_text, value_at};
use super::enter::{TEXT_MAIN, TEXT_RETRY, ask_deadline};
use super::menu::{choose_option, menu_text};
use super::step::{Out, Run, Saved};
use super::{AiAnswer, CallOutcome, CallRequest, EndReason, Input, Note, Outgoing, Session, Wait};
use crate::automation::flow::{Node, NodeKind};

/// The variable every accepted reply is also kept in.
const LAST_REPLY: &str = "ultima_resposta";

/// Whether `input` is what a session waiting on `wait` waits for. A timer
/// counts only once its time has come; a call's answer only for its kind of
/// call (a failure for either).
pub(super) fn fits(wait: &Wait, input: &Input<'_>, now: i64) -> bool {
    match (wait, input) {
        (Wait::Start, Input::Start) | (Wait::Reply { .. }, Input::Reply { .. }) => true,
        (
            Wait::Reply {
                timeout_at: Some(at),
            },
            Input::Timer,
        )
        | (Wait::Timer { at }, Input::Timer) => now >= *at,
        (Wait::Call { request, .. }, Input::Called(outcome)) => matches!(
            (request, outcome),
            (_, CallOutcome::Failed { .. })
                | (CallRequest::Http { .. }, CallOutcome::Http { .. })
                | (CallRequest::Ai { .. }, CallOutcome::Ai(_))
        ),
        _ => false,
    }
}

/// Runs the waiting `node` with the input it waited for (`fits` said so).
/// A node of another kind than the wait says means the stored session does
/// not belong to this version: it ends as broken.
pub(super) fn resume(
    run: &mut Run<'_, '_>,
    node: &Node,
    session: &mut Session,
    input: Input<'_>,
) -> Out {
    let id = node.id.as_str();
    match (&node.kind, input) {
        (
            NodeKind::Menu {
                question,
                options,
                retry,
                tries,
            },
            Input::Reply { text, is_text },
        ) => {
            let chosen = is_text.then(|| choose_option(options, text)).flatten();
            if let Some(option) = chosen.and_then(|i| options.get(i)) {
                session.vars.insert(id.to_owned(), option.label.clone());
                session
                    .vars
                    .insert(LAST_REPLY.to_owned(), option.label.clone());
                return Out::Go(format!("option:{}", option.id));
            }
            refused(run, node, session, *tries, "other", |run, session| {
                if retry.trim().is_empty() {
                    menu_text(&run.render(id, question, TEXT_MAIN, session), options)
                } else {
                    run.render(id, retry, TEXT_RETRY, session)
                }
            })
        }
        (
            NodeKind::Ask {
                question,
                answer,
                field,
                retry,
                tries,
                ..
            },
            Input::Reply { text, is_text },
        ) => {
            let valid = is_text.then(|| validate_answer(*answer, text)).flatten();
            let kept = valid.filter(|value| match field {
                // A field deleted after publishing does not refuse the
                // answer: the flow goes on with it in its variables.
                Some(key) => run.save_field(id, key, value) != Saved::Refused,
                None => true,
            });
            if let Some(value) = kept {
                session.vars.insert(id.to_owned(), value.clone());
                session.vars.insert(LAST_REPLY.to_owned(), value);
                return Out::go("next");
            }
            refused(run, node, session, *tries, "failed", |run, session| {
                let text = if retry.trim().is_empty() {
                    question
                } else {
                    retry
                };
                run.render(id, text, TEXT_RETRY, session)
            })
        }
        (
            NodeKind::Ask {
                timeout_minutes: Some(_),
                ..
            },
            Input::Timer,
        ) => Out::go("timeout"),
        (NodeKind::Delay { .. }, Input::Timer) => Out::go("next"),
        (NodeKind::Http { save, .. }, Input::Called(outcome)) => match outcome {
            CallOutcome::Http { status, json } if (200..300).contains(&status) => {
                let fields = run.ctx.fields;
                for mapping in save {
                    let kind = fields
                        .iter()
                        .find(|f| f.key == mapping.field)
                        .map(|f| f.kind);
                    match json
                        .as_ref()
                        .and_then(|j| value_at(j, &mapping.pointer, kind))
                    {
                        Some(value) => {
                            let _ = run.save_field(id, &mapping.field, &value);
                        }
                        None => run.notes.push(Note::PointerMissing {
                            node: id.to_owned(),
                            pointer: mapping.pointer.clone(),
                        }),
                    }
                }
                Out::go("next")
            }
            CallOutcome::Http { status, .. } => failed(run, id, format!("HTTP {status}"), "error"),
            CallOutcome::Failed { reason } => failed(run, id, reason, "error"),
            CallOutcome::Ai(_) => broken(id),
        },
        (NodeKind::Ai { max_chars, .. }, Input::Called(outcome)) => match outcome {
            CallOutcome::Ai(AiAnswer::Text(answer)) => match ai_text(&answer, *max_chars) {
                Some(text) => {
                    if run.send(id, Outgoing::Text { text }, 0) {
                        Out::go("next")
                    } else {
                        Out::End(EndReason::Budget)
                    }
                }
                None => failed(run, id, "empty answer".to_owned(), "handoff"),
            },
            CallOutcome::Ai(AiAnswer::Handoff) => Out::go("handoff"),
            CallOutcome::Failed { reason } => failed(run, id, reason, "handoff"),
            CallOutcome::Http { .. } => broken(id),
        },
        _ => broken(id),
    }
}

/// A reply that chose nothing or did not validate: one more try counted;
/// at the node's limit its `branch`, else the retry message and a new wait
/// (a question's time limit starts again: the contact is there).
fn refused(
    run: &mut Run<'_, '_>,
    node: &Node,
    session: &mut Session,
    limit: u8,
    branch: &str,
    retry: impl FnOnce(&Run<'_, '_>, &Session) -> String,
) -> Out {
    session.tries = session.tries.saturating_add(1);
    run.notes.push(Note::ReplyRefused {
        node: node.id.clone(),
        tries: session.tries,
    });
    if session.tries >= limit {
        return Out::go(branch);
    }
    let text = retry(run, session);
    if let Some(stop) = run.send_text(&node.id, text, 0) {
        return stop;
    }
    let timeout_at = match &node.kind {
        NodeKind::Ask {
            timeout_minutes, ..
        } => ask_deadline(run.ctx.now, *timeout_minutes),
        _ => None,
    };
    Out::Wait(Wait::Reply { timeout_at })
}

fn failed(run: &mut Run<'_, '_>, node: &str, reason: String, branch: &str) -> Out {
    run.notes.push(Note::CallFailed {
        node: node.to_owned(),
        reason,
    });
    Out::go(branch)
}

fn broken(node: &str) -> Out {
    Out::End(EndReason::Broken {
        node: node.to_owned(),
    })
}
