//! The AI node's call: one chat completion from an OpenAI-compatible
//! endpoint (`POST {base_url}/chat/completions`) — OpenAI itself
//! (`https://api.openai.com/v1`), or a model served on the agency's own
//! computer by Ollama (`http://localhost:11434/v1`, no key). The endpoint is
//! the account's configuration and goes through the same [`AddressPolicy`]
//! as the HTTP node: an Ollama on localhost or on the office network works
//! only in an account that allows private addresses.
//!
//! The model gets a system prompt (answer briefly, in the contact's
//! language, or exactly [`HANDOFF_MARKER`] when a person should take over),
//! the account's and the node's instructions, and the chat's last messages.
//! An answer with the marker is [`AiAnswer::Handoff`]; anything that is not
//! an answer (an HTTP error, a timeout, an empty or unreadable body) is
//! [`CallOutcome::Failed`], and the engine takes the node's hand-off branch.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::{Deserialize, Serialize};
use zapdesk_core::automation::engine::{AiAnswer, CallOutcome, CallRequest};
use zapdesk_core::automation::settings::AutomationSettings;
use zapdesk_core::inbox::TEXT_MAX;

use crate::address::AddressPolicy;
use crate::caller::Caller;
use crate::client::{Guarded, read_capped, reason, with_timeout};
use crate::secret::AiKey;

/// What the model answers, alone, when a person should take over.
pub const HANDOFF_MARKER: &str = "[[HANDOFF]]";
/// How long an AI call may take ([`AiEndpoint::timeout`] from the settings).
pub const AI_TIMEOUT: Duration = Duration::from_secs(30);
/// How many of the chat's last messages the caller should give as context.
/// [`Caller::call_ai`] keeps at most this many (the newest).
pub const AI_HISTORY: usize = 20;
/// The reply-length cap of a node that sets none (`max_chars: 0`). No cap
/// goes past the inbox's longest message (`inbox::TEXT_MAX`).
pub const AI_MAX_CHARS_DEFAULT: u32 = 1000;

/// Where an account's AI node asks.
#[derive(Debug, Clone)]
pub struct AiEndpoint {
    /// Up to and including the API version: `https://api.openai.com/v1`,
    /// `http://localhost:11434/v1`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when this endpoint is at the
    /// origin the key was kept for ([`AiKey::refusal`]; otherwise the call
    /// fails, nothing sent); `None` for an Ollama without one.
    pub key: Option<AiKey>,
    /// Bounds the whole call.
    pub timeout: Duration,
}

/// An account's AI configuration as the AI node needs it.
#[derive(Debug, Clone)]
pub struct AiAccount {
    /// `None` until the account sets a base URL and a model: every AI node
    /// then fails (and hands off) with a reason that says so.
    pub endpoint: Option<AiEndpoint>,
    /// The account's instructions, before each node's own.
    pub instructions: String,
}

impl AiAccount {
    /// From the account's settings and its key ([`crate::ai_key`]).
    pub fn from_settings(settings: &AutomationSettings, key: Option<AiKey>) -> AiAccount {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let endpoint = match (given(&settings.ai_base_url), given(&settings.ai_model)) {
            (Some(base_url), Some(model)) => Some(AiEndpoint {
                base_url,
                model,
                key,
                timeout: AI_TIMEOUT,
            }),
            _ => None,
        };
        AiAccount {
            endpoint,
            instructions: settings.ai_instructions.clone(),
        }
    }
}

/// Who wrote a message of the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The contact.
    User,
    /// The business: the bot or an operator.
    Assistant,
}

/// One message of the chat, as context for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub role: Role,
    /// The text, or a file's caption; a line with no text is left out.
    pub text: String,
}

