//! What the shell around the app (the window, `serve`) receives from it.

use std::sync::Arc;

use zapdesk_core::changes::Change;
use zapdesk_sync::SyncView;
use zapdesk_whatsapp::fleet::FleetEvent;

/// A step of starting or stopping the app, in the order it happens: the shell
/// may log it, tests check the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Sync resumed from the saved connection (or found none): the numbers'
    /// leases can be asked now.
    SyncResumed,
    /// The numbers meant to run are started (or waiting for their lease).
    NumbersStarted,
    CampaignsStopped,
    /// The flow runner stopped: no session is stepped and no outside call
    /// is in flight (one cut short is answered "interrupted" next start).
    FlowsStopped,
    /// Every number stopped, its Chromium closed and its lease released.
    FleetStopped,
    SyncStopped,
}

/// The outputs of the running app. Each is called from the app's tasks and
/// must not block.
#[derive(Clone)]
pub struct Host {
    /// Every status, QR and conversation event of the numbers.
    pub fleet: Arc<dyn Fn(FleetEvent) + Send + Sync>,
    /// Every view of the sync connection.
    pub sync: Arc<dyn Fn(&SyncView) + Send + Sync>,
    /// The tables that changed, after each burst of writes.
    pub changed: Arc<dyn Fn(Change) + Send + Sync>,
    pub stage: Arc<dyn Fn(Stage) + Send + Sync>,
}

impl Host {
    /// A host that receives nothing (tools, tests that look at the store only).
    pub fn silent() -> Host {
        Host {
            fleet: Arc::new(|_| {}),
            sync: Arc::new(|_| {}),
            changed: Arc::new(|_| {}),
            stage: Arc::new(|_| {}),
        }
    }
}
