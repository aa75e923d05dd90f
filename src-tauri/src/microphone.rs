//! The microphone for the inbox's voice messages. On Linux the window is
//! WebKitGTK, which ships with `getUserMedia` switched off
//! (`enable-media-stream`) and refuses every permission request the app does
//! not answer (wry answers none): without this, recording fails at once with
//! `NotAllowedError`. Only a request for the microphone alone is allowed;
//! camera, screen, location and the rest keep WebKit's refusal. macOS and
//! Windows ask the user themselves and need nothing here.

/// Switches media capture on in the main window and answers its microphone
/// requests. A webview that cannot be reached is logged, not fatal: the
/// composer's record button then says the microphone is unavailable.
#[cfg(target_os = "linux")]
pub(crate) fn allow(window: &tauri::WebviewWindow) {
    use webkit2gtk::glib::prelude::Cast;
    use webkit2gtk::{
        PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
        UserMediaPermissionRequestExt, WebViewExt,
    };
    let reached = window.with_webview(|platform| {
        let view = platform.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|_, request| {
            match request.downcast_ref::<UserMediaPermissionRequest>() {
                Some(media) if media.is_for_audio_device() && !media.is_for_video_device() => {
                    media.allow();
                    true
                }
                // Not handled: WebKit's default, a refusal.
                _ => false,
            }
        });
    });
    if let Err(e) = reached {
        tracing::warn!("microphone not enabled in the webview: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn allow(_window: &tauri::WebviewWindow) {}
