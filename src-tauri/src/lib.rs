//! ZapDesk's desktop shell: a Tauri window around the web UI, and commands that
//! delegate to `zapdesk-app` (the running app) or, for one read, to
//! `zapdesk-core`. Nothing here decides anything a test would want to check;
//! that lives in the app crate and the core.

mod commands;
mod desktop;
mod desktop_prefs;
mod error;
mod gate;
mod microphone;
mod notify;
mod state;
mod tray;
mod tray_text;
pub mod updates;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Emitter, Manager};
use tauri_specta::{Builder, ErrorHandlingMode, collect_commands};
use zapdesk_app::{App, Host, Scope};

pub use error::IpcError;
use state::AppState;

/// The commands the UI may call, with their types for the generated bindings.
pub fn commands_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app::app_start,
            commands::app::settings_set_language,
            commands::accounts::accounts_list,
            commands::accounts::accounts_create,
            commands::accounts::accounts_update,
            commands::accounts::accounts_set_archived,
            commands::contacts::contacts_list,
            commands::contacts::contacts_create,
            commands::contacts::contacts_update,
            commands::contacts::contacts_delete,
            commands::contacts::contacts_set_opt_out,
            commands::numbers::numbers_list,
            commands::numbers::numbers_create,
            commands::numbers::numbers_act,
            commands::numbers::numbers_pairing_code,
            commands::numbers::numbers_simulate,
            commands::inbox::inbox_list,
            commands::inbox::inbox_get,
            commands::inbox::inbox_unread,
            commands::inbox::inbox_thread,
            commands::inbox::inbox_reply,
            commands::inbox::inbox_send_file,
            commands::inbox::inbox_send_voice,
            commands::inbox::inbox_media,
            commands::inbox::inbox_mark_read,
            commands::inbox::inbox_assign,
            commands::inbox::inbox_set_status,
            commands::inbox::inbox_set_owner,
            commands::inbox::inbox_notes,
            commands::inbox::inbox_add_note,
            commands::inbox::inbox_draft,
            commands::inbox::inbox_save_draft,
            commands::inbox::inbox_search,
            commands::inbox::inbox_contact,
            commands::inbox::inbox_start,
            commands::tags::tags_list,
            commands::tags::tags_create,
            commands::tags::tags_delete,
            commands::tags::tags_apply,
            commands::tags::tags_of_contact,
            commands::fields::fields_list,
            commands::fields::fields_create,
            commands::fields::fields_update,
            commands::fields::fields_delete,
            commands::fields::fields_of_contact,
            commands::fields::fields_set_values,
            commands::contacts::contacts_count,
            commands::tags::tags_apply_selection,
            commands::contacts::contacts_delete_selection,
            commands::segments::segments_list,
            commands::segments::segments_create,
            commands::segments::segments_update,
            commands::segments::segments_delete,
            commands::pipeline::pipeline_stages_list,
            commands::pipeline::pipeline_stages_create,
            commands::pipeline::pipeline_stages_update,
            commands::pipeline::pipeline_stages_reorder,
            commands::pipeline::pipeline_stages_delete,
            commands::pipeline::pipeline_cards_list,
            commands::pipeline::pipeline_cards_create,
            commands::pipeline::pipeline_cards_update,
            commands::pipeline::pipeline_cards_delete,
            commands::pipeline::pipeline_cards_move,
            commands::pipeline::pipeline_summary,
            commands::import::contacts_import_pick,
            commands::import::contacts_import_run,
            commands::import::contacts_import_rejected,
            commands::export::contacts_export,
            commands::lgpd::contacts_lgpd_export,
            commands::lgpd::contacts_erase,
            commands::lgpd::audit_list,
            commands::quick_replies::quick_replies_list,
            commands::quick_replies::quick_replies_create,
            commands::quick_replies::quick_replies_update,
            commands::quick_replies::quick_replies_delete,
            commands::users::users_list,
            commands::users::users_me,
            commands::users::users_set_me,
            commands::users::team_view,
            commands::users::team_invite,
            commands::users::team_invite_remote,
            commands::users::team_edit,
            commands::users::team_remove,
            commands::campaigns::campaigns_list,
            commands::campaigns::campaigns_get,
            commands::campaigns::campaigns_create,
            commands::campaigns::campaigns_set_status,
            commands::campaigns::campaigns_set_pacing,
            commands::campaigns::campaigns_preview,
            commands::campaigns::campaigns_check_message,
            commands::campaigns::campaigns_export,
            commands::campaigns::campaigns_timeline,
            commands::campaigns::campaigns_recipients,
            commands::campaigns::campaigns_test_send,
            commands::campaigns::campaigns_duplicate,
            commands::campaigns::campaigns_start_draft,
            commands::campaigns::campaigns_delete_draft,
            commands::sync::sync_status,
            commands::sync::sync_test,
            commands::sync::sync_save,
            commands::sync::sync_disconnect,
            commands::sync::sync_now,
            commands::sync::sync_parked,
            commands::sync::sync_retry_parked,
            commands::automation::automation_settings_get,
            commands::automation::automation_settings_save,
            commands::business_hours::business_hours_get,
            commands::business_hours::business_hours_save,
            commands::business_hours::business_hours_time_zones,
            commands::plans::plans_defaults,
            commands::plans::plans_set_defaults,
            commands::plans::plans_overrides,
            commands::plans::plans_set_overrides,
            commands::plans::plans_usage,
            commands::assignment::assignment_settings,
            commands::assignment::assignment_set_account,
            commands::assignment::assignment_set_cap,
            commands::assignment::assignment_queue,
            commands::assignment::assignment_availability,
            commands::assignment::assignment_set_available,
            commands::assignment::inbox_transfer,
            commands::reports::reports_account,
            commands::reports::reports_agency,
            commands::reports::reports_account_export,
            commands::reports::reports_agency_export,
            commands::automation::automation_ai_key_set,
            commands::automation::automation_ai_key_status,
            commands::automation::automation_files_upload,
            commands::automation::automation_files_list,
            commands::keywords::keywords_list,
            commands::keywords::keywords_check,
            commands::keywords::keywords_create,
            commands::keywords::keywords_update,
            commands::keywords::keywords_set_enabled,
            commands::keywords::keywords_delete,
            commands::keywords::keywords_explain,
            commands::flows::flows_list,
            commands::flows::flows_get,
            commands::flows::flows_create,
            commands::flows::flows_duplicate,
            commands::flows::flows_rename,
            commands::flows::flows_save_draft,
            commands::flows::flows_check,
            commands::flows::flows_check_text,
            commands::flows::flows_publish,
            commands::flows::flows_versions,
            commands::flows::flows_version,
            commands::flows::flows_analytics,
            commands::flows::flows_restore,
            commands::flows::flows_set_triggers,
            commands::flows::flows_set_enabled,
            commands::flows::flows_delete,
            commands::flows::flows_import,
            commands::flows::flows_export,
            commands::simulator::flows_simulate_open,
            commands::simulator::flows_simulate_write,
            commands::simulator::flows_simulate_advance,
            commands::simulator::flows_simulate_close,
            commands::sessions::sessions_active,
            commands::sessions::sessions_log,
            commands::sessions::sessions_start,
            commands::sessions::sessions_stop,
            commands::api::api_status,
            commands::api::api_open_docs,
            commands::api::api_set_config,
            commands::api::api_tokens_list,
            commands::api::api_tokens_create,
            commands::api::api_tokens_revoke,
            commands::webhooks::webhooks_list,
            commands::webhooks::webhooks_create,
            commands::webhooks::webhooks_update,
            commands::webhooks::webhooks_set_enabled,
            commands::webhooks::webhooks_delete,
            commands::webhooks::webhooks_secret,
            commands::webhooks::webhooks_rotate_secret,
            commands::webhooks::webhooks_deliveries,
            commands::webhooks::webhooks_redeliver,
            commands::webhooks::webhooks_test,
            commands::cloud_commands::cloud_commands_list,
            commands::cloud_commands::cloud_commands_retry,
            commands::cloud_commands::cloud_commands_give_up,
            commands::backup::backup_status,
            commands::backup::backup_now,
            commands::backup::backup_set_settings,
            commands::backup::backup_pick_folder,
            commands::backup::backup_pick_file,
            commands::backup::backup_restore,
            commands::backup::app_restart,
            commands::about::app_diagnostics,
            commands::updates::update_status,
            commands::updates::update_check,
            commands::updates::update_install,
            commands::desktop::desktop_settings,
            commands::desktop::desktop_set_close_to_tray,
            commands::desktop::desktop_set_autostart,
            commands::desktop::browser_check,
            commands::desktop::desktop_take_opening,
        ])
        // Pushed to the UI as the `fleet` event (see `run`).
        .typ::<zapdesk_whatsapp::fleet::FleetEvent>()
        // Pushed as the `import` event while a CSV import runs.
        .typ::<zapdesk_core::import::ImportProgress>()
        // Pushed as the `sync` event whenever the connection or its status changes.
        .typ::<zapdesk_sync::SyncView>()
        // Pushed as the `changed` event: tables another writer changed.
        .typ::<zapdesk_core::changes::Change>()
        // Pushed as the `open_conversation` event: a notification was clicked.
        .typ::<desktop::Opening>()
        .error_handling(ErrorHandlingMode::Result)
        // One TypeScript type per Rust type, instead of separate
        // `_Serialize`/`_Deserialize` variants that are identical here.
        .disable_serde_phases()
        // Timestamps are Unix milliseconds: far inside a double's exact range.
        .dangerously_cast_bigints_to_number()
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line, if given.
fn data_dir_flag(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// Name of the event that carries [`zapdesk_whatsapp::fleet::FleetEvent`]s to the UI.
pub const FLEET_EVENT: &str = "fleet";

/// Name of the event that carries [`zapdesk_sync::SyncView`]s to the UI.
pub const SYNC_EVENT: &str = "sync";

/// Name of the event that carries [`zapdesk_core::changes::Change`]s to the
/// UI: its data layer refetches what shows the table.
pub const CHANGED_EVENT: &str = "changed";

/// What the running app tells the window.
fn host(handle: &tauri::AppHandle) -> Host {
    let (fleet, sync, changed) = (handle.clone(), handle.clone(), handle.clone());
    Host {
        fleet: Arc::new(move |event| {
            // An agent's window hears nothing of an account not given to them.
            let (zapdesk_whatsapp::fleet::FleetEvent::Number { account, .. }
            | zapdesk_whatsapp::fleet::FleetEvent::Conversation { account, .. }) = &event;
            if !notify::window_may_see(*account) {
                return;
            }
            if let Err(e) = fleet.emit(FLEET_EVENT, &event) {
                tracing::warn!("event not delivered to the UI: {e}");
            }
            notify::on_fleet_event(&fleet, &event);
            if let zapdesk_whatsapp::fleet::FleetEvent::Number { .. } = event {
                tray::refresh(&fleet);
            }
        }),
        sync: Arc::new(move |view| {
            if let Err(e) = sync.emit(SYNC_EVENT, view) {
                tracing::warn!("sync event not delivered to the UI: {e}");
            }
        }),
        changed: Arc::new(move |change| {
            if let Err(e) = changed.emit(CHANGED_EVENT, change) {
                tracing::warn!("change not delivered to the UI: {e}");
            }
            notify::on_change(&changed, &change);
            if matches!(
                change.table,
                zapdesk_core::changes::Table::Conversations
                    | zapdesk_core::changes::Table::Messages
                    | zapdesk_core::changes::Table::Instances
                    | zapdesk_core::changes::Table::Accounts
                    // Who the operator is and what they were given: the
                    // tray lists only their accounts, as the badge counts.
                    | zapdesk_core::changes::Table::Users
                    | zapdesk_core::changes::Table::Settings
            ) {
                tray::refresh(&changed);
            }
        }),
        stage: Arc::new(|stage| tracing::info!("app: {stage:?}")),
    }
}

/// The main window, as tauri.conf.json describes it ("create": false, so
/// that it is built here, first thing as Tauri would), whose title follows
/// the page's: the UI puts the unread count in `document.title`
/// (ui/src/components/unread.ts), which a webview does not pass on to its
/// native window by itself.
/// Made again from the tray after the window was closed to it.
pub(crate) fn main_window(app: &tauri::AppHandle) -> tauri::Result<Option<tauri::WebviewWindow>> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == "main") else {
        return Ok(None);
    };
    let window = tauri::WebviewWindowBuilder::from_config(app, config)?
        .on_document_title_changed(|window, title| {
            if let Err(e) = window.set_title(&title) {
                tracing::warn!("window title not set: {e}");
            }
        })
        .build()?;
    // Voice messages: WebKitGTK keeps the microphone off unless asked.
    microphone::allow(&window);
    Ok(Some(window))
}

