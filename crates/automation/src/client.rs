//! The HTTP client both nodes call through, with the address policy built
//! in where it cannot be walked around:
//!
//! - a hostname is resolved by [`GuardedResolver`], and the connection is
//!   made to the addresses it returned, after they passed the policy (no
//!   second lookup a rebinding DNS server could answer differently);
//! - an IP literal, which skips the resolver, is checked before the request
//!   leaves ([`Guard::check_url`]);
//! - every redirect hop is checked the same way (a literal by the redirect
//!   policy, a hostname by the resolver), at most [`MAX_REDIRECTS`] of them;
//! - no proxy, from the system or the environment: a proxy would resolve and
//!   connect where the policy cannot see.
//!
//! One `reqwest::Client` per policy, built once and shared: connections and
//! TLS sessions are reused across calls.

use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Once;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Response, Url};

use crate::address::{AddressPolicy, Refused};

/// Redirect hops followed before a call fails.
pub const MAX_REDIRECTS: usize = 5;

/// The largest response body read (1 MiB); a larger one fails the call
/// rather than fill memory.
pub const BODY_CAP: usize = 1024 * 1024;

/// How a call may leave: the account's policy, and (tests only) one local
/// address standing in for a public server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Guard {
    pub policy: AddressPolicy,
    /// An IP literal's exact address and port that passes as public.
    pub exempt: Option<SocketAddr>,
}

impl Guard {
    /// Only http and https; an IP literal must pass the policy (a hostname is
    /// checked by the resolver when it is looked up).
    pub fn check_url(&self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "not an http(s) address (scheme {:?})",
                url.scheme()
            ));
        }
        let Some(host) = url.host_str() else {
            return Err("the address has no host".to_owned());
        };
        // The URL parser already turned every spelling of an IPv4 address
        // (`2130706433`, `0x7f.1`) into dotted form, and IPv6 into brackets.
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let Ok(ip) = literal.parse::<IpAddr>() else {
            return Ok(());
        };
        let port = url.port_or_known_default().unwrap_or(0);
        if self.exempt == Some(SocketAddr::new(ip, port)) {
            return Ok(());
        }
        self.policy.check(host, ip).map_err(|r| r.to_string())
    }
}

/// Resolves through the system (getaddrinfo, with /etc/hosts) and refuses
/// the whole name when any address it resolves to is not allowed: a name
/// with one public and one private address could otherwise be connected to
/// the private one.
struct GuardedResolver {
    policy: AddressPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for addr in &found {
                policy.check(&host, addr.ip())?;
            }
            if found.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// A client for one guard, or why it could not be built (then every call
/// through it fails with that reason).
#[derive(Clone)]
pub(crate) struct Guarded {
    pub guard: Guard,
    pub client: Result<reqwest::Client, String>,
}

impl Guarded {
    pub fn new(guard: Guard) -> Guarded {
        Guarded {
            guard,
            client: build(guard).map_err(|e| format!("the HTTP client could not start: {e}")),
        }
    }
}

static PROVIDER: Once = Once::new();

fn build(guard: Guard) -> Result<reqwest::Client, reqwest::Error> {
    // reqwest's rustls needs a process-wide crypto provider; ring, as sqlx's
    // TLS uses. `install_default` keeps one installed before (by whoever).
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let redirects = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        match guard.check_url(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(reason) => attempt.error(reason),
        }
    });
    reqwest::Client::builder()
        .user_agent(concat!("ZapDesk/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(GuardedResolver {
            policy: guard.policy,
        })
        .redirect(redirects)
        .no_proxy()
        // The node's time limit bounds the whole call (`with_timeout`); this
        // only keeps an idle pooled connection from lingering.
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
}

/// Runs `call` within `limit`; past it, a "timeout" reason.
pub(crate) async fn with_timeout<T>(
    limit: Duration,
    call: impl Future<Output = Result<T, String>>,
) -> Result<T, String> {
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "timeout: no complete answer within {} ms",
            limit.as_millis()
        )),
    }
}

/// Reads a response's body, at most [`BODY_CAP`] bytes.
pub(crate) async fn read_capped(mut response: Response) -> Result<Vec<u8>, String> {
    let over = || format!("the response is larger than {BODY_CAP} bytes");
    if response
        .content_length()
        .is_some_and(|len| len > BODY_CAP as u64)
    {
        return Err(over());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| reason(&e))? {
        if body.len() + chunk.len() > BODY_CAP {
            return Err(over());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A failed request in words for the log: the address policy's refusal as
/// it is, anything else as the chain of causes, without the URL (it may
/// carry a token in its query).
pub(crate) fn reason(err: &reqwest::Error) -> String {
    let mut source = err.source();
    let mut causes = Vec::new();
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return refused.to_string();
        }
        let text = cause.to_string();
        // Redirect refusals come back as their text (reqwest boxes a String).
        if text.starts_with("address not allowed") {
            return text;
        }
        if causes.last() != Some(&text) {
            causes.push(text);
        }
        source = cause.source();
    }
    let kind = if err.is_connect() {
        "could not connect"
    } else if err.is_redirect() {
        "redirect refused"
    } else if err.is_body() || err.is_decode() {
        "the response broke off"
    } else {
        "the request failed"
    };
    if causes.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", causes.join(": "))
    }
}
