//! A queue row, handled: a message a contact sent goes through the rules of
//! docs/automation.md in order, the first that applies wins; a tag a person
//! added starts the flow it triggers.
//!
//! Decisions the design leaves open:
//! - A hand-off word fires when the message contains it as whole words,
//!   folded like keywords (`atendente` fires on "Quero falar com um
//!   ATENDENTE!", not on "atendimento"): contacts write whole sentences.
//! - The triggers (first message, campaign reply, no match) start nothing
//!   while a session is active (a delay, a call): they would replace a flow
//!   under way for a message that did not ask for it. A keyword does
//!   replace it: it was asked for.
//! - A flow that is off starts from nothing automatic (keywords,
//!   triggers); by hand it still starts.

use super::apply::{self, Content, Outcome, Send, applied};
use super::config::{Config, Conv, FlowEntry, Person, conversation_in, message_in, person_in};
use super::{Event, Handled, KEEP_ELSEWHERE, Queued, away, keyword, triggers, turn};
use crate::automation::AutomationError;
use crate::automation::engine::{EndReason, Input, Wait};
use crate::automation::keywords::Keyword;
use crate::automation::matching::{MatchKind, Matcher};
use crate::automation::sessions::{self, StartedBy, end_in, log_in};
use crate::domain::{BotSource, MessageKind};
use crate::ids::TagId;
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

pub(super) async fn handle(
    store: &Store,
    account: AccountId,
    item: &Queued,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    now: i64,
) -> Result<Handled, AutomationError> {
    match item.event {
        Event::Message {
            conversation,
            message,
        } => {
            let elsewhere = item.instance.is_some_and(|i| !runs_here(i));
            if elsewhere && now - item.waits_from < KEEP_ELSEWHERE {
                return Ok(Handled::Kept {
                    until: Some(item.waits_from + KEEP_ELSEWHERE),
                });
            }
            handle_message(
                store,
                account,
                item.seq,
                conversation,
                message,
                elsewhere,
                now,
            )
            .await
        }
        Event::TagAdded { tag } => {
            tag_added(store, account, item.seq, item.contact, tag, now).await
        }
    }
}

/// Takes the row out of the queue; `false` when it was gone already
/// (handled by another pass).
async fn take(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    seq: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM automation_queue WHERE account_id = ? AND seq = ?")
        .bind(account)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[allow(clippy::too_many_arguments)]
async fn handle_message(
    store: &Store,
    account: AccountId,
    seq: i64,
    conversation: ConversationId,
    message: MessageId,
    elsewhere: bool,
    now: i64,
) -> Result<Handled, AutomationError> {
    let config = Config::load(store, account).await?;
    let mut tx = store.write().await?;
    // A conversation waiting on an outside call keeps its messages queued
    // until the answer: one contact's messages are handled one at a time.
    // Taken in the same statement (the common case: one round trip).
    let calling = "EXISTS (SELECT 1 FROM flow_sessions WHERE account_id = ? AND conversation_id = ?
                   AND status = 'active' AND json_extract(state, '$.wait.for') = 'call')";
    let taken = sqlx::query(&format!(
        "DELETE FROM automation_queue WHERE account_id = ? AND seq = ? AND NOT {calling}"
    ))
    .bind(account)
    .bind(seq)
    .bind(account)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        // Not taken: kept behind a call, or gone (handled by another pass).
        let waits: bool = sqlx::query_scalar(&format!("SELECT {calling}"))
            .bind(account)
            .bind(conversation)
            .fetch_one(&mut *tx)
            .await?;
        return Ok(if waits {
            Handled::Kept { until: None }
        } else {
            Handled::Done(Default::default())
        });
    }
    let mut out = Outcome::new(account);
    if let Some((conv, body, kind)) = message_in(&mut tx, account, conversation, message).await?
        && let Some(person) = person_in(&mut tx, account, conv.contact).await?
    {
        if elsewhere {
            log_in(
                &mut tx,
                account,
                conv.id,
                None,
                "dropped",
                "its number runs on another desktop",
                now,
            )
            .await?;
        } else {
            let message = Message {
                id: message,
                body: &body,
                is_text: kind == MessageKind::Text,
            };
            rules(
                store,
                &mut tx,
                &mut out,
                &config,
                &config.keywords,
                &config.flows,
                &conv,
                &person,
                message,
                now,
            )
            .await?;
            // What the bot left for a person (no flow talking to the
            // contact) waits in the assignment queue, in this transaction.
            if crate::assignment::wait_in(&mut tx, account, conv.id, now).await? {
                out.changed(crate::changes::Table::Conversations);
            }
        }
    }
    applied(&mut tx, &mut out).await?;
    tx.commit().await?;
    Ok(Handled::Done(out.done()))
}