/// Starts the app; returns when the last window closes.
pub fn run() {
    let builder = commands_builder();
    let invoke_handler = builder.invoke_handler();
    // Explicit data folders get their own single-instance name (see desktop.rs).
    let explicit_dir = data_dir_flag(std::env::args())
        .or_else(|| zapdesk_core::data_dir::from_env().map(PathBuf::from));
    let app = tauri::Builder::default()
        // First: a second launch hands over to the first before anything opens.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .callback(|app, _args, _cwd| desktop::show_main(app))
                .dbus_id(desktop::instance_id(
                    "app.zapdesk.desktop",
                    explicit_dir.as_deref(),
                ))
                .build(),
        )
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(gate::guarded(invoke_handler))
        .setup(move |app| {
            let default_dir = app.path().app_data_dir().ok();
            let dir = zapdesk_core::data_dir::resolve(
                data_dir_flag(std::env::args()).as_deref(),
                zapdesk_core::data_dir::from_env().as_deref(),
                || default_dir.unwrap_or_else(zapdesk_core::data_dir::platform_default),
            );
            // The window's size and place, kept with the data folder (each
            // folder its own window) and restored as the window is made;
            // whether it was shown is not restored: it always opens shown.
            app.handle().plugin(
                tauri_plugin_window_state::Builder::new()
                    .with_filename(dir.join("window-state.json").to_string_lossy())
                    .with_state_flags(
                        tauri_plugin_window_state::StateFlags::all()
                            & !tauri_plugin_window_state::StateFlags::VISIBLE,
                    )
                    .build(),
            )?;
            // Only a build made with the release config has the updater's
            // section (its public key and endpoint): without it the plugin is
            // left out and Settings → Sobre says updates are off (updates.rs).
            if updates::updater_config(app.config()).is_some() {
                app.handle()
                    .plugin(tauri_plugin_updater::Builder::new().build())?;
            }
            let update_slot = updates::UpdateSlot::for_window(app.handle());
            let checks_at_start =
                update_slot.updates.state() == zapdesk_app::update::UpdateState::Idle;
            app.manage(update_slot);
            main_window(app.handle())?;
            builder.mount_events(app);
            // Log files in the data folder (zapdesk_app::logs), kept with the
            // app's state so the writer lives as long as the window.
            match zapdesk_app::logs::init(&dir) {
                Ok(guard) => {
                    app.manage(guard);
                }
                Err(e) => eprintln!("ZapDesk: log files unavailable in {}: {e}", dir.display()),
            }
            // Opening can fail (a database from a newer ZapDesk, a second copy
            // of the app); the UI then shows why instead of the app vanishing.
            let state = tauri::async_runtime::block_on(AppState::open(dir, host(app.handle())));
            let running = state.app().ok().cloned();
            let api = state.api().ok().cloned();
            if let Some(running) = &running {
                // Before any number starts: which accounts' events the window hears.
                tauri::async_runtime::block_on(notify::read_visible(running));
            }
            // Managed before anything runs: the fleet's events (notifications)
            // read the state.
            app.manage(state);
            // A desktop without a tray (no AppIndicator host) still runs.
            match tray::install(app.handle()) {
                Ok(()) => desktop::TRAY_SHOWN.store(true, std::sync::atomic::Ordering::Release),
                Err(e) => tracing::warn!("no tray icon: {e}"),
            }
            // The check at start, in the background: the window does not wait
            // for the update server.
            if checks_at_start {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    let slot = handle.state::<updates::UpdateSlot>();
                    updates::check(&handle, &slot, error::interface_lang()).await;
                });
            }
            if let (Some(running), Some(api)) = (running, api) {
                stop_on_signal(app.handle().clone(), running.clone(), api);
                // Setup runs outside the async runtime: the start goes in a task,
                // and the window shows while sync resumes.
                tauri::async_runtime::spawn(async move {
                    match running.start(Scope::All).await {
                        Ok(started) => {
                            if let Err(e) = started.sync {
                                tracing::error!("resuming sync: {e}");
                            }
                        }
                        Err(e) => tracing::error!("restarting numbers: {e}"),
                    }
                });
            }
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(error) => {
            eprintln!("ZapDesk could not start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        // The last window closed (not "Sair", not a signal: those carry a
        // code): the numbers go on in the tray when the setting says so.
        if let tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } = &event
            && desktop::stay_after_close(app)
        {
            api.prevent_exit();
            return;
        }
        if let tauri::RunEvent::Exit = event
            && let (Ok(running), Ok(api)) =
                (app.state::<AppState>().app(), app.state::<AppState>().api())
        {
            // The API first (no request starts what the app is stopping),
            // then campaigns, the numbers (every Chromium closed, leases
            // released), sync; `autostart` keeps what runs next time.
            tauri::async_runtime::block_on(async {
                api.stop().await;
                running.shutdown().await;
            });
        }
    });
}

/// A terminate signal (logout of the desktop session, `kill`, a test driver
/// ending its session) closes every Chromium before the app exits, as closing
/// the window does.
fn stop_on_signal(app: tauri::AppHandle, running: App, api: Arc<zapdesk_api::ApiServer>) {
    tauri::async_runtime::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
        }
        // The exit event that follows finds it done.
        api.stop().await;
        running.shutdown().await;
        app.exit(0);
    });
}

#[cfg(test)]
mod tests {
    use super::data_dir_flag;
    use std::path::PathBuf;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn data_dir_flag_in_both_spellings() {
        assert_eq!(
            data_dir_flag(args(&["zapdesk", "--data-dir", "/x"])),
            Some(PathBuf::from("/x"))
        );
        assert_eq!(
            data_dir_flag(args(&["zapdesk", "--data-dir=/y"])),
            Some(PathBuf::from("/y"))
        );
        assert_eq!(data_dir_flag(args(&["zapdesk"])), None);
    }
}
