//! What the commands share: the store (or why it could not be opened) and the
//! interface language used for error texts.

use std::path::PathBuf;
use std::sync::RwLock;

use zapdesk_core::{Lang, Store, UserError, settings};

use crate::IpcError;

pub struct AppState {
    store: Result<Store, IpcError>,
    data_dir: PathBuf,
    lang: RwLock<Lang>,
}

impl AppState {
    pub async fn open(data_dir: PathBuf) -> AppState {
        let store = Store::open(&data_dir).await;
        let lang = match &store {
            Ok(store) => settings::language(store).await.unwrap_or_default(),
            Err(_) => Lang::default(),
        };
        AppState {
            store: store.map_err(|e| IpcError::new(&e, lang)),
            data_dir,
            lang: RwLock::new(lang),
        }
    }

    pub fn store(&self) -> Result<&Store, IpcError> {
        self.store.as_ref().map_err(Clone::clone)
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
