//! Catching up with WhatsApp on every connect. WhatsApp Web reports only
//! messages that arrive while the page runs as new (`chat.new_message`); what
//! reached the number while ZapDesk was down — killed while its Chromium kept
//! the session online, or before the page loaded — is history by the time
//! the page is ready, and so is a message this desktop could not keep in
//! memory while the store refused writes (`inbound_retry.rs`). So, for each
//! chat WhatsApp Web lists with activity since the last message a contact
//! sent that is stored here, the fleet asks the bridge for the chat's
//! messages from that time on and ingests them; ingest dedupes by WhatsApp's
//! id, so a message seen live as well is stored once (docs/inbound.md).
//!
//! A chat never stored here counts from the number's latest stored message
//! (from when the number was added to ZapDesk while nothing is stored): a
//! number's older history, from before it was paired here, is not imported.

use std::collections::HashMap;

use serde::Deserialize;
use zapdesk_core::inbox::catch_up::last_inbound;
use zapdesk_core::inbox::ingest::ingest;
use zapdesk_core::instances;
use zapdesk_core::{AccountId, ConversationId, InstanceId, Store};

use crate::actor::{CommandError, InstanceHandle};
use crate::fleet::{FleetError, to_inbound};
use crate::protocol::{WaMessage, phone_of_chat};

/// Messages asked of the bridge per call: their media travel in the answer.
const PAGE: usize = 20;

/// What a catch-up stored, per conversation.
#[derive(Debug, Default)]
pub struct CaughtUp {
    /// Conversations that got messages, and whether any is a contact's
    /// message new here (the inbox announces each conversation once, not
    /// each message of a backlog).
    pub conversations: HashMap<ConversationId, bool>,
    /// A stored message was an opt-out: its confirmation waits in the outbox.
    pub opted_out: bool,
}

#[derive(Deserialize)]
struct Chat {
    id: String,
    /// For a LID chat, the `<phone>@c.us` behind it (bridge.js).
    #[serde(default)]
    phone_chat: Option<String>,
    #[serde(default)]
    t: i64,
}

#[derive(Deserialize)]
struct Page {
    messages: Vec<WaMessage>,
    /// The id of the last message looked at (media-less system notices
    /// included), where the next page starts.
    last: Option<String>,
    more: bool,
}

/// Fetches and stores what each chat of the number received after its last
/// stored message, noting in `caught` what it stored — also when it fails
/// part way: what was stored stays stored (and must still be announced), and
/// running it again stores the rest, nothing twice.
pub async fn run(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    handle: &InstanceHandle,
    caught: &mut CaughtUp,
) -> Result<(), FleetError> {
    let last: HashMap<String, i64> = last_inbound(store, account, instance)
        .await?
        .into_iter()
        .map(|l| (l.phone, l.sent_at))
        .collect();
    let floor = match last.values().copied().max() {
        Some(newest) => newest,
        None => instances::get(store, account, instance).await?.created_at,
    };
    let chats: Vec<Chat> = decode(
        handle
            .read(serde_json::json!({ "cmd": "list_chats" }))
            .await?,
    )?;
    for chat in chats {
        let Some(phone) = phone_of_chat(chat.phone_chat.as_deref().unwrap_or(&chat.id)) else {
            continue;
        };
        // WhatsApp's times are seconds; the same second again is harmless.
        let since = last.get(&phone).copied().unwrap_or(floor) / 1000;
        if chat.t < since {
            continue;
        }
        match catch_up_chat(store, account, instance, handle, &chat.id, since, caught).await {
            // This chat's history cannot be read (WhatsApp Web refused):
            // the others still are; it is tried again on the next connect.
            Err(FleetError::Command(CommandError::Refused(reason))) => {
                // The chat's id is the contact's phone: not in the logs.
                tracing::warn!("catch-up of a chat of number {instance} refused: {reason}");
            }
            other => other?,
        }
    }
    Ok(())
}

async fn catch_up_chat(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    handle: &InstanceHandle,
    chat: &str,
    since: i64,
    caught: &mut CaughtUp,
) -> Result<(), FleetError> {
    let mut after: Option<String> = None;
    loop {
        let page: Page = decode(
            handle
                .read(serde_json::json!({
                    "cmd": "messages_since",
                    "chat": chat,
                    "since": since,
                    "after": after,
                    "limit": PAGE,
                }))
                .await?,
        )?;
        for message in &page.messages {
            let Some(inbound) = to_inbound(message) else {
                continue;
            };
            if let Some(got) = ingest(store, account, instance, &inbound).await? {
                let new = caught.conversations.entry(got.conversation).or_default();
                *new |= !got.own && !inbound.from_me;
                caught.opted_out |= got.opted_out;
            }
        }
        if !page.more || page.last.is_none() {
            return Ok(());
        }
        after = page.last;
    }
}

fn decode<T: for<'de> Deserialize<'de>>(value: serde_json::Value) -> Result<T, FleetError> {
    serde_json::from_value(value)
        .map_err(|e| CommandError::Refused(format!("unexpected answer: {e}")).into())
}
