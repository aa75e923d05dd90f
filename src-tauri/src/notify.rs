//! New messages while the operator looks elsewhere: the window's badge counts
//! the conversations with unread messages of the accounts the operator may
//! see, kept up to date as conversations are read, and a desktop
//! notification names the contact, unless the window is in front. An agent
//! hears nothing of an account not given to them.

use std::collections::HashSet;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

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
    use std::sync::atomic::AtomicUsize;
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

/// The accounts the window may hear of (`None`: all of them), as last read:
/// the fleet's events (a number's status with its QR code, a new message)
/// are sent synchronously, so the grant is kept here and read again when
/// the operator, the team or the accounts change. Nothing is heard before
/// the first read.
static VISIBLE: RwLock<Visible> = RwLock::new(Visible::NotYet);

enum Visible {
    NotYet,
    Known(Option<HashSet<AccountId>>),
}

/// Whether an event of `account` may reach the window.
pub fn window_may_see(account: AccountId) -> bool {
    match &*VISIBLE.read().unwrap_or_else(|p| p.into_inner()) {
        Visible::NotYet => false,
        Visible::Known(None) => true,
        Visible::Known(Some(granted)) => granted.contains(&account),
    }
}

/// Reads again which accounts the operator at this desktop may see.
pub async fn read_visible(running: &zapdesk_app::App) {
    match zapdesk_core::access::visible_accounts(running.store()).await {
        Ok(visible) => {
            *VISIBLE.write().unwrap_or_else(|p| p.into_inner()) = Visible::Known(visible)
        }
        Err(e) => tracing::warn!("accounts the window may hear of not read: {e}"),
    }
}

/// A badge count is being worked out: changes meanwhile are counted by it.
static BADGE_PENDING: AtomicBool = AtomicBool::new(false);

/// Counts the badge again after a change that can move it: a message in or
/// read, a conversation removed, the operator or their accounts changed. A
/// burst of changes (a campaign's) costs one count.
pub fn on_change(app: &AppHandle, change: &Change) {
    if matches!(
        change.table,
        Table::Accounts | Table::Users | Table::Settings
    ) {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            if let Some(state) = app.try_state::<AppState>()
                && let Ok(running) = state.app()
            {
                read_visible(running).await;
            }
        });
    }
    if !matches!(
        change.table,
        Table::Conversations | Table::Messages | Table::Accounts | Table::Users | Table::Settings
    ) || BADGE_PENDING.swap(true, Ordering::AcqRel)
    {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Cleared before counting: a change from now on is seen by this
        // count or starts the next.
        BADGE_PENDING.store(false, Ordering::Release);
        let Some(state) = app.try_state::<AppState>() else {
            return;
        };
        let Ok(running) = state.app() else {
            return;
        };
        match running.unread_visible().await {
            Ok(unread) => {
                if let Some(window) = app.get_webview_window("main") {
                    // Not every desktop shows badges (GNOME does not); that is fine.
                    let _ = window.set_badge_count((unread > 0).then_some(unread));
                }
            }
            Err(e) => tracing::debug!("badge not counted: {e}"),
        }
    });
}
