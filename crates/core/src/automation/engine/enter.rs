//! What each kind of node does when the walk enters it.

use super::calls::http_request;
use super::delay::delay_end;
use super::menu::menu_text;
use super::render::{self, stable_hash};
use super::step::{Out, Run};
use super::{CallRequest, Effect, EndReason, Note, Outgoing, Session, Wait};
use crate::automation::flow::{Content, Node, NodeKind, Split};
use crate::text::fold;

/// Which of a node's texts is rendered: each has its own spintax choice.
pub(super) const TEXT_MAIN: u8 = 0;
pub(super) const TEXT_RETRY: u8 = 1;

pub(super) fn enter(run: &mut Run<'_, '_>, node: &Node, session: &mut Session) -> Out {
    let id = node.id.as_str();
    match &node.kind {
        NodeKind::Send { content, typing_ms } => {
            let stop = match content {
                Content::Text { text } => {
                    let text = run.render(id, text, TEXT_MAIN, session);
                    run.send_text(id, text, *typing_ms)
                }
                Content::File { file, caption } => {
                    let message = Outgoing::File {
                        file: file.clone(),
                        caption: run.render(id, caption, TEXT_MAIN, session),
                    };
                    (!run.send(id, message, *typing_ms)).then_some(Out::End(EndReason::Budget))
                }
            };
            stop.unwrap_or_else(|| Out::go("next"))
        }
        NodeKind::Menu {
            question, options, ..
        } => {
            let text = menu_text(&run.render(id, question, TEXT_MAIN, session), options);
            run.send_text(id, text, 0)
                .unwrap_or(Out::Wait(Wait::Reply { timeout_at: None }))
        }
        NodeKind::Ask {
            question,
            timeout_minutes,
            ..
        } => {
            let text = run.render(id, question, TEXT_MAIN, session);
            run.send_text(id, text, 0).unwrap_or(Out::Wait(Wait::Reply {
                timeout_at: ask_deadline(run.ctx.now, *timeout_minutes),
            }))
        }
        NodeKind::Condition { combine, rules } => {
            let ctx = &run.ctx;
            let yes = super::conditions::holds(
                *combine,
                rules,
                &ctx.contact,
                ctx.fields,
                &session.vars,
                ctx.now,
                ctx.tz,
                ctx.hours.map(|h| h.is_open(ctx.now)),
            );
            Out::go(if yes { "true" } else { "false" })
        }
        NodeKind::Tags { add, remove } => {
            // Emitted even when the contact already has (or lacks) the tag:
            // the store's add and remove are idempotent, and the contact
            // seen here may be a moment old.
            for tag in add.iter().filter(|t| !t.trim().is_empty()) {
                run.ctx.contact.tags.insert(fold(tag.trim()));
                run.effects.push(Effect::AddTag {
                    node: id.to_owned(),
                    tag: tag.trim().to_owned(),
                });
            }
            for tag in remove.iter().filter(|t| !t.trim().is_empty()) {
                run.ctx.contact.tags.remove(&fold(tag.trim()));
                run.effects.push(Effect::RemoveTag {
                    node: id.to_owned(),
                    tag: tag.trim().to_owned(),
                });
            }
            Out::go("next")
        }
        NodeKind::SetField { field, value } => {
            let value = run.render(id, value, TEXT_MAIN, session);
            // A refused value is noted and skipped: the flow goes on, as a
            // form does when one answer does not fit.
            let _ = run.save_field(id, field, &value);
            Out::go("next")
        }
        NodeKind::Delay { minutes, window } => {
            let (at, ignored) = delay_end(run.ctx.now, *minutes, window.as_ref(), run.ctx.tz);
            if ignored {
                run.notes.push(Note::WindowNeverOpens {
                    node: id.to_owned(),
                });
            }
            Out::Wait(Wait::Timer { at })
        }
        NodeKind::Http {
            method,
            url,
            headers,
            body,
            timeout_ms,
            ..
        } => {
            let values = render::machine_values(&run.ctx.contact, run.ctx.fields, &session.vars);
            Out::Call(http_request(
                id,
                *method,
                url,
                headers,
                body.as_deref(),
                *timeout_ms,
                &values,
            ))
        }
        NodeKind::Ai {
            instructions,
            max_chars,
        } => Out::Call(CallRequest::Ai {
            node: id.to_owned(),
            instructions: run.render(id, instructions, TEXT_MAIN, session),
            max_chars: *max_chars,
        }),
        NodeKind::Randomizer { splits } => match pick(splits, run.ctx.contact_seed, id) {
            Some(split) => Out::Go(format!("branch:{}", split.id)),
            None => Out::End(EndReason::Done),
        },
        NodeKind::GoToFlow { flow } => Out::GoTo(flow.clone()),
        NodeKind::Handoff { assign, note } => {
            let note = run.render(id, note, TEXT_MAIN, session);
            run.effects.push(Effect::Handoff {
                node: id.to_owned(),
                assign: assign.clone().filter(|a| !a.trim().is_empty()),
                note,
            });
            Out::End(EndReason::Handoff)
        }
        NodeKind::End => Out::End(EndReason::Done),
    }
}

