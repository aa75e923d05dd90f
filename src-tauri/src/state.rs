//! What the commands share: the store and the running numbers (or why they
//! could not be opened), and the interface language used for error texts.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use zapdesk_core::data_dir::{self, DataDirLock};
use zapdesk_core::{Lang, Store, settings};
use zapdesk_sync::SyncRunner;
use zapdesk_whatsapp::campaigns::{CampaignRunner, CampaignWaker};
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, Sink};

use crate::IpcError;
use crate::error::{interface_lang, set_interface_lang};

struct Opened {
    store: Store,
    fleet: Arc<Fleet>,
    campaigns: CampaignRunner,
    // Held for the life of the app: no second ZapDesk on the same data.
    _lock: DataDirLock,
}

pub struct AppState {
    opened: Result<Opened, IpcError>,
    data_dir: PathBuf,
    // Set once at setup (it needs the app handle to emit `sync` events).
    sync: OnceLock<Arc<SyncRunner>>,
}

impl AppState {
    pub async fn open(data_dir: PathBuf, sink: Sink) -> AppState {
        let opened = match data_dir::lock(&data_dir) {
            Err(e) => Err(IpcError::new(&e, Lang::default())),
            Ok(lock) => match Store::open(&data_dir).await {
                Err(e) => Err(IpcError::new(&e, Lang::default())),
                Ok(store) => {
                    if let Ok(saved) = settings::language(&store).await {
                        set_interface_lang(saved);
                    }
                    let fleet = Fleet::new(store.clone(), FleetConfig::new(data_dir.clone()), sink);
                    let campaigns = CampaignRunner::spawn(Arc::clone(&fleet));
                    Ok(Opened {
                        store,
                        fleet,
                        campaigns,
                        _lock: lock,
                    })
                }
            },
        };
        AppState {
            opened,
            data_dir,
            sync: OnceLock::new(),
        }
    }

    pub fn store(&self) -> Result<&Store, IpcError> {
        self.opened.as_ref().map(|o| &o.store).map_err(Clone::clone)
    }

    /// A campaign was created, resumed or re-paced: the runner looks again now.
    pub fn campaigns_changed(&self) {
        if let Ok(opened) = &self.opened {
            opened.campaigns.changed();
        }
    }

    /// Wakes the campaign runner (sync follows it with its pulls).
    pub fn campaigns_waker(&self) -> Option<CampaignWaker> {
        self.opened.as_ref().ok().map(|o| o.campaigns.waker())
    }

    pub fn fleet(&self) -> Result<&Arc<Fleet>, IpcError> {
        self.opened.as_ref().map(|o| &o.fleet).map_err(Clone::clone)
    }

    /// The sync runner; fails as the store does when it could not be opened.
    pub fn sync(&self) -> Result<&Arc<SyncRunner>, IpcError> {
        let store = self.store()?;
        // `set_sync` runs in setup before any command can; this fallback (a
        // runner whose views reach no UI) only keeps the accessor total.
        Ok(self
            .sync
            .get_or_init(|| Arc::new(SyncRunner::new(store.clone(), Arc::new(|_| {})))))
    }

    pub fn set_sync(&self, runner: Arc<SyncRunner>) {
        let _ = self.sync.set(runner);
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }

    /// The interface language (error.rs keeps it, for every error).
    pub fn lang(&self) -> Lang {
        interface_lang()
    }

    pub fn set_lang(&self, lang: Lang) {
        set_interface_lang(lang);
    }
}
