//! Updates (issue 19, item 4) without Tauri: whether this build looks for
//! updates at all, and what Settings → Sobre shows while it does. The shell
//! (`src-tauri/src/updates.rs`) drives tauri-plugin-updater and reports each
//! step here; this module decides which steps are allowed and words them.
//!
//! Updates are on only in a release build made with the release config
//! (`tauri.release.conf.json`: the public key and the endpoint,
//! docs/release.md "Updates"). A development build never updates itself,
//! even from a release config: it would replace a binary someone is working
//! on with a published one.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use zapdesk_core::Lang;

/// Why this copy of ZapDesk does not look for updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum UpdatesOff {
    /// A debug build (`cargo run`, `scripts/run-app.sh`).
    DevelopmentBuild,
    /// Built without the release config: no public key or no endpoint.
    NotConfigured,
    /// A Linux binary that is neither an AppImage nor installed from a
    /// `.deb`/`.rpm`: the updater would overwrite the running file itself.
    NotInstalled,
}

/// How this copy was installed, as the shell reads it (Linux only: the
/// updater replaces an AppImage, or installs a package with the system's
/// package tool; Windows and macOS installers always know how).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// Running from `$APPIMAGE`.
    AppImage,
    /// Installed from a `.deb` or `.rpm` (Tauri's bundle type says so).
    Package,
    /// Windows or macOS, from their installers.
    Installer,
    /// A Linux binary run from where it was built or copied.
    Loose,
}

/// Whether updates are on: `updater_config` is the app config's
/// `plugins.updater` (absent without the release config).
pub fn availability(
    updater_config: Option<&serde_json::Value>,
    debug_build: bool,
    installed: Installed,
) -> Result<(), UpdatesOff> {
    if debug_build {
        return Err(UpdatesOff::DevelopmentBuild);
    }
    let configured = updater_config.is_some_and(|c| {
        let pubkey = c.get("pubkey").and_then(|k| k.as_str()).unwrap_or("");
        let endpoints = c.get("endpoints").and_then(|e| e.as_array());
        !pubkey.trim().is_empty() && endpoints.is_some_and(|e| !e.is_empty())
    });
    if !configured {
        return Err(UpdatesOff::NotConfigured);
    }
    if installed == Installed::Loose {
        return Err(UpdatesOff::NotInstalled);
    }
    Ok(())
}

/// What Settings → Sobre shows, pushed to the window as the `update` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateState {
    /// This copy does not look for updates.
    Off {
        reason: UpdatesOff,
    },
    /// Not asked yet.
    Idle,
    Checking,
    /// `version` is the running one, the newest the server offers.
    UpToDate {
        version: String,
    },
    Available {
        version: String,
        notes: Option<String>,
        /// RFC 3339, as the server published it.
        date: Option<String>,
    },
    Downloading {
        version: String,
        downloaded: u64,
        total: Option<u64>,
        /// `None` while the server did not say how big the file is.
        percent: Option<u8>,
    },
    /// Installed; it runs after a restart.
    Ready {
        version: String,
    },
    /// In the person's language; the details are in the log.
    Failed {
        message: String,
    },
}

/// What the server announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub version: String,
    pub notes: Option<String>,
    pub date: Option<String>,
}

/// Why a check or an install failed, as the shell classifies the plugin's
/// errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateFailure {
    /// The server could not be reached or answered with an error.
    Network,
    /// The server's answer is not an update description.
    BadAnswer,
    /// The server offers no build for this system.
    NoBuildForThisSystem,
    /// The file's signature is not ours (or it was changed on the way).
    BadSignature,
    /// The file could not be installed (permissions, disk, a refused
    /// administrator password).
    Install,
}

impl UpdateFailure {
    pub fn message(&self, lang: Lang) -> String {
        let (pt, en) = match self {
            UpdateFailure::Network => (
                "Não foi possível falar com o servidor de atualizações. Verifique a conexão e tente de novo.",
                "The update server could not be reached. Check the connection and try again.",
            ),
            UpdateFailure::BadAnswer => (
                "O servidor de atualizações respondeu algo que não é uma atualização. Tente mais tarde.",
                "The update server's answer is not an update. Try again later.",
            ),
            UpdateFailure::NoBuildForThisSystem => (
                "Há uma versão nova, mas ainda não para este sistema. Tente mais tarde.",
                "There is a new version, but not for this system yet. Try again later.",
            ),
            UpdateFailure::BadSignature => (
                "A atualização foi recusada: a assinatura do arquivo não é a do ZapDesk. Nada foi instalado.",
                "The update was refused: the file's signature is not ZapDesk's. Nothing was installed.",
            ),
            UpdateFailure::Install => (
                "A atualização foi baixada, mas não pôde ser instalada. Nada mudou; tente de novo ou instale a versão nova pelo instalador.",
                "The update was downloaded but could not be installed. Nothing changed; try again or install the new version with its installer.",
            ),
        };
        lang.pick(pt, en).to_owned()
    }
}

