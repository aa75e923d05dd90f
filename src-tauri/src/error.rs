//! The one error shape that crosses IPC: `{code, message}`. The UI branches on
//! `code`; `message` is already in the user's language, read from one place
//! ([`interface_lang`]), so every error of the core converts with `?`.

use std::sync::RwLock;

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

/// The language of this process's interface: set at start from the saved
/// setting and whenever the operator changes it. A process shows one window,
/// so one value, read by every error that crosses IPC.
static LANG: RwLock<Lang> = RwLock::new(Lang::PtBr);

pub fn interface_lang() -> Lang {
    *LANG.read().unwrap_or_else(|p| p.into_inner())
}

pub fn set_interface_lang(lang: Lang) {
    *LANG.write().unwrap_or_else(|p| p.into_inner()) = lang;
}

/// Any error of the product becomes what the UI receives, in the interface's
/// language: commands use `?`.
impl<E: UserError> From<E> for IpcError {
    fn from(error: E) -> IpcError {
        IpcError::new(&error, interface_lang())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> Result<(), IpcError> {
        Err(zapdesk_core::tags::TagError::Duplicate("VIP".into()))?
    }

    #[test]
    fn a_core_error_crosses_in_the_interface_language() {
        set_interface_lang(Lang::En);
        let english = refused().unwrap_err();
        set_interface_lang(Lang::PtBr);
        let portuguese = refused().unwrap_err();
        assert_eq!(english.code, portuguese.code);
        assert_ne!(english.message, portuguese.message);
        assert_eq!(
            portuguese.message,
            zapdesk_core::tags::TagError::Duplicate("VIP".into()).message(Lang::PtBr)
        );
    }
}