impl Caller {
    /// Makes an AI node's call (`request` is [`CallRequest::Ai`]) with the
    /// chat's last messages, oldest first (at most [`AI_HISTORY`] are sent:
    /// the newest). The answer is cut here to the node's `max_chars`
    /// (at a space when there is one in the second half), so the caller sends
    /// [`AiAnswer::Text`] as it is.
    pub async fn call_ai(
        &self,
        request: &CallRequest,
        account: &AiAccount,
        history: &[ChatLine],
        policy: AddressPolicy,
    ) -> CallOutcome {
        let CallRequest::Ai {
            instructions,
            max_chars,
            ..
        } = request
        else {
            return failed("not an AI call".to_owned());
        };
        let Some(endpoint) = &account.endpoint else {
            return failed(
                "no AI endpoint: the account's automation settings have no base URL or model"
                    .to_owned(),
            );
        };
        let max_chars = cap(*max_chars);
        let body = completion_request(
            endpoint,
            &account.instructions,
            instructions,
            history,
            max_chars,
        );
        let call = complete(self.guarded(policy), endpoint, body);
        let answer = match with_timeout(endpoint.timeout, call).await {
            Ok(answer) => answer,
            Err(reason) => return failed(redact(reason, endpoint)),
        };
        let answer = without_thinking(&answer);
        if answer.contains(HANDOFF_MARKER) {
            return CallOutcome::Ai(AiAnswer::Handoff);
        }
        let answer = cut(answer.trim(), max_chars);
        if answer.is_empty() {
            return failed("the AI answered nothing".to_owned());
        }
        CallOutcome::Ai(AiAnswer::Text(answer))
    }
}

fn failed(reason: String) -> CallOutcome {
    CallOutcome::Failed { reason }
}

fn cap(max_chars: u32) -> usize {
    let chars = if max_chars == 0 {
        AI_MAX_CHARS_DEFAULT
    } else {
        max_chars
    };
    usize::try_from(chars).unwrap_or(TEXT_MAX).min(TEXT_MAX)
}

#[derive(Serialize)]
struct CompletionRequest {
    model: String,
    messages: Vec<Message>,
    max_tokens: u32,
    stream: bool,
}

#[derive(Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Answer,
}

#[derive(Deserialize)]
struct Answer {
    content: Option<String>,
}

/// What tells the model how to answer here: brief, the contact's language,
/// the marker for a person.
pub fn system_prompt(account: &str, node: &str, max_chars: usize) -> String {
    let mut prompt = format!(
        "You answer a business's WhatsApp messages. Reply in the language of the \
         contact's last message, briefly: at most {max_chars} characters, plain text \
         without Markdown. If the contact asks for a person, if you cannot help with \
         what they need, or if the instructions below say so, reply with exactly \
         {HANDOFF_MARKER} and nothing else."
    );
    for (title, text) in [
        ("Instructions of the business", account),
        ("Instructions for this step", node),
    ] {
        let text = text.trim();
        if !text.is_empty() {
            prompt.push_str(&format!("\n\n{title}:\n{text}"));
        }
    }
    prompt
}

fn completion_request(
    endpoint: &AiEndpoint,
    account: &str,
    node: &str,
    history: &[ChatLine],
    max_chars: usize,
) -> CompletionRequest {
    let recent = &history[history.len().saturating_sub(AI_HISTORY)..];
    let mut messages = vec![Message {
        role: "system",
        content: system_prompt(account, node, max_chars),
    }];
    messages.extend(
        recent
            .iter()
            .filter(|line| !line.text.trim().is_empty())
            .map(|line| Message {
                role: match line.role {
                    Role::User => "user",
                    Role::Assistant => "assistant",
                },
                content: line.text.clone(),
            }),
    );
    // Tokens are a few characters each: room for the whole answer, which
    // is cut to `max_chars` here anyway.
    let chars = u32::try_from(max_chars).unwrap_or(u32::MAX);
    CompletionRequest {
        model: endpoint.model.clone(),
        messages,
        max_tokens: chars.div_ceil(2).saturating_add(64),
        stream: false,
    }
}

