//! The AI key of an account, in the operating system's credential store
//! (Keychain, Windows Credential Manager, Secret Service) through `keyring`,
//! as `zapdesk-sync` keeps the sync password: never in the database (which
//! syncs), a file, a log or an error. Each desktop keeps its own copy; the
//! endpoint's URL and model sync with the settings, the key does not.
//!
//! `keyring` blocks (D-Bus on Linux): from async code, call these through
//! `tokio::task::spawn_blocking`.

use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

/// An AI key. `Debug` prints `<redacted>`; there is no `Display` and no
/// `Serialize`: [`AiKey::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct AiKey(String);

impl AiKey {
    pub fn new(text: impl Into<String>) -> AiKey {
        AiKey(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AiKey(<redacted>)")
    }
}

/// The credential store's service name, apart for debug builds so that a
/// developer's build never reads or overwrites the installed app's entry
/// (the same naming as the sync password's `…/remote`).
const SERVICE: &str = if cfg!(debug_assertions) {
    "app.zapdesk.desktop.dev/ai"
} else {
    "app.zapdesk.desktop/ai"
};

/// Why the key could not be kept or read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Empty after trimming, or with characters an HTTP header cannot carry
    /// (spaces inside, line breaks, non-ASCII).
    #[error("the AI key is not valid")]
    KeyInvalid,
    #[error("credential store: {0}")]
    Store(#[source] keyring::Error),
    /// The call to the store never finished (its task was cancelled: the
    /// app is closing).
    #[error("credential store call interrupted")]
    Interrupted,
}

impl UserError for SecretError {
    fn code(&self) -> ErrorCode {
        // Core has no code of its own for the AI key yet; the settings'
        // code puts the message beside the key's field.
        ErrorCode::AutomationSettingsInvalid
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            SecretError::KeyInvalid => lang.pick(
                "A chave da IA não parece válida: cole-a de novo, sem espaços nem quebras de linha.",
                "The AI key does not look valid: paste it again, without spaces or line breaks.",
            ),
            SecretError::Store(_) | SecretError::Interrupted => lang.pick(
                "O cofre de senhas do sistema não respondeu, e a chave da IA não pôde ser guardada \
                 nem lida. No Linux, confira se o chaveiro (GNOME Keyring ou KWallet) está \
                 instalado e desbloqueado.",
                "The system's password store did not answer, so the AI key could not be kept \
                 or read. On Linux, check that a keyring (GNOME Keyring or KWallet) is installed \
                 and unlocked.",
            ),
        }
        .to_owned()
    }
}

/// keyring's `BadEncoding` carries the stored bytes: they never reach a
/// `Debug` or a log.
fn store(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::BadEncoding(_) => {
            SecretError::Store(keyring::Error::BadEncoding(Vec::new()))
        }
        e => SecretError::Store(e),
    }
}

fn entry(account: AccountId) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, &account.to_string()).map_err(store)
}

/// Keeps (`Some`) or forgets (`None`) the account's AI key on this computer.
/// The key is trimmed; forgetting a key never saved is not an error.
pub fn set_ai_key(account: AccountId, key: Option<&str>) -> Result<(), SecretError> {
    let entry = entry(account)?;
    match key.map(str::trim) {
        Some(key) => {
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(SecretError::KeyInvalid);
            }
            entry.set_password(key).map_err(store)
        }
        None => match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(store(e)),
        },
    }
}

/// The account's AI key on this computer; `None` when none was saved (an
/// Ollama needs none).
pub fn ai_key(account: AccountId) -> Result<Option<AiKey>, SecretError> {
    match entry(account)?.get_password() {
        Ok(text) => Ok(Some(AiKey(text))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(store(e)),
    }
}
