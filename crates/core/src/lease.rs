//! Who may run a WhatsApp number when several desktops share an account.
//!
//! The fleet (crates/whatsapp) asks a [`LeaseGate`] before it starts a number
//! and again every few seconds while it runs it; the sync crate answers from
//! the agency's server (migrations/postgres/0004_leases.sql). Without a shared
//! server every number is this desktop's ([`LocalOnly`]). The trait lives here
//! so that neither of those crates depends on the other.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::{AccountId, InstanceId};

/// The answer to "may this desktop run this number?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseAnswer {
    /// The account is not shared with another desktop: run it freely.
    NotShared,
    /// This desktop holds the lease for `left` more (by the server's clock).
    Held { left: Duration },
    /// Another desktop holds it for `left` more; `holder_name` is who logged in there.
    Elsewhere { holder_name: String, left: Duration },
}

/// The server could not answer (offline, refused): the caller keeps what it
/// last knew until that runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseUnknown(pub String);

/// A number another desktop runs now, for the numbers screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteHolder {
    pub instance: InstanceId,
    /// Who logged in on the desktop that runs it.
    pub holder_name: String,
    /// Whether the holder is this desktop.
    pub mine: bool,
}

pub type LeaseFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Takes, renews and gives up number leases.
pub trait LeaseGate: Send + Sync {
    /// Takes the lease, or renews it when this desktop holds it already.
    fn take(
        &self,
        account: AccountId,
        instance: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>>;

    /// Gives the lease up if this desktop holds it (the number stopped here).
    fn release(&self, account: AccountId, instance: InstanceId) -> LeaseFuture<'_, ()>;

    /// The live leases of an account's numbers (empty when not shared or offline).
    fn holders(&self, account: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>>;
}

/// Every number is this desktop's: no shared server.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalOnly;

impl LeaseGate for LocalOnly {
    fn take(
        &self,
        _: AccountId,
        _: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>> {
        Box::pin(async { Ok(LeaseAnswer::NotShared) })
    }

    fn release(&self, _: AccountId, _: InstanceId) -> LeaseFuture<'_, ()> {
        Box::pin(async {})
    }

    fn holders(&self, _: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>> {
        Box::pin(async { Vec::new() })
    }
}
