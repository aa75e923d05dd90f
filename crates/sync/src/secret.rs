//! Passwords: a type that never prints itself, and their place in the
//! operating system's credential store (Keychain, Windows Credential Manager,
//! Secret Service) through `keyring`. A password is never written to a plain
//! file, a log or an error.

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::connection::ConnectionSettings;
use crate::error::RemoteError;

/// A password. `Debug` prints `<redacted>`; there is no `Display` and no
/// `Serialize`: [`Password::expose`] is the one way to read it, so every place
/// that shows one is easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// 32 letters and digits from the thread's CSPRNG (about 190 bits): easy
    /// to copy, no character that needs escaping in a URL or a shell.
    pub fn generate() -> Password {
        Password(
            rand::rng()
                .sample_iter(&Alphanumeric)
                .take(32)
                .map(char::from)
                .collect(),
        )
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The credential store's service name, apart for debug builds so that a
/// developer's build never reads or overwrites the installed app's entry.
/// Tests use keyring's mock store and touch no real keychain at all.
const SERVICE: &str = if cfg!(debug_assertions) {
    "app.zapdesk.desktop.dev/remote"
} else {
    "app.zapdesk.desktop/remote"
};

/// The credential store entry of one connection's password, keyed by
/// operator, host, port and database.
pub struct SavedPassword {
    entry: keyring::Entry,
    operator: String,
}

impl SavedPassword {
    pub fn of(settings: &ConnectionSettings) -> Result<SavedPassword, RemoteError> {
        let user = format!(
            "{}@{}:{}/{}",
            settings.operator, settings.host, settings.port, settings.database
        );
        Ok(SavedPassword {
            entry: keyring::Entry::new(SERVICE, &user).map_err(RemoteError::Secret)?,
            operator: settings.operator.clone(),
        })
    }

    pub fn save(&self, password: &Password) -> Result<(), RemoteError> {
        self.entry
            .set_password(password.expose())
            .map_err(RemoteError::Secret)
    }

    pub fn load(&self) -> Result<Password, RemoteError> {
        match self.entry.get_password() {
            Ok(text) => Ok(Password(text)),
            Err(keyring::Error::NoEntry) => Err(RemoteError::SecretMissing {
                operator: self.operator.clone(),
            }),
            Err(e) => Err(RemoteError::Secret(e)),
        }
    }

    /// Removes the password; nothing saved is not an error.
    pub fn forget(&self) -> Result<(), RemoteError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(RemoteError::Secret(e)),
        }
    }
}
