//! What the commands share: the store and the running numbers (or why they
//! could not be opened), and the interface language used for error texts.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use zapdesk_core::data_dir::{self, DataDirLock};
use zapdesk_core::{Lang, Store, UserError, settings};
use zapdesk_whatsapp::campaigns::CampaignRunner;
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, Sink};

use crate::IpcError;

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
    lang: RwLock<Lang>,
}

impl AppState {
    pub async fn open(data_dir: PathBuf, sink: Sink) -> AppState {
        let lang = RwLock::new(Lang::default());
        let opened = match data_dir::lock(&data_dir) {
            Err(e) => Err(IpcError::new(&e, Lang::default())),
            Ok(lock) => match Store::open(&data_dir).await {
                Err(e) => Err(IpcError::new(&e, Lang::default())),
                Ok(store) => {
                    if let Ok(saved) = settings::language(&store).await
                        && let Ok(mut current) = lang.write()
                    {
                        *current = saved;
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
            lang,
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

    pub fn fleet(&self) -> Result<&Arc<Fleet>, IpcError> {
        self.opened.as_ref().map(|o| &o.fleet).map_err(Clone::clone)
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }

    pub fn lang(&self) -> Lang {
        self.lang.read().map(|l| *l).unwrap_or_default()
    }

    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut current) = self.lang.write() {
            *current = lang;
        }
    }

    /// Maps a core error to what the UI receives, in the current language.
    pub fn fail(&self, error: impl UserError) -> IpcError {
        IpcError::new(&error, self.lang())
    }
}
