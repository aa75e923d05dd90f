//! The desktop's own behaviour: one ZapDesk per data folder (a second launch
//! brings the open window forward and exits), the window closed to the tray
//! with the numbers still running, and the window shown again from the tray
//! or a notification. What to do is decided in `desktop_prefs`; this file
//! only does it.

use std::path::Path;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::desktop_prefs::{self, OnClose};

/// The single-instance name on Linux's D-Bus: one per data folder, so two
/// ZapDesks on different folders (tests, a second agency) both run, and a
/// second launch on the same folder finds the first. The default folder
/// keeps the plain app identifier. (Windows and macOS key by the app
/// identifier only: one ZapDesk per user there.)
///
/// The folder is named by its canonical path (a relative path or a symlink
/// to the same folder is the same ZapDesk), hashed with FNV-1a: the name
/// must be the same for every build, which std's hasher does not promise.
pub fn instance_id(identifier: &str, explicit_dir: Option<&Path>) -> String {
    match explicit_dir {
        None => identifier.to_owned(),
        Some(dir) => {
            let canonical = std::fs::canonicalize(dir)
                .or_else(|_| std::path::absolute(dir))
                .unwrap_or_else(|_| dir.to_path_buf());
            let hash = canonical
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
                });
            // A D-Bus name element may not start with a digit.
            format!("{identifier}.d{hash:016x}")
        }
    }
}

/// Shows the main window (made again if it was closed to the tray) in front.
pub fn show_main(app: &AppHandle) {
    let window = match app.get_webview_window("main") {
        Some(window) => window,
        None => match crate::main_window(app) {
            Ok(Some(window)) => window,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("window not made again: {e}");
                return;
            }
        },
    };
    let _ = window.unminimize();
    let _ = window.show();
    let _ = window.set_focus();
}

/// Which conversation the UI opens (a notification was clicked).
#[derive(Debug, Clone, Copy, serde::Serialize, specta::Type)]
pub struct Opening {
    pub account: zapdesk_core::AccountId,
    pub conversation: zapdesk_core::ConversationId,
}

/// Name of the event that carries an [`Opening`] to a window already open.
pub const OPEN_CONVERSATION_EVENT: &str = "open_conversation";

/// A conversation to open once a window made again has loaded (it asks with
/// `desktop_take_opening`): an event sent before its page listens is lost.
static OPENING: std::sync::Mutex<Option<Opening>> = std::sync::Mutex::new(None);

/// Takes the conversation a new window should open, if any.
pub fn take_opening() -> Option<Opening> {
    OPENING.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// A notification was clicked: the window comes forward on that conversation.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn open_conversation(
    app: &AppHandle,
    account: zapdesk_core::AccountId,
    conversation: zapdesk_core::ConversationId,
) {
    let opening = Opening {
        account,
        conversation,
    };
    if app.get_webview_window("main").is_some() {
        use tauri::Emitter;
        if let Err(e) = app.emit(OPEN_CONVERSATION_EVENT, opening) {
            tracing::warn!("conversation not opened: {e}");
        }
    } else {
        *OPENING.lock().unwrap_or_else(|p| p.into_inner()) = Some(opening);
    }
    show_main(app);
}

/// Set once the tray icon exists: without one, a closed window could not be
/// opened again, and the app quits instead of hiding.
pub static TRAY_SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The last window closed: whether the app stays in the tray. `true` keeps it.
/// Never without a tray icon, nor when the data folder did not open (the
/// window showed why; there is nothing to keep running, and a hidden
/// process would only take the next launch's hand-over).
pub fn stay_after_close(app: &AppHandle) -> bool {
    if !TRAY_SHOWN.load(std::sync::atomic::Ordering::Acquire) {
        return false;
    }
    let Some(state) = app.try_state::<crate::AppState>() else {
        return false;
    };
    if state.app().is_err() {
        return false;
    }
    let dir = state.data_dir().clone();
    let mut prefs = desktop_prefs::load(&dir);
    match desktop_prefs::on_close(&mut prefs) {
        OnClose::Quit => false,
        OnClose::StayInTray { tell } => {
            if tell {
                if let Err(e) = desktop_prefs::save(&dir, &prefs) {
                    tracing::warn!("desktop choices not saved: {e}");
                }
                let lang = state.lang();
                let shown = app
                    .notification()
                    .builder()
                    .title(lang.pick(
                        "O ZapDesk continua aberto",
                        "ZapDesk is still running",
                    ))
                    .body(lang.pick(
                        "Os números seguem conectados. Abra pelo ícone na bandeja; para fechar de vez, use Sair no ícone ou desligue em Configurações.",
                        "Your numbers stay connected. Open it from the tray icon; to quit, use Quit on the icon or turn this off in Settings.",
                    ))
                    .show();
                if let Err(e) = shown {
                    tracing::debug!("first close not told: {e}");
                }
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::instance_id;
    use std::path::Path;

    #[test]
    fn one_instance_name_per_data_folder() {
        let id = "app.zapdesk.desktop";
        assert_eq!(instance_id(id, None), id);
        let a = instance_id(id, Some(Path::new("/nonexistent/zapdesk-a")));
        assert_eq!(
            a,
            instance_id(id, Some(Path::new("/nonexistent/zapdesk-a")))
        );
        assert_ne!(
            a,
            instance_id(id, Some(Path::new("/nonexistent/zapdesk-b")))
        );
        // The same for every build (FNV-1a of the path, not std's hasher).
        assert_eq!(a, "app.zapdesk.desktop.d62302801d2233ce2");
    }

    #[test]
    fn the_same_folder_spelled_another_way_is_the_same_instance() {
        let id = "app.zapdesk.desktop";
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("dados");
        std::fs::create_dir(&data).unwrap();
        let named = instance_id(id, Some(&data));
        assert_eq!(instance_id(id, Some(&data.join("..").join("dados"))), named);
        #[cfg(unix)]
        {
            let link = dir.path().join("atalho");
            std::os::unix::fs::symlink(&data, &link).unwrap();
            assert_eq!(instance_id(id, Some(&link)), named);
        }
    }
}