/// The answer's text, or why there is none.
async fn complete(
    guarded: &Guarded,
    endpoint: &AiEndpoint,
    body: CompletionRequest,
) -> Result<String, String> {
    let client = guarded.client.as_ref().map_err(Clone::clone)?;
    let address = format!(
        "{}/chat/completions",
        endpoint.base_url.trim().trim_end_matches('/')
    );
    let url = Url::parse(&address).map_err(|e| format!("the AI base URL is not valid ({e})"))?;
    guarded.guard.check_url(&url)?;
    // Before anything leaves: a key goes only where it was kept for. (A
    // redirect elsewhere loses it too: reqwest drops `Authorization` when a
    // redirect changes the scheme, host or port.)
    if let Some(refused) = endpoint.key.as_ref().and_then(|k| k.refusal(url.as_str())) {
        return Err(refused.to_string());
    }
    let body =
        serde_json::to_vec(&body).map_err(|e| format!("could not write the request ({e})"))?;
    let mut builder = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(key) = &endpoint.key {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| "the AI key has characters a header cannot carry".to_owned())?;
        value.set_sensitive(true);
        builder = builder.header(AUTHORIZATION, value);
    }
    let response = builder.send().await.map_err(|e| reason(&e))?;
    let status = response.status();
    let bytes = read_capped(response).await?;
    if !status.is_success() {
        return Err(format!(
            "the AI endpoint answered {}{}",
            status.as_u16(),
            error_detail(&bytes, endpoint)
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
    }
    let completion: Completion = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the AI endpoint's answer is not a chat completion ({e})"))?;
    completion
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .ok_or_else(|| "the AI endpoint's answer has no message".to_owned())
}

/// The `error.message` of an OpenAI-style error body (Ollama's too), short.
/// The key is redacted before the cut: a key cut in two would no longer be
/// found whole, and its first half would reach the log.
fn error_detail(body: &[u8], endpoint: &AiEndpoint) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("error"))?
        .as_str()?;
    Some(
        redact(message.to_owned(), endpoint)
            .chars()
            .take(200)
            .collect(),
    )
}

/// A text never carries the key, even where a server echoed it.
fn redact(reason: String, endpoint: &AiEndpoint) -> String {
    match &endpoint.key {
        Some(key) if !key.expose().is_empty() => reason.replace(key.expose(), "<redacted>"),
        _ => reason,
    }
}

/// Reasoning models served by Ollama (DeepSeek-R1, Qwen3) put their
/// thinking in the answer between `<think>` tags: it is not for the contact.
fn without_thinking(answer: &str) -> &str {
    match (answer.find("<think>"), answer.find("</think>")) {
        (Some(start), Some(end)) if start < end && answer[..start].trim().is_empty() => {
            &answer[end + "</think>".len()..]
        }
        _ => answer,
    }
}

/// At most `max` characters; when cut, at the last space if there is one
/// in the second half, so a word is not split.
fn cut(text: &str, max: usize) -> String {
    let Some((limit, _)) = text.char_indices().nth(max) else {
        return text.to_owned();
    };
    let head = &text[..limit];
    let floor = head.len() / 2;
    match head.rfind(char::is_whitespace) {
        Some(space) if space >= floor => head[..space].trim_end().to_owned(),
        _ => head.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_answer_is_cut_at_a_space_near_the_end() {
        assert_eq!(cut("curto", 10), "curto");
        assert_eq!(cut("olá mundo lindo", 13), "olá mundo");
        assert_eq!(cut("abcdefghij", 4), "abcd");
        // Characters, not bytes.
        assert_eq!(cut("ããããã", 3), "ããã");
        assert_eq!(cut("a bcdefghijklmnop", 10), "a bcdefghi");
    }

    #[test]
    fn thinking_is_not_the_answer() {
        assert_eq!(without_thinking("<think>hm</think>\nOi!"), "\nOi!");
        assert_eq!(
            without_thinking("Oi <think>x</think>"),
            "Oi <think>x</think>"
        );
        assert_eq!(without_thinking("Oi"), "Oi");
    }

    #[test]
    fn the_cap_has_a_default_and_a_ceiling() {
        assert_eq!(cap(0), 1000);
        assert_eq!(cap(280), 280);
        assert_eq!(cap(u32::MAX), TEXT_MAX);
    }

    #[test]
    fn an_account_without_url_or_model_has_no_endpoint() {
        let mut settings = AutomationSettings::default();
        assert!(AiAccount::from_settings(&settings, None).endpoint.is_none());
        settings.ai_base_url = Some(" http://localhost:11434/v1 ".into());
        settings.ai_model = Some("  ".into());
        assert!(AiAccount::from_settings(&settings, None).endpoint.is_none());
        settings.ai_model = Some("llama3.2".into());
        let account = AiAccount::from_settings(&settings, None);
        let endpoint = account.endpoint.unwrap();
        assert_eq!(endpoint.base_url, "http://localhost:11434/v1");
        assert_eq!(endpoint.timeout, AI_TIMEOUT);
    }
}
