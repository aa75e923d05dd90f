//! The HTTP node's call: the engine's [`CallRequest::Http`] (variables
//! already filled) sent as is, under the account's [`AddressPolicy`], within
//! the node's time limit, its answer read up to [`BODY_CAP`](crate::BODY_CAP) bytes.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::flow::Method;

use crate::address::AddressPolicy;
use crate::caller::Caller;
use crate::client::{Guarded, read_capped, reason, with_timeout};

/// Names one call, so that a receiver that honours it does a call made
/// again (by another desktop, after a takeover) once (the IETF's
/// `Idempotency-Key` draft, as Stripe and others read it).
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The time limit of a node that sets none (`timeout_ms: 0`).
pub const HTTP_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);
/// The longest a node may wait: its contact's later messages wait behind it.
pub const HTTP_TIMEOUT_MAX: Duration = Duration::from_secs(60);

impl Caller {
    /// Makes an HTTP node's call. Every answer the server gives, 5xx too, is
    /// [`CallOutcome::Http`] (the engine takes the error branch outside
    /// 200–299), with `json` when the body parses as JSON. No answer is
    /// [`CallOutcome::Failed`] with the reason for the log: a refused
    /// address ("address not allowed: …"), a timeout ("timeout: …"), a body
    /// over [`BODY_CAP`](crate::BODY_CAP), a URL or header that is not valid, the network.
    ///
    /// The node's `timeout_ms` bounds all of it — resolving, connecting,
    /// redirects, the body; 0 means [`HTTP_TIMEOUT_DEFAULT`], and no node
    /// waits longer than [`HTTP_TIMEOUT_MAX`]. A body without a
    /// `Content-Type` header goes as `application/json`. The request carries
    /// `User-Agent: ZapDesk/<version>` unless the node sets its own, and
    /// `Idempotency-Key: <key>` when a key is given
    /// (`zapdesk_core::automation::call_key`: the same for the same call on
    /// every desktop) unless the node sets its own.
    pub async fn call_http(
        &self,
        request: &CallRequest,
        policy: AddressPolicy,
        idempotency_key: Option<&str>,
    ) -> CallOutcome {
        let CallRequest::Http {
            method,
            url,
            headers,
            body,
            timeout_ms,
            ..
        } = request
        else {
            return failed("not an HTTP call".to_owned());
        };
        let limit = match *timeout_ms {
            0 => HTTP_TIMEOUT_DEFAULT,
            ms => Duration::from_millis(u64::from(ms)).min(HTTP_TIMEOUT_MAX),
        };
        let call = send(
            self.guarded(policy),
            *method,
            url,
            headers,
            body.as_deref(),
            idempotency_key,
        );
        match with_timeout(limit, call).await {
            Ok((status, body)) => CallOutcome::Http {
                status,
                json: serde_json::from_slice(&body).ok(),
            },
            Err(reason) => failed(reason),
        }
    }
}

fn failed(reason: String) -> CallOutcome {
    CallOutcome::Failed { reason }
}

async fn send(
    guarded: &Guarded,
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<(u16, Vec<u8>), String> {
    let client = guarded.client.as_ref().map_err(Clone::clone)?;
    // The URL itself stays out of reasons: it may carry a token.
    let url = Url::parse(url.trim()).map_err(|e| format!("not a valid address ({e})"))?;
    guarded.guard.check_url(&url)?;
    let method = match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut builder = client.request(method, url);
    let mut typed = false;
    let mut keyed = false;
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("header name {name:?} is not valid"))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| format!("the value of header {name} is not valid"))?;
        typed |= name == CONTENT_TYPE;
        keyed |= name == IDEMPOTENCY_KEY;
        builder = builder.header(name, value);
    }
    if let Some(key) = idempotency_key.filter(|_| !keyed) {
        let value = HeaderValue::from_str(key)
            .map_err(|_| "the call's idempotency key is not a header value".to_owned())?;
        builder = builder.header(IDEMPOTENCY_KEY, value);
    }
    if let Some(body) = body {
        if !typed {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        builder = builder.body(body.to_owned());
    }
    let response = builder.send().await.map_err(|e| reason(&e))?;
    let status = response.status().as_u16();
    let body = read_capped(response).await?;
    Ok((status, body))
}