/// The message being handled.
#[derive(Clone, Copy)]
struct Message<'a> {
    id: MessageId,
    body: &'a str,
    is_text: bool,
}

#[allow(clippy::too_many_arguments)]
async fn rules(
    store: &Store,
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    out: &mut Outcome,
    config: &Config,
    keywords: &[Keyword],
    flows: &[FlowEntry],
    conv: &Conv,
    person: &Person,
    message: Message<'_>,
    now: i64,
) -> Result<(), AutomationError> {
    let account = out.account;
    let mut active = sessions::active_in(tx, account, conv.id, now).await?;
    // 1. Opt-out words always win: ingest marked the contact and queued the
    // confirmation; the flow ends.
    if message.is_text && crate::opt_out::is_request(message.body) {
        if let Some(session) = &active {
            end_in(tx, account, conv.id, session.id, &EndReason::OptedOut, now).await?;
        }
        return Ok(());
    }
    // A session left over where it should have ended (an opt-out marked by
    // an operator, a takeover synced from another desktop) ends now.
    if let (Some(session), Some(reason)) = (
        &active,
        if person.opted_out {
            Some(EndReason::OptedOut)
        } else if conv.persons {
            Some(EndReason::Stopped)
        } else {
            None
        },
    ) {
        end_in(tx, account, conv.id, session.id, &reason, now).await?;
    }
    if !config.settings.enabled || conv.persons || person.opted_out {
        return Ok(());
    }
    // Rule 2 is decided before the clock starts: the messages it cancels
    // must not hold the hand-off reply back.
    let asks_person =
        message.is_text && asks_for_person(&config.settings.handoff_words, message.body);
    if asks_person {
        // What the bot was still "typing" (a menu) would reach them after
        // the hand-off reply, from a bot they just left.
        crate::inbox::outbox::cancel_waiting_bot_in(
            tx,
            account,
            crate::inbox::outbox::Waiting::Conversation(conv.id),
            crate::inbox::outbox::BOT_STOPPED,
            now,
        )
        .await?;
    }
    apply::start_clock(tx, out, conv.id, now).await?;
    // The contact wrote: the session under way has been answered, whatever
    // it waits for (a delay does not take the message; the count of turns
    // without a reply starts again).
    if let Some(session) = active.as_mut().filter(|s| s.state.unanswered > 0) {
        session.state.unanswered = 0;
        sqlx::query(
            "UPDATE flow_sessions SET state = json_remove(state, '$.unanswered')
             WHERE account_id = ? AND id = ? AND status = 'active'",
        )
        .bind(account)
        .bind(session.id)
        .execute(&mut **tx)
        .await?;
    }
    // 2. The contact asks for a person.
    if asks_person {
        if let Some(session) = &active {
            end_in(tx, account, conv.id, session.id, &EndReason::Handoff, now).await?;
        }
        let quoted: String = message.body.trim().chars().take(200).collect();
        apply::handoff(
            tx,
            out,
            conv,
            None,
            None,
            &format!("O contato pediu atendimento: “{quoted}”"),
            MessageId::new(),
            now,
        )
        .await?;
        let reply = config.settings.handoff_reply.trim();
        if !reply.is_empty() {
            apply::send(
                store,
                tx,
                out,
                conv,
                None,
                Send {
                    id: MessageId::new(),
                    typing_ms: 0,
                    source: BotSource::System,
                    reference: None,
                    node: None,
                    content: Content::Text(reply),
                },
                now,
            )
            .await?;
        }
        return Ok(());
    }
    // The account is closed: the away message, once per conversation per
    // closed period, unless a flow is under way (it is the one talking to
    // the contact). The rules below still answer what they answer.
    if active.is_none() {
        away::send_if_closed(store, tx, out, config, conv, now).await?;
    }
    // 3. The reply a waiting menu or question asked for.
    if let Some(session) = active.take() {
        if matches!(session.state.wait, Wait::Reply { .. }) {
            let expiry = i64::from(config.settings.session_expiry_minutes) * 60_000;
            if now - session.updated_at < expiry {
                let input = Input::Reply {
                    text: message.body,
                    is_text: message.is_text,
                };
                return turn::run(store, tx, out, config, conv, person, session, input, now).await;
            }
            end_in(tx, account, conv.id, session.id, &EndReason::Expired, now).await?;
        } else {
            active = Some(session);
        }
    }
    // 4. Keywords.
    if let Some(hit) = keyword::pick(tx, out, conv, keywords, message.body, now).await? {
        return keyword::fire(
            store, tx, out, config, conv, person, flows, hit, message.id, now,
        )
        .await;
    }
    // A flow under way (a delay, a session started by hand) goes on.
    if active.is_some() {
        return Ok(());
    }
    // 5. The first message ever on this number.
    if let Some(flow) = triggers::first_message(tx, account, conv, flows, message.id).await? {
        let by = StartedBy::FirstMessage;
        return turn::start_and_run(store, tx, out, config, conv, person, flow, by, now).await;
    }
    // 6. A reply to a campaign.
    if let Some((campaign, flow)) =
        triggers::campaign_reply(tx, account, conv, flows, message.id).await?
    {
        triggers::campaign_answered(tx, account, conv, campaign, now).await?;
        let by = StartedBy::Campaign { campaign };
        return turn::start_and_run(store, tx, out, config, conv, person, flow, by, now).await;
    }
    // 7. Nothing else matched.
    if let Some(flow) = triggers::no_match(tx, account, conv, flows, now).await? {
        let by = StartedBy::NoMatch;
        return turn::start_and_run(store, tx, out, config, conv, person, flow, by, now).await;
    }
    Ok(())
}

