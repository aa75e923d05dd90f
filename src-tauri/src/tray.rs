//! The tray icon: each number's status and the unread count (worked out by
//! `tray_text`), "Abrir" and "Sair"; and the window's badge, from the same
//! count. Kept current from the fleet's events and the store's changes, one
//! count for a burst of them, also on a desktop with no tray.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};
use tokio::sync::Notify;

use crate::AppState;
use crate::tray_text::{NumberLine, TrayItem, TrayText, tray_text};

const TRAY: &str = "main";
const OPEN: &str = "open";
const QUIT: &str = "quit";

/// Starts the task that counts and draws (the badge needs it even where
/// there is no tray), then puts the icon in the tray; its menu is filled by
/// [`refresh`].
pub fn install(app: &AppHandle) -> tauri::Result<()> {
    spawn_redraws(app.clone());
    refresh(app);
    let mut builder = TrayIconBuilder::with_id(TRAY)
        .tooltip("ZapDesk")
        // Left click opens the window, where the tray allows it (not on
        // Linux's AppIndicator, which always shows the menu).
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            OPEN => crate::desktop::show_main(app),
            QUIT => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::desktop::show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder = builder.menu(&menu_of(
        app,
        &tray_text(&[], 0, crate::error::interface_lang()),
    )?);
    builder.build(app)?;
    // Drawn again now that the icon is there (the first count may have
    // found none).
    refresh(app);
    Ok(())
}

fn menu_of(app: &AppHandle, text: &TrayText) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    for (i, item) in text.items.iter().enumerate() {
        match item {
            TrayItem::Info(label) => menu.append(&MenuItem::with_id(
                app,
                format!("info-{i}"),
                label,
                false,
                None::<&str>,
            )?)?,
            TrayItem::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
            TrayItem::Open(label) => {
                menu.append(&MenuItem::with_id(app, OPEN, label, true, None::<&str>)?)?
            }
            TrayItem::Quit(label) => {
                menu.append(&MenuItem::with_id(app, QUIT, label, true, None::<&str>)?)?
            }
        }
    }
    Ok(menu)
}

/// Wakes the one task that redraws the tray. A permit is kept while it
/// redraws, so changes meanwhile make exactly one more redraw; one task, so
/// an older read never overwrites a newer one.
static WAKE: Notify = Notify::const_new();

/// Asks for the numbers and the unread count to be read again and drawn.
pub fn refresh(_app: &AppHandle) {
    WAKE.notify_one();
}

/// The redrawing task, for as long as the app runs.
fn spawn_redraws(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            WAKE.notified().await;
            redraw(&app).await;
        }
    });
}

async fn redraw(app: &AppHandle) {
    let Some((text, unread)) = read(app).await else {
        return;
    };
    if let Some(window) = app.get_webview_window("main") {
        // Not every desktop shows badges (GNOME does not); that is fine.
        let _ = window.set_badge_count((unread > 0).then_some(unread));
    }
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    match menu_of(app, &text) {
        Ok(menu) => {
            if let Err(e) = tray.set_menu(Some(menu)) {
                tracing::debug!("tray menu not set: {e}");
            }
        }
        Err(e) => tracing::debug!("tray menu not built: {e}"),
    }
    let _ = tray.set_tooltip(Some(text.tooltip));
}

/// The numbers of the accounts the operator may see, and their unread count:
/// the tray's text and the count for the badge.
async fn read(app: &AppHandle) -> Option<(TrayText, i64)> {
    let state = app.try_state::<AppState>()?;
    let running = state.app().ok()?;
    let mut numbers = Vec::new();
    // This desktop's own view of each number (no question to the shared
    // server on every change: the tray says what runs here).
    for account in running.accounts_visible(false).await.ok()? {
        for number in zapdesk_core::instances::list(running.store(), account.id)
            .await
            .ok()?
        {
            numbers.push(NumberLine {
                state: running.fleet().status(number.id).key().to_owned(),
                name: number.name,
            });
        }
    }
    let unread = running.unread_visible().await.ok()?;
    Some((tray_text(&numbers, unread, state.lang()), unread))
}
