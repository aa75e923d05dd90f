//! New messages while the operator looks elsewhere: the window's badge counts
//! the conversations with unread messages (all accounts), and a desktop
//! notification names the contact, unless the window is in front.

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use zapdesk_core::domain::{Direction, MessageKind};
use zapdesk_core::inbox::conversations;
use zapdesk_core::{AccountId, ConversationId, Lang, accounts};
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
    let store = state.store().map_err(|e| e.message)?;
    let summary = conversations::get(store, account, conversation)
        .await
        .map_err(|e| e.to_string())?;
    if summary.last_direction != Some(Direction::Inbound) {
        return Ok(());
    }
    let mut unread = 0;
    for a in accounts::list(store, false)
        .await
        .map_err(|e| e.to_string())?
    {
        unread += conversations::unread(store, a.id)
            .await
            .map_err(|e| e.to_string())?;
    }
    let window = app.get_webview_window("main");
    if let Some(window) = &window {
        // Not every desktop shows badges (GNOME does not); that is fine.
        let _ = window.set_badge_count((unread > 0).then_some(unread));
        if window.is_focused().unwrap_or(false) {
            return Ok(());
        }
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
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| e.to_string())
}
