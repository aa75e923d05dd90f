//! The gate every command of the window passes: a command that names an
//! account (its `account` argument) runs only for an operator who was given
//! that account (`zapdesk_core::access`). One check here instead of one per
//! command, so a command added later cannot forget it; the bindings test
//! keeps every account argument named `account`
//! (`account_arguments_are_named_account`).
//!
//! Tauri's invoke handler is synchronous and the check reads the store, so a
//! command that names an account is handed on from a task once the check
//! passes; those commands are all `async` and would run in a task anyway.

use std::sync::Arc;

use tauri::Manager;
use tauri::ipc::{Invoke, InvokeBody};
use zapdesk_core::AccountId;

use crate::{AppState, IpcError};

/// Wraps the commands' handler with the account check.
pub fn guarded(
    commands: impl Fn(Invoke<tauri::Wry>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    let commands = Arc::new(commands);
    move |invoke: Invoke<tauri::Wry>| {
        let account = match named_account(invoke.message.payload()) {
            Named::Nothing => return commands(invoke),
            Named::Account(account) => account,
            Named::Unreadable => {
                // Not an id: the command's own argument parsing would refuse
                // it too, but it must not get the chance to run unchecked.
                invoke.resolver.reject(unreadable_account());
                return true;
            }
        };
        let handle = invoke.message.webview().app_handle().clone();
        let commands = Arc::clone(&commands);
        tauri::async_runtime::spawn(async move {
            // Before the state is managed, or when the data folder did not
            // open, there is no account to reach: the command says why.
            let app = handle
                .try_state::<AppState>()
                .and_then(|state| state.app().ok().cloned());
            let checked = match app {
                Some(app) => app.require_account(account).await.map_err(IpcError::from),
                None => Ok(()),
            };
            match checked {
                Ok(()) => {
                    let resolver = invoke.resolver.clone();
                    let command = invoke.message.command().to_owned();
                    if !commands(invoke) {
                        resolver.reject(format!("Command {command} not found"));
                    }
                }
                Err(refused) => invoke.resolver.reject(refused),
            }
        });
        true
    }
}

/// What a command's arguments say about an account.
#[derive(Debug, PartialEq, Eq)]
pub enum Named {
    Nothing,
    Account(AccountId),
    Unreadable,
}

/// The `account` argument of a command's payload, if it has one.
pub fn named_account(payload: &InvokeBody) -> Named {
    let InvokeBody::Json(serde_json::Value::Object(arguments)) = payload else {
        return Named::Nothing;
    };
    match arguments.get("account") {
        None | Some(serde_json::Value::Null) => Named::Nothing,
        Some(value) => serde_json::from_value::<AccountId>(value.clone())
            .map_or(Named::Unreadable, Named::Account),
    }
}

fn unreadable_account() -> IpcError {
    let lang = crate::error::interface_lang();
    IpcError {
        code: zapdesk_core::ErrorCode::AccountNotGranted,
        message: lang
            .pick("Conta desconhecida.", "Unknown account.")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_account_argument_is_found_and_read() {
        let id = AccountId::new();
        assert_eq!(
            named_account(&InvokeBody::Json(json!({ "account": id, "query": {} }))),
            Named::Account(id)
        );
        assert_eq!(
            named_account(&InvokeBody::Json(json!({ "includeArchived": true }))),
            Named::Nothing
        );
        assert_eq!(
            named_account(&InvokeBody::Json(json!({ "account": "not-an-id" }))),
            Named::Unreadable
        );
        assert_eq!(
            named_account(&InvokeBody::Json(json!({ "account": 7 }))),
            Named::Unreadable
        );
        assert_eq!(named_account(&InvokeBody::Raw(vec![1, 2])), Named::Nothing);
    }
}