/// When a question stops waiting (Unix ms).
pub(super) fn ask_deadline(now: i64, minutes: Option<u32>) -> Option<i64> {
    minutes.map(|m| now.saturating_add(i64::from(m) * 60_000))
}

/// The contact's branch: a stable number 0–99 from the contact and the node
/// (the same every time this contact reaches this node, on any desktop),
/// laid over the splits' percents in order. Splits that do not add up to
/// 100 (refused at publish) are scaled to what they add up to; none, or all
/// at 0%, choose nothing.
fn pick<'s>(splits: &'s [Split], contact_seed: u64, node: &str) -> Option<&'s Split> {
    let total: u64 = splits.iter().map(|s| u64::from(s.percent)).sum();
    if total == 0 {
        return None;
    }
    let roll = stable_hash(&[&contact_seed.to_le_bytes(), node.as_bytes()]) % 100 * total / 100;
    let mut reached = 0;
    splits.iter().find(|s| {
        reached += u64::from(s.percent);
        roll < reached
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splits(percents: &[u8]) -> Vec<Split> {
        percents
            .iter()
            .enumerate()
            .map(|(i, p)| Split {
                id: i.to_string(),
                percent: *p,
            })
            .collect()
    }

    #[test]
    fn the_randomizer_is_sticky_and_follows_the_percents() {
        let list = splits(&[70, 20, 10]);
        let mut count = [0u32; 3];
        for contact in 0..10_000u64 {
            let first = pick(&list, contact, "r").unwrap();
            assert_eq!(pick(&list, contact, "r").unwrap(), first, "sticky");
            count[first.id.parse::<usize>().unwrap()] += 1;
        }
        // 70/20/10 within a couple of points over 10 000 contacts.
        assert!((6_800..7_200).contains(&count[0]), "{count:?}");
        assert!((1_800..2_200).contains(&count[1]), "{count:?}");
        assert!((800..1_200).contains(&count[2]), "{count:?}");
        // Another node draws independently.
        let moved = (0..1_000u64)
            .filter(|c| pick(&list, *c, "r").unwrap().id != pick(&list, *c, "s").unwrap().id)
            .count();
        assert!(moved > 300, "{moved}");
    }

    #[test]
    fn odd_splits_still_choose_within_them() {
        assert!(pick(&[], 1, "r").is_none());
        assert!(pick(&splits(&[0, 0]), 1, "r").is_none());
        for c in 0..500 {
            assert_eq!(pick(&splits(&[0, 30]), c, "r").unwrap().id, "1");
            assert!(pick(&splits(&[200, 200]), c, "r").is_some());
        }
    }
}
