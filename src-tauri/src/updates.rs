//! Updates in the window (issue 19, item 4): tauri-plugin-updater, registered
//! only when the app was built with the release config (`plugins.updater`
//! in `tauri.release.conf.json`, merged with `tauri build --config`), checked
//! once at start and from Settings → Sobre. What is allowed when, and the
//! words, are `zapdesk_app::update`'s; this file only calls the plugin and
//! tells the state machine what happened.
//!
//! Generic over the runtime so `tests/updater.rs` runs these very functions
//! on tauri's mock runtime against a local update server.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use zapdesk_app::update::{Found, Installed, UpdateFailure, UpdateState, Updates, availability};
use zapdesk_core::Lang;

/// The event that carries [`UpdateState`] to Settings → Sobre.
pub const UPDATE_EVENT: &str = "update";

/// The app config's updater section: present only in a release build made
/// with the release config. Without it the plugin is not registered (its
/// config has no default public key, so it would refuse to start).
pub fn updater_config(config: &tauri::Config) -> Option<serde_json::Value> {
    config.plugins.0.get("updater").cloned()
}

/// How this copy was installed (the updater replaces an AppImage, or
/// installs a `.deb`/`.rpm` with the system's package tool).
pub fn installed<R: Runtime>(app: &AppHandle<R>) -> Installed {
    #[cfg(target_os = "linux")]
    {
        use tauri::utils::config::BundleType;
        if app.env().appimage.is_some() {
            return Installed::AppImage;
        }
        match tauri::utils::platform::bundle_type() {
            Some(BundleType::Deb | BundleType::Rpm) => Installed::Package,
            Some(BundleType::AppImage) => Installed::AppImage,
            _ => Installed::Loose,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = app;
        Installed::Installer
    }
}

/// The window's update state: the state machine, and the update the last
/// check found (downloaded on "Instalar").
pub struct UpdateSlot {
    pub updates: Updates,
    found: tokio::sync::Mutex<Option<Update>>,
    /// Replaces the AppImage at this path instead of `$APPIMAGE`: only
    /// `tests/updater.rs` sets it, to install into a temporary file.
    appimage: Option<PathBuf>,
}

impl UpdateSlot {
    /// The window's: on when the config and the build allow it; every
    /// change emitted as [`UPDATE_EVENT`].
    pub fn for_window<R: Runtime>(app: &AppHandle<R>) -> UpdateSlot {
        let on = availability(
            updater_config(app.config()).as_ref(),
            cfg!(debug_assertions),
            installed(app),
        );
        let emitter = app.clone();
        let updates = Updates::new(
            on,
            Arc::new(move |state: &UpdateState| {
                if let Err(e) = emitter.emit(UPDATE_EVENT, state) {
                    tracing::warn!("update state not delivered to the UI: {e}");
                }
            }),
        );
        UpdateSlot::new(updates, None)
    }

    pub fn new(updates: Updates, appimage: Option<PathBuf>) -> UpdateSlot {
        UpdateSlot {
            updates,
            found: tokio::sync::Mutex::new(None),
            appimage,
        }
    }
}

/// Asks the endpoint whether a newer version exists.
pub async fn check<R: Runtime>(app: &AppHandle<R>, slot: &UpdateSlot, lang: Lang) -> UpdateState {
    if let Err(state) = slot.updates.begin_check() {
        return state;
    }
    let mut builder = app.updater_builder();
    if let Some(path) = &slot.appimage {
        builder = builder.executable_path(path);
    }
    let answer = match builder.build() {
        Ok(updater) => updater.check().await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(Some(update)) => {
            let found = Found {
                version: update.version.clone(),
                notes: update.body.clone(),
                date: update
                    .raw_json
                    .get("pub_date")
                    .and_then(|d| d.as_str())
                    .map(str::to_owned),
            };
            tracing::info!("update {} available", update.version);
            *slot.found.lock().await = Some(update);
            slot.updates
                .checked(Some(found), &app.package_info().version.to_string())
        }
        Ok(None) => {
            *slot.found.lock().await = None;
            slot.updates
                .checked(None, &app.package_info().version.to_string())
        }
        Err(e) => {
            tracing::warn!("update check failed: {e}");
            slot.updates.failed(&failure(&e), lang)
        }
    }
}

/// Downloads the update the last check found, verifies its signature with
/// the configured public key, and installs it (it runs after a restart; on
/// Windows the installer takes over and the app exits).
pub async fn install<R: Runtime>(app: &AppHandle<R>, slot: &UpdateSlot, lang: Lang) -> UpdateState {
    let version = match slot.updates.begin_download() {
        Ok(version) => version,
        Err(state) => return state,
    };
    let Some(update) = slot.found.lock().await.clone() else {
        return slot.updates.failed(&UpdateFailure::BadAnswer, lang);
    };
    // Downloaded (and its signature checked by `install`) first, then
    // installed: on Windows `install` starts the installer and ends this
    // process on the spot, past `RunEvent::Exit`, so what the app's exit
    // does — every Chromium closed (the new version reopens their
    // profiles), leases given back, campaigns and cloud commands stopped
    // between steps — is done here first. (Should the installer then not
    // start, the numbers stay stopped until the app is opened again.)
    let done = match update
        .download(|chunk, total| slot.updates.progress(chunk, total), || {})
        .await
    {
        Ok(bytes) => {
            if cfg!(windows) {
                stop_before_the_installer(app).await;
            }
            update.install(bytes)
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => {
            tracing::info!("update {version} installed; it runs after a restart");
            slot.updates.installed(&version)
        }
        Err(e) => {
            tracing::warn!("update {version} not installed: {e}");
            slot.updates.failed(&failure(&e), lang)
        }
    }
}

/// What `RunEvent::Exit` does (lib.rs), for an exit that skips it.
async fn stop_before_the_installer<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<crate::state::AppState>() else {
        return;
    };
    if let (Ok(running), Ok(api)) = (state.app(), state.api()) {
        api.stop().await;
        running.shutdown().await;
    }
}

/// The plugin's error in the words the person reads.
fn failure(e: &tauri_plugin_updater::Error) -> UpdateFailure {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => UpdateFailure::BadSignature,
        E::Reqwest(_) | E::Network(_) | E::Http(_) => UpdateFailure::Network,
        E::ReleaseNotFound | E::Serialization(_) | E::Semver(_) | E::UrlParse(_) => {
            UpdateFailure::BadAnswer
        }
        E::TargetNotFound(_) | E::TargetsNotFound(_) | E::UnsupportedArch | E::UnsupportedOs => {
            UpdateFailure::NoBuildForThisSystem
        }
        _ => UpdateFailure::Install,
    }
}