type Listener = Arc<dyn Fn(&UpdateState) + Send + Sync>;

/// The update's state machine: one check or download at a time, each change
/// told to the listener (the shell emits it to the window).
pub struct Updates {
    state: Mutex<UpdateState>,
    listener: Listener,
}

impl Updates {
    pub fn new(availability: Result<(), UpdatesOff>, listener: Listener) -> Updates {
        let state = match availability {
            Ok(()) => UpdateState::Idle,
            Err(reason) => UpdateState::Off { reason },
        };
        Updates {
            state: Mutex::new(state),
            listener,
        }
    }

    pub fn state(&self) -> UpdateState {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, UpdateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, next: UpdateState) {
        *self.lock() = next.clone();
        (self.listener)(&next);
    }

    /// Starts a check; refused (with the state as it is) while updates are
    /// off, another check or a download runs, or an update waits for the
    /// restart.
    pub fn begin_check(&self) -> Result<(), UpdateState> {
        {
            let mut state = self.lock();
            match &*state {
                UpdateState::Off { .. }
                | UpdateState::Checking
                | UpdateState::Downloading { .. }
                | UpdateState::Ready { .. } => return Err(state.clone()),
                _ => *state = UpdateState::Checking,
            }
        }
        (self.listener)(&UpdateState::Checking);
        Ok(())
    }

    /// The check's answer: `None` when the running `current` is the newest.
    pub fn checked(&self, found: Option<Found>, current: &str) -> UpdateState {
        let next = match found {
            Some(f) => UpdateState::Available {
                version: f.version,
                notes: f.notes,
                date: f.date,
            },
            None => UpdateState::UpToDate {
                version: current.to_owned(),
            },
        };
        self.set(next.clone());
        next
    }

    /// Starts the download of the update found; returns its version.
    pub fn begin_download(&self) -> Result<String, UpdateState> {
        let version = {
            let mut state = self.lock();
            let UpdateState::Available { version, .. } = &*state else {
                return Err(state.clone());
            };
            let version = version.clone();
            *state = downloading(&version, 0, None);
            version
        };
        (self.listener)(&downloading(&version, 0, None));
        Ok(version)
    }

    /// A chunk arrived. The listener hears of it only when the percentage
    /// moves (or each MiB when the size is unknown), not per chunk.
    pub fn progress(&self, chunk: usize, total: Option<u64>) {
        let next = {
            let mut state = self.lock();
            let UpdateState::Downloading {
                version,
                downloaded,
                percent,
                ..
            } = &*state
            else {
                return;
            };
            let before = (*downloaded, *percent);
            let next = downloading(version, before.0 + chunk as u64, total);
            *state = next.clone();
            let UpdateState::Downloading {
                downloaded,
                percent,
                ..
            } = &next
            else {
                return;
            };
            let moved = match percent {
                Some(_) => *percent != before.1,
                None => downloaded / (1 << 20) != before.0 / (1 << 20),
            };
            if !moved {
                return;
            }
            next
        };
        (self.listener)(&next);
    }

    /// Downloaded, verified and installed: a restart runs it.
    pub fn installed(&self, version: &str) -> UpdateState {
        let next = UpdateState::Ready {
            version: version.to_owned(),
        };
        self.set(next.clone());
        next
    }

    pub fn failed(&self, why: &UpdateFailure, lang: Lang) -> UpdateState {
        let next = UpdateState::Failed {
            message: why.message(lang),
        };
        self.set(next.clone());
        next
    }
}