/// Whether the message contains one of the account's hand-off words as
/// whole words, ignoring case and accents.
pub(super) fn asks_for_person(words: &[String], body: &str) -> bool {
    let words: Vec<String> = words
        .iter()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .cloned()
        .collect();
    !words.is_empty()
        && Matcher::new(MatchKind::Contains, &words).is_ok_and(|m| m.find(body).is_some())
}

/// A person added a tag: the contact's most recent conversation starts the
/// flow the tag triggers (a session due now: the desktop that runs that
/// conversation's number steps it).
async fn tag_added(
    store: &Store,
    account: AccountId,
    seq: i64,
    contact: ContactId,
    tag: TagId,
    now: i64,
) -> Result<Handled, AutomationError> {
    let config = Config::load(store, account).await?;
    let mut tx = store.write().await?;
    if !take(&mut tx, account, seq).await? {
        return Ok(Handled::Done(Default::default()));
    }
    let mut out = Outcome::new(account);
    let conversation: Option<ConversationId> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE account_id = ? AND contact_id = ?
         ORDER BY last_message_at DESC, id DESC LIMIT 1",
    )
    .bind(account)
    .bind(contact)
    .fetch_optional(&mut *tx)
    .await?;
    let flow = triggers::tag_added(&config.flows, tag);
    if let (Some(conversation), Some(flow), true) = (conversation, flow, config.settings.enabled)
        && let Some(conv) = conversation_in(&mut tx, account, conversation).await?
        && let Some(person) = person_in(&mut tx, account, contact).await?
        && !conv.persons
        && !person.opted_out
    {
        match turn::published_in(&mut tx, account, flow).await? {
            Ok((version, doc)) => {
                let session = sessions::start_in(
                    &mut tx,
                    account,
                    conv.id,
                    crate::ids::SessionId::new(),
                    (flow, version),
                    &crate::automation::engine::Session::starting(&doc.start),
                    &StartedBy::Tag { tag },
                    now,
                )
                .await?;
                out.wake(session.wake_at);
            }
            Err(why) => {
                log_in(
                    &mut tx,
                    account,
                    conv.id,
                    None,
                    "skipped",
                    &format!("flow {flow}: {why}"),
                    now,
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(Handled::Done(out.done()))
}

#[cfg(test)]
mod tests {
    use super::asks_for_person;

    #[test]
    fn a_handoff_word_is_found_as_whole_words_folded() {
        let words = vec!["atendente".to_owned(), "falar com humano".to_owned()];
        for yes in [
            "atendente",
            "Atendente!",
            "quero falar com um ATENDENTE",
            "ÁTENDENTE por favor",
            "posso falar com humano?",
        ] {
            assert!(asks_for_person(&words, yes), "{yes}");
        }
        for no in ["atendimento", "atendentes", "falar com o humano", "oi"] {
            assert!(!asks_for_person(&words, no), "{no}");
        }
        assert!(!asks_for_person(&[], "atendente"));
        assert!(!asks_for_person(&["?!".to_owned()], "?!"));
    }
}
