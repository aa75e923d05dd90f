//! One outside call of a session, as the runner and `zapdesk-cli flows
//! simulate` both make it: under the account's address policy, an HTTP call
//! named by its `Idempotency-Key` (`call_key`), an AI call with the
//! account's key (read off the async threads: the OS keyring may block on a
//! D-Bus round trip) and the conversation's last messages.

use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::settings::AutomationSettings;
use zapdesk_core::automation::{call_key, chat_lines};
use zapdesk_core::ids::SessionId;
use zapdesk_core::{AccountId, Store};

use crate::{AI_HISTORY, AddressPolicy, AiAccount, Caller, ChatLine, Role, ai_key};

/// Where a call's context comes from: the session whose conversation gives
/// the AI its history (in `store`, under `account`), and the account whose
/// key is in the keyring (the same, except in a simulation's copy).
pub struct CallContext<'a> {
    pub store: &'a Store,
    pub account: AccountId,
    pub session: SessionId,
    pub key_of: AccountId,
    pub settings: &'a AutomationSettings,
}

/// Makes `request`; every failure is a `CallOutcome::Failed` for the
/// node's error branch.
pub async fn make_call(caller: &Caller, at: CallContext<'_>, request: &CallRequest) -> CallOutcome {
    let failed = |reason: String| CallOutcome::Failed { reason };
    let policy = AddressPolicy::of(at.settings);
    match request {
        CallRequest::Http { .. } => {
            // The same on every desktop: a receiver that honours it does a
            // call made again after a takeover once.
            let key = match call_key::of_session(at.store, at.account, at.session).await {
                Ok(key) => key,
                Err(e) => return failed(format!("call key: {e}")),
            };
            caller.call_http(request, policy, key.as_deref()).await
        }
        CallRequest::Ai { .. } => {
            let key_of = at.key_of;
            let key = match tokio::task::spawn_blocking(move || ai_key(key_of)).await {
                Ok(Ok(key)) => key,
                Ok(Err(e)) => return failed(format!("AI key: {e}")),
                Err(e) => return failed(format!("AI key: {e}")),
            };
            let history =
                match chat_lines::of_session(at.store, at.account, at.session, AI_HISTORY).await {
                    Ok(lines) => lines
                        .into_iter()
                        .map(|l| ChatLine {
                            role: if l.from_contact {
                                Role::User
                            } else {
                                Role::Assistant
                            },
                            text: l.text,
                        })
                        .collect::<Vec<_>>(),
                    Err(e) => return failed(format!("history: {e}")),
                };
            let ai = AiAccount::from_settings(at.settings, key);
            caller.call_ai(request, &ai, &history, policy).await
        }
    }
}
