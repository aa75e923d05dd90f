//! New messages while the operator looks elsewhere: a desktop notification
//! names the contact, unless the window is in front; the window's badge
//! (the conversations with unread messages of the accounts the operator may
//! see) is counted with the tray's text, in `tray.rs`. An agent hears
//! nothing of an account not given to them.

use tauri::{AppHandle, Manager};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::domain::{Direction, MessageKind};
use zapdesk_core::inbox::conversations;
use zapdesk_core::{AccountId, ConversationId, Lang};
use zapdesk_whatsapp::fleet::FleetEvent;

use crate::AppState;

pub fn on_fleet_event(app: &AppHandle, event: &FleetEvent) {
    let FleetEvent::Conversation {
        account,
        conversation,
        new_message: true,
    } = *event
    else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = announce(&app, account, conversation).await {
            tracing::debug!("no notification: {e}");
        }
    });
}

async fn announce(
    app: &AppHandle,
    account: AccountId,
    conversation: ConversationId,
) -> Result<(), String> {
    let state = app.state::<AppState>();
    let running = state.app().map_err(|e| e.message)?;
    if running.require_account(account).await.is_err() {
        return Ok(());
    }
    let summary = conversations::get(running.store(), account, conversation)
        .await
        .map_err(|e| e.to_string())?;
    if summary.last_direction != Some(Direction::Inbound) {
        return Ok(());
    }
    if let Some(window) = app.get_webview_window("main")
        && window.is_focused().unwrap_or(false)
    {
        return Ok(());
    }
    let who = summary
        .contact_name
        .clone()
        .unwrap_or_else(|| summary.contact_phone.clone());
    let body = match (summary.last_kind, summary.last_body.as_deref()) {
        (Some(MessageKind::Text) | None, Some(text)) => text.chars().take(140).collect(),
        _ => state.lang().pick("📎 Mídia", "📎 Media").to_owned(),
    };
    let title = match state.lang() {
        Lang::PtBr => format!("{who} · {}", summary.instance_name),
        Lang::En => format!("{who} · {}", summary.instance_name),
    };
    show(app, account, conversation, title, body, state.lang())
}

/// On Linux, through notify-rust with a default action: clicking the
/// notification (where the desktop's notification server offers actions,
/// as GNOME and KDE do) opens the conversation. A thread waits for the
/// click or the close, since notify-rust's wait blocks.
#[cfg(target_os = "linux")]
fn show(
    app: &AppHandle,
    account: AccountId,
    conversation: ConversationId,
    title: String,
    body: String,
    lang: Lang,
) -> Result<(), String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// Notifications whose click a thread is waiting for. GNOME keeps them
    /// in its list until read, so a busy day would otherwise pile up a
    /// blocked thread (and a D-Bus connection) per message; past the bound
    /// a notification still shows, without the click.
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    const MAX_WAITING: usize = 16;
    let mut note = notify_rust::Notification::new();
    note.appname("ZapDesk").summary(&title).body(&body);
    let waits = WAITING
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_WAITING).then_some(n + 1)
        })
        .is_ok();
    if !waits {
        return note.show().map(|_| ()).map_err(|e| e.to_string());
    }
    note.action("default", lang.pick("Abrir conversa", "Open conversation"));
    let shown = match note.show() {
        Ok(shown) => shown,
        Err(e) => {
            WAITING.fetch_sub(1, Ordering::AcqRel);
            return Err(e.to_string());
        }
    };
    let app = app.clone();
    std::thread::spawn(move || {
        shown.wait_for_action(|action| {
            if action == "default" {
                crate::desktop::open_conversation(&app, account, conversation);
            }
        });
        WAITING.fetch_sub(1, Ordering::AcqRel);
    });
    Ok(())
}

/// Elsewhere, tauri-plugin-notification, which reports no click on desktop
/// systems: the notification shows, and clicking it does not open the
/// conversation (README, "Desktop behaviour").
#[cfg(not(target_os = "linux"))]
fn show(
    app: &AppHandle,
    _account: AccountId,
    _conversation: ConversationId,
    title: String,
    body: String,
    _lang: Lang,
) -> Result<(), String> {
    use tauri_plugin_notification::NotificationExt;
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| e.to_string())
}

/// The accounts the window may hear of, kept by the app crate
/// ([`zapdesk_app::WindowGrants`]): nothing before the first read.
static GRANTS: zapdesk_app::WindowGrants = zapdesk_app::WindowGrants::new();

/// Whether an event of `account` may reach the window.
pub fn window_may_see(account: AccountId) -> bool {
    GRANTS.may_see(account)
}

/// Reads again which accounts the operator at this desktop may see.
pub async fn read_visible(running: &zapdesk_app::App) {
    if let Err(e) = GRANTS.read_again(running).await {
        tracing::warn!("accounts the window may hear of not read: {e}");
    }
}

/// Reads the grant again after a change that can move it: the operator, the
/// team or the accounts. (The badge is counted with the tray's text, once
/// for both: `tray.rs`.)
pub fn on_change(app: &AppHandle, change: &Change) {
    if !matches!(
        change.table,
        Table::Accounts | Table::Users | Table::Settings
    ) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(state) = app.try_state::<AppState>()
            && let Ok(running) = state.app()
        {
            read_visible(running).await;
        }
    });
}
