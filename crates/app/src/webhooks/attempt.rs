//! One attempt of one delivery: the body in the webhook's format, signed,
//! POSTed within the time limit; the answer as the log shows it.

use std::error::Error as _;
use std::time::{Duration, Instant};

use zapdesk_core::webhooks::envelope;
use zapdesk_core::webhooks::queue::{Attempt, Due, ERROR_MAX, Outcome};

use super::sign::signature;

/// Of a failed answer's body, what the log keeps (it helps find out why a
/// receiver refused).
const SNIPPET: usize = 200;
/// Read from an answer's body at most (the rest is dropped, and so is the
/// connection).
const READ_CAP: usize = 64 * 1024;
/// How long the answer's body may take, after its status came: it is read
/// only for the log (and to keep the connection), never to decide.
const READ_LIMIT: Duration = Duration::from_secs(1);

pub const USER_AGENT: &str = concat!("ZapDesk-Webhooks/", env!("CARGO_PKG_VERSION"));

/// The HTTP client of every delivery: no redirect followed (a 3xx is a
/// failure: the address to call is the one the person wrote), no proxy,
/// pooled connections kept a little for the next event.
pub(crate) fn client() -> Result<reqwest::Client, String> {
    // reqwest's rustls needs a process-wide crypto provider; ring, as
    // zapdesk-automation installs (whoever is first; the other is kept).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("the HTTP client could not start: {e}"))
}

/// Sends `due` with `secret` (`Err`: this computer has none for the
/// webhook, or the credential store did not answer in time: a failure,
/// retried). `started`: when the attempt began (the secret was read since);
/// `timeout`: what is left of its time limit for the request.
pub(crate) async fn attempt(
    client: &reqwest::Client,
    due: &Due,
    secret: Result<String, String>,
    started: Instant,
    timeout: Duration,
    server_url: Option<&str>,
) -> Attempt {
    let outcome = match envelope::body(due, server_url) {
        Err(reason) => Outcome::Refused { error: reason },
        Ok(body) => match secret {
            Err(reason) => Outcome::Failed {
                status: None,
                error: reason,
            },
            Ok(secret) => post(client, due, &secret, body, timeout).await,
        },
    };
    Attempt {
        delivery: due.delivery,
        account: due.account,
        webhook: due.webhook,
        manual: due.manual,
        outcome,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    }
}

async fn post(
    client: &reqwest::Client,
    due: &Due,
    secret: &str,
    body: Vec<u8>,
    timeout: Duration,
) -> Outcome {
    let timestamp = zapdesk_core::time::now_ms() / 1000;
    let request = client
        .post(&due.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-ZapDesk-Event", &due.event_type)
        .header("X-ZapDesk-Event-Id", due.event.to_string())
        .header("X-ZapDesk-Delivery", due.delivery.to_string())
        .header("X-ZapDesk-Timestamp", timestamp.to_string())
        .header("X-ZapDesk-Signature", signature(secret, timestamp, &body))
        .body(body);
    // The time limit is the answer's status; the body comes after, with a
    // short limit of its own, and never turns a 2xx into a failure.
    let mut response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => {
            return Outcome::Failed {
                status: None,
                error: format!("timeout: no answer within {} ms", timeout.as_millis()),
            };
        }
        Ok(Err(e)) => {
            return Outcome::Failed {
                status: None,
                error: reason(&e),
            };
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    // A little of the answer is read before the connection goes back to the
    // pool; a receiver still writing past the limits is cut.
    let mut read = Vec::new();
    let _ = tokio::time::timeout(READ_LIMIT, async {
        while read.len() < READ_CAP {
            match response.chunk().await {
                Ok(Some(chunk)) => read.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!("webhook answer body: {}", reason(&e));
                    break;
                }
            }
        }
    })
    .await;
    if status.is_success() {
        Outcome::Delivered {
            status: status.as_u16(),
        }
    } else {
        Outcome::Failed {
            status: Some(status.as_u16()),
            error: answer(status, &read),
        }
    }
}

/// `HTTP 500: <the start of the answer>`, on one line.
fn answer(status: reqwest::StatusCode, body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(body)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(SNIPPET)
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let head = format!("HTTP {}", status.as_u16());
    if text.is_empty() {
        head
    } else {
        format!("{head}: {text}")
    }
}

/// A failed request in words, without its URL (it may carry a token in its
/// query or credentials before the host).
fn reason(err: &reqwest::Error) -> String {
    let kind = if err.is_connect() {
        "could not connect"
    } else if err.is_timeout() {
        "timeout"
    } else if err.is_request() {
        "request failed"
    } else {
        "failed"
    };
    let mut causes: Vec<String> = Vec::new();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !causes.contains(&text) {
            causes.push(text);
        }
        source = cause.source();
    }
    let text = if causes.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", causes.join(": "))
    };
    text.chars().take(ERROR_MAX).collect()
}
