//! ZapDesk's local REST API (issue 17), served by the app and by
//! `zapdesk-cli serve`: each handler is one call of `zapdesk-app` or the core,
//! as each Tauri command is.
