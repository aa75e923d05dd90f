//! Rule 4: the keyword a message fires, and its actions in their order:
//! reply, tags, field, then either a hand-off or a flow.

use sqlx::{Sqlite, Transaction};

use super::apply::{self, Content, Outcome, Send};
use super::config::{Config, Conv, FlowEntry, Person, person_in, reply_seed};
use super::turn;
use crate::automation::AutomationError;
use crate::automation::engine::EndReason;
use crate::automation::flow;
use crate::automation::keywords::Keyword;
use crate::automation::matching::{Candidate, Matcher, ranked};
use crate::automation::sessions::{StartedBy, end_active_in, log_in};
use crate::campaigns::template::Template;
use crate::domain::BotSource;
use crate::{MessageId, Store};

/// The keyword `body` fires for this contact on this number, if any: the
/// first of [`ranked`] that is on, in scope and out of its cooldown.
/// Returns it with the index of the word that matched.
pub(super) async fn pick<'k>(
    tx: &mut Transaction<'_, Sqlite>,
    out: &Outcome,
    conv: &Conv,
    keywords: &'k [Keyword],
    body: &str,
    now: i64,
) -> Result<Option<(&'k Keyword, usize)>, AutomationError> {
    let candidates: Vec<Candidate<usize>> = keywords
        .iter()
        .enumerate()
        .filter(|(_, k)| k.enabled)
        .filter_map(|(i, k)| {
            // A keyword whose words no longer compile (saved by an older
            // ZapDesk) fires on nothing.
            Matcher::new(k.match_kind, &k.words)
                .ok()
                .map(|matcher| Candidate {
                    key: i,
                    matcher,
                    priority: k.priority,
                    created_at: k.created_at,
                })
        })
        .collect();
    for hit in ranked(&candidates, body) {
        let keyword = &keywords[hit.key];
        if !keyword.numbers.is_empty() && !keyword.numbers.contains(&conv.instance) {
            continue;
        }
        if keyword.cooldown_minutes > 0 {
            let last = apply::mark(tx, out.account, conv.contact, &mark_of(keyword)).await?;
            let cooldown = i64::from(keyword.cooldown_minutes) * 60_000;
            if last.is_some_and(|at| now - at < cooldown) {
                continue;
            }
        }
        return Ok(Some((keyword, hit.word)));
    }
    Ok(None)
}

fn mark_of(keyword: &Keyword) -> String {
    format!("keyword:{}", keyword.id)
}

/// Fires `keyword` for the message `message`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn fire(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    out: &mut Outcome,
    config: &Config,
    conv: &Conv,
    person: &Person,
    flows: &[FlowEntry],
    (keyword, word): (&Keyword, usize),
    message: MessageId,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    apply::set_mark(tx, account, conv.contact, &mark_of(keyword), now).await?;
    log_in(
        tx,
        account,
        conv.id,
        None,
        "keyword",
        &format!(
            "{} ({:?})",
            keyword.name,
            keyword.words.get(word).map(String::as_str).unwrap_or("")
        ),
        now,
    )
    .await?;
    let actions = &keyword.actions;
    let values = person.variables(&config.fields);
    let keys = config.field_keys();
    let seed = reply_seed(keyword.id.as_uuid(), message.as_uuid());
    let render = |text: &str| -> Option<String> {
        Template::parse(text, &keys)
            .ok()
            .map(|t| t.render(&values, seed).trim().to_owned())
    };
    if let Some(reply) = &actions.reply {
        let (text, file) = match reply {
            flow::Content::Text { text } => (text.as_str(), None),
            flow::Content::File { file, caption } => (caption.as_str(), Some(file.as_str())),
        };
        let rendered = if text.trim().is_empty() {
            Some(String::new())
        } else {
            render(text)
        };
        match (rendered, file) {
            (None, _) => {
                log_in(
                    tx,
                    account,
                    conv.id,
                    None,
                    "skipped",
                    &format!("keyword {}: its reply does not read", keyword.name),
                    now,
                )
                .await?;
            }
            (Some(text), None) if text.is_empty() => {}
            (Some(text), file) => {
                let content = match file {
                    Some(file) => Content::File {
                        file,
                        caption: &text,
                    },
                    None => Content::Text(&text),
                };
                apply::send(
                    store,
                    tx,
                    out,
                    conv,
                    None,
                    Send {
                        id: MessageId::new(),
                        typing_ms: 0,
                        source: BotSource::Keyword,
                        reference: Some(keyword.id.as_uuid()),
                        node: None,
                        content,
                    },
                    now,
                )
                .await?;
            }
        }
    }
    for tag in &actions.add_tags {
        apply::tag(tx, out, conv, None, tag, true, now).await?;
    }
    for tag in &actions.remove_tags {
        apply::tag(tx, out, conv, None, tag, false, now).await?;
    }
    if let Some(set) = &actions.set_field {
        let value = if set.value.trim().is_empty() {
            Some(String::new())
        } else {
            render(&set.value)
        };
        match value {
            Some(value) => {
                apply::field(tx, out, config, conv, None, &set.field, Some(&value), now).await?
            }
            None => {
                log_in(
                    tx,
                    account,
                    conv.id,
                    None,
                    "skipped",
                    &format!("keyword {}: its field value does not read", keyword.name),
                    now,
                )
                .await?
            }
        }
    }
    // People first: a hand-off wins over a flow.
    if let Some(handoff) = &actions.handoff {
        end_active_in(tx, account, conv.id, &EndReason::Handoff, now).await?;
        let assign = handoff.assign.map(|u| u.to_string());
        apply::handoff(
            tx,
            out,
            conv,
            None,
            assign.as_deref(),
            &handoff.note,
            MessageId::new(),
            now,
        )
        .await?;
    } else if let Some(flow) = actions.start_flow {
        match flows.iter().find(|f| f.id == flow) {
            Some(entry) if entry.enabled => {
                // As the actions above left the contact: the flow sees them.
                let person = person_in(tx, account, conv.contact)
                    .await?
                    .unwrap_or_else(|| person.clone());
                turn::start_and_run(
                    store,
                    tx,
                    out,
                    config,
                    conv,
                    &person,
                    flow,
                    StartedBy::Keyword {
                        keyword: keyword.id,
                    },
                    now,
                )
                .await?
            }
            found => {
                let why = if found.is_some() {
                    "is off"
                } else {
                    "no such flow"
                };
                log_in(
                    tx,
                    account,
                    conv.id,
                    None,
                    "skipped",
                    &format!("keyword {}: flow {flow} {why}", keyword.name),
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}