fn downloading(version: &str, downloaded: u64, total: Option<u64>) -> UpdateState {
    UpdateState::Downloading {
        version: version.to_owned(),
        downloaded,
        total,
        percent: total
            .filter(|t| *t > 0)
            .map(|t| (downloaded.min(t) * 100 / t) as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release() -> serde_json::Value {
        serde_json::json!({
            "pubkey": "dW50cnVzdGVk",
            "endpoints": ["https://updates.example/{{target}}/{{arch}}/{{current_version}}"]
        })
    }

    #[test]
    fn updates_are_on_only_in_a_configured_release_build_that_can_install() {
        let config = release();
        assert_eq!(
            availability(Some(&config), false, Installed::Package),
            Ok(())
        );
        assert_eq!(
            availability(Some(&config), false, Installed::AppImage),
            Ok(())
        );
        assert_eq!(
            availability(Some(&config), true, Installed::Package),
            Err(UpdatesOff::DevelopmentBuild)
        );
        assert_eq!(
            availability(None, false, Installed::Installer),
            Err(UpdatesOff::NotConfigured)
        );
        let no_endpoint = serde_json::json!({ "pubkey": "x", "endpoints": [] });
        assert_eq!(
            availability(Some(&no_endpoint), false, Installed::Installer),
            Err(UpdatesOff::NotConfigured)
        );
        let no_key = serde_json::json!({ "pubkey": " ", "endpoints": ["https://u.example"] });
        assert_eq!(
            availability(Some(&no_key), false, Installed::Installer),
            Err(UpdatesOff::NotConfigured)
        );
        assert_eq!(
            availability(Some(&config), false, Installed::Loose),
            Err(UpdatesOff::NotInstalled)
        );
    }

    fn recorded(availability: Result<(), UpdatesOff>) -> (Updates, Arc<Mutex<Vec<UpdateState>>>) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&heard);
        let updates = Updates::new(
            availability,
            Arc::new(move |s: &UpdateState| sink.lock().unwrap().push(s.clone())),
        );
        (updates, heard)
    }

    #[test]
    fn off_refuses_every_step() {
        let (updates, heard) = recorded(Err(UpdatesOff::DevelopmentBuild));
        let off = UpdateState::Off {
            reason: UpdatesOff::DevelopmentBuild,
        };
        assert_eq!(updates.begin_check(), Err(off.clone()));
        assert_eq!(updates.begin_download(), Err(off));
        assert!(heard.lock().unwrap().is_empty());
    }

    #[test]
    fn a_check_then_a_download_then_ready() {
        let (updates, heard) = recorded(Ok(()));
        assert_eq!(updates.begin_download(), Err(UpdateState::Idle));
        updates.begin_check().unwrap();
        assert_eq!(updates.begin_check(), Err(UpdateState::Checking));
        let found = Found {
            version: "0.2.0".into(),
            notes: Some("Correções".into()),
            date: None,
        };
        updates.checked(Some(found), "0.1.0");
        assert_eq!(updates.begin_download(), Ok("0.2.0".into()));
        assert_eq!(updates.begin_download(), Err(downloading("0.2.0", 0, None)));
        // 1 000 bytes in chunks of 10: the percentage moves 100 times, and
        // the window hears exactly those, not 100 chunks plus repeats.
        for _ in 0..100 {
            updates.progress(10, Some(1_000));
        }
        // A check while downloading is refused.
        assert!(updates.begin_check().is_err());
        updates.installed("0.2.0");
        assert_eq!(
            updates.state(),
            UpdateState::Ready {
                version: "0.2.0".into()
            }
        );
        assert!(updates.begin_check().is_err());
        let heard = heard.lock().unwrap();
        let percents: Vec<u8> = heard
            .iter()
            .filter_map(|s| match s {
                UpdateState::Downloading { percent, .. } => *percent,
                _ => None,
            })
            .collect();
        assert_eq!(percents, (1..=100).collect::<Vec<u8>>());
        assert_eq!(heard.first(), Some(&UpdateState::Checking));
    }

    #[test]
    fn up_to_date_and_failures_allow_another_check() {
        let (updates, _) = recorded(Ok(()));
        updates.begin_check().unwrap();
        assert_eq!(
            updates.checked(None, "0.1.0"),
            UpdateState::UpToDate {
                version: "0.1.0".into()
            }
        );
        updates.begin_check().unwrap();
        let failed = updates.failed(&UpdateFailure::BadSignature, Lang::PtBr);
        assert_eq!(
            failed,
            UpdateState::Failed {
                message: "A atualização foi recusada: a assinatura do arquivo não é a do ZapDesk. Nada foi instalado.".into()
            }
        );
        updates.begin_check().unwrap();
    }

    #[test]
    fn an_unknown_size_is_told_each_mib() {
        let (updates, heard) = recorded(Ok(()));
        updates.begin_check().unwrap();
        updates.checked(
            Some(Found {
                version: "0.2.0".into(),
                notes: None,
                date: None,
            }),
            "0.1.0",
        );
        updates.begin_download().unwrap();
        for _ in 0..(3 * 16) {
            updates.progress(64 * 1024, None);
        }
        let told = heard
            .lock()
            .unwrap()
            .iter()
            .filter(|s| matches!(s, UpdateState::Downloading { downloaded, .. } if *downloaded > 0))
            .count();
        assert_eq!(told, 3);
    }
}
