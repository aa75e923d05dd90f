//! What the commands share: the running app (or why its data folder could not
//! be opened), and the interface language used for error texts.

use std::path::PathBuf;
use std::sync::Arc;

use zapdesk_api::{ApiConfig, ApiServer};
use zapdesk_app::{App, Host};
use zapdesk_core::{Lang, Store, settings};

use crate::IpcError;
use crate::error::{interface_lang, set_interface_lang};

pub struct AppState {
    opened: Result<Opened, IpcError>,
    data_dir: PathBuf,
}

struct Opened {
    app: App,
    /// The local API, serving the app as soon as it is open.
    api: Arc<ApiServer>,
}

impl AppState {
    /// Opens the data folder; a failure is kept for `app_start` to show.
    pub async fn open(data_dir: PathBuf, host: Host) -> AppState {
        let opened = match App::open(&data_dir, host).await {
            Ok(app) => {
                if let Ok(saved) = settings::language(app.store()).await {
                    set_interface_lang(saved);
                }
                // A port another program holds leaves the API off with the
                // reason, which Settings → API shows; the app runs on.
                let port = settings::api(app.store()).await.unwrap_or_default();
                let api = ApiServer::start(app.clone(), ApiConfig::from(port)).await;
                Ok(Opened { app, api })
            }
            Err(e) => Err(IpcError::new(&e, Lang::default())),
        };
        AppState { opened, data_dir }
    }

    /// The running app; fails with why the data folder could not be opened.
    pub fn app(&self) -> Result<&App, IpcError> {
        self.opened.as_ref().map(|o| &o.app).map_err(Clone::clone)
    }

    /// The local API server.
    pub fn api(&self) -> Result<&Arc<ApiServer>, IpcError> {
        self.opened.as_ref().map(|o| &o.api).map_err(Clone::clone)
    }

    /// The store, for the commands that are one read of the core.
    pub fn store(&self) -> Result<&Store, IpcError> {
        self.app().map(App::store)
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
