//! Each webhook's signing secret, in the operating system's credential
//! store (service `zapdesk-webhook`, user the webhook's id), as the AI key
//! and the sync password are kept: never in the database, a file, a log or
//! an error. 32 random bytes as 64 hex digits; shown once at creation, and
//! again when a person asks ("show secret"), or replaced ("rotate").
//!
//! `keyring` blocks (D-Bus on Linux): every call runs on tokio's blocking
//! pool.

use rand::RngCore;
use zapdesk_core::ids::WebhookId;
use zapdesk_core::{ErrorCode, Lang, UserError};

const SERVICE: &str = "zapdesk-webhook";

/// Why a secret could not be kept or read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("credential store: {0}")]
    Store(#[source] keyring::Error),
    /// This computer keeps no secret for the webhook (the credential store
    /// was reset, or the webhook's data folder was copied from elsewhere).
    #[error("no secret kept for the webhook")]
    Missing,
    /// The call never finished (the app is closing).
    #[error("credential store call interrupted")]
    Interrupted,
}

impl UserError for SecretError {
    fn code(&self) -> ErrorCode {
        // The credential store's code, whichever secret it failed to give.
        ErrorCode::RemoteSecretUnavailable
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            SecretError::Missing => lang.pick(
                "Este computador não guarda o segredo deste webhook (o cofre de senhas do sistema \
                 foi limpo?). Gere um novo segredo e atualize-o no destino.",
                "This computer does not keep this webhook's secret (was the system's password \
                 store cleared?). Generate a new secret and update it at the receiver.",
            ),
            SecretError::Store(_) | SecretError::Interrupted => lang.pick(
                "O cofre de senhas do sistema não respondeu, e o segredo do webhook não pôde ser \
                 guardado nem lido. No Linux, confira se o chaveiro (GNOME Keyring ou KWallet) \
                 está instalado e desbloqueado.",
                "The system's password store did not answer, so the webhook's secret could not \
                 be kept or read. On Linux, check that a keyring (GNOME Keyring or KWallet) is \
                 installed and unlocked.",
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

fn entry(webhook: WebhookId) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, &webhook.to_string()).map_err(store)
}

/// A new secret: 32 random bytes, in hex.
pub(crate) fn fresh() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|_| SecretError::Interrupted)?
}

pub(crate) async fn keep(webhook: WebhookId, secret: String) -> Result<(), SecretError> {
    blocking(move || entry(webhook)?.set_password(&secret).map_err(store)).await
}

pub(crate) async fn read(webhook: WebhookId) -> Result<String, SecretError> {
    blocking(move || read_blocking(webhook)).await
}

/// The read itself, blocking (the sender runs it on a thread of its own:
/// `secrets.rs`).
pub(crate) fn read_blocking(webhook: WebhookId) -> Result<String, SecretError> {
    match entry(webhook)?.get_password() {
        Ok(secret) => Ok(secret),
        Err(keyring::Error::NoEntry) => Err(SecretError::Missing),
        Err(e) => Err(store(e)),
    }
}

/// Forgetting a secret never kept is not an error.
pub(crate) async fn forget(webhook: WebhookId) -> Result<(), SecretError> {
    blocking(move || match entry(webhook)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(store(e)),
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_is_64_hex_digits_and_never_the_same() {
        let a = super::fresh();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, super::fresh());
    }
}
