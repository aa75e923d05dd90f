//! [`Caller`]: what the runner holds to make flows' outside calls — the
//! shared clients, one per address policy.

use crate::address::AddressPolicy;
use crate::client::{Guard, Guarded};

/// Makes the HTTP and AI nodes' calls ([`Caller::call_http`],
/// [`Caller::call_ai`]). Build one and share it (it is cheap to clone):
/// connections are pooled per policy across calls and accounts.
#[derive(Clone)]
pub struct Caller {
    strict: Guarded,
    open: Guarded,
}

impl Caller {
    /// Never fails: a client that cannot be built (no usable TLS roots)
    /// makes each call fail with that reason, for the log, instead of
    /// keeping the runner from starting.
    ///
    /// Make it early, when the app opens: it installs ring as rustls's
    /// process-wide crypto provider (unless one is installed already). With
    /// this crate linked, reqwest is built with rustls and no bundled
    /// provider, so any other `reqwest::Client` of the process (chromiumoxide
    /// makes one in `Browser::connect` to an http:// address, which ZapDesk
    /// does not use) would panic if built before.
    pub fn new() -> Caller {
        Caller::with_exempt(None)
    }

    /// A caller for which `addr` — an IP literal's exact address and port —
    /// passes as public: a local test server standing in for an outside one,
    /// so that its redirect to a private address can be seen refused.
    #[cfg(feature = "test-support")]
    pub fn exempting(addr: std::net::SocketAddr) -> Caller {
        Caller::with_exempt(Some(addr))
    }

    fn with_exempt(exempt: Option<std::net::SocketAddr>) -> Caller {
        let guarded = |allow_private| {
            Guarded::new(Guard {
                policy: AddressPolicy { allow_private },
                exempt,
            })
        };
        Caller {
            strict: guarded(false),
            open: guarded(true),
        }
    }

    pub(crate) fn guarded(&self, policy: AddressPolicy) -> &Guarded {
        if policy.allow_private {
            &self.open
        } else {
            &self.strict
        }
    }
}

impl Default for Caller {
    fn default() -> Caller {
        Caller::new()
    }
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caller")
    }
}
