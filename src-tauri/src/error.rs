//! The one error shape that crosses IPC: `{code, message}`. The UI branches on
//! `code`; `message` is already in the user's language.

use serde::Serialize;
use zapdesk_core::{ErrorCode, Lang, UserError};

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(error: &dyn UserError, lang: Lang) -> IpcError {
        IpcError {
            code: error.code(),
            message: error.message(lang),
        }
    }
}
