//! The AI key of an account, in the operating system's credential store
//! (Keychain, Windows Credential Manager, Secret Service) through `keyring`,
//! as `zapdesk-sync` keeps the sync password: never in the database (which
//! syncs), a file, a log or an error. Each desktop keeps its own copy; the
//! endpoint's URL and model sync with the settings, the key does not.
//!
//! A key is kept with the origin (scheme, host and port) of the endpoint it
//! was kept for, and is sent there only ([`AiKey::refusal`]): the endpoint's
//! address is a synced setting that any member of the account can change,
//! and the key must not follow it to an address someone else chose. A key
//! kept by an older ZapDesk, without its origin, is sent nowhere (keep it
//! again), and no key goes over plain `http://` to another computer.
//!
//! `keyring` blocks (D-Bus on Linux): from async code, call these through
//! `tokio::task::spawn_blocking`.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;
use serde::{Deserialize, Serialize};
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

use crate::address::{Range, range};

/// An AI key and the origin it may be sent to. `Debug` prints
/// `<redacted>`; there is no `Display` and no `Serialize`:
/// [`AiKey::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct AiKey {
    secret: String,
    /// `None`: kept by a ZapDesk that did not keep the origin.
    origin: Option<String>,
}

impl AiKey {
    /// A key for the endpoint at `base_url`: it may be sent to that URL's
    /// origin only (none, if `base_url` is not an http(s) URL).
    pub fn for_endpoint(secret: impl Into<String>, base_url: &str) -> AiKey {
        AiKey {
            secret: secret.into(),
            origin: origin(base_url),
        }
    }

    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// The origin the key was kept for (`https://api.openai.com:443`);
    /// `None` for a key kept by an older ZapDesk.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// Why the key may not be sent to `url`, or `None` when it may: to the
    /// origin it was kept for, and over plain `http://` only to this
    /// computer.
    pub fn refusal(&self, url: &str) -> Option<KeyRefused> {
        let Some(kept) = &self.origin else {
            return Some(KeyRefused::OriginUnknown);
        };
        if origin(url).as_ref() != Some(kept) {
            return Some(KeyRefused::OtherOrigin);
        }
        if !encrypted_or_local(url) {
            return Some(KeyRefused::PlainHttp);
        }
        None
    }
}

impl fmt::Debug for AiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AiKey(<redacted>)")
    }
}

/// Why a kept key is not sent to the account's AI endpoint. Its text is the
/// AI call's failure reason, for the bot's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefused {
    /// Kept by an older ZapDesk, without the address it was kept for.
    OriginUnknown,
    /// Kept for another scheme, host or port than the endpoint's now.
    OtherOrigin,
    /// The endpoint is plain `http://` on another computer.
    PlainHttp,
}

impl fmt::Display for KeyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRefused::OriginUnknown => {
                "a chave da IA foi guardada neste computador por uma versão anterior do \
                 ZapDesk, sem o endereço a que se destina: guarde a chave de novo"
            }
            KeyRefused::OtherOrigin => {
                "o endereço da IA mudou desde que a chave foi guardada neste computador: \
                 guarde a chave de novo"
            }
            KeyRefused::PlainHttp => {
                "a chave da IA não é enviada por http:// sem criptografia a outro \
                 computador: use um endereço https://"
            }
        })
    }
}

/// `scheme://host:port` of an http(s) URL, the port always written (the
/// scheme's own when the URL has none); `None` for anything else.
pub fn origin(url: &str) -> Option<String> {
    let url = Url::parse(url.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str().filter(|h| !h.is_empty())?;
    let port = url.port_or_known_default()?;
    Some(format!("{}://{host}:{port}", url.scheme()))
}

/// `https://`, or `http://` to this computer (`localhost`, a loopback
/// address): where a key may travel without TLS.
fn encrypted_or_local(url: &str) -> bool {
    let Ok(url) = Url::parse(url.trim()) else {
        return false;
    };
    match url.scheme() {
        "https" => true,
        "http" => {
            let host = url.host_str().unwrap_or("");
            let literal = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost")
                || literal
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| range(ip) == Some(Range::Loopback))
        }
        _ => false,
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
    /// The account names no AI endpoint (or one that is no http(s) URL): a
    /// key is kept for an endpoint.
    #[error("no AI endpoint to keep the key for")]
    NoEndpoint,
    /// The endpoint is plain `http://` on another computer: the key would
    /// cross the network unencrypted.
    #[error("the AI endpoint is plain http on another computer")]
    PlainHttp,
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
            SecretError::NoEndpoint => lang.pick(
                "Salve primeiro o endereço da IA (URL base) nas configurações do bot: a chave \
                 da IA fica guardada para esse endereço e só é enviada a ele.",
                "Save the AI address (base URL) in the bot's settings first: the AI key is kept \
                 for that address and sent only there.",
            ),
            SecretError::PlainHttp => lang.pick(
                "A chave da IA não é enviada por http:// sem criptografia a outro computador: \
                 use um endereço https:// (http:// só para este computador, localhost).",
                "The AI key is not sent over unencrypted http:// to another computer: use an \
                 https:// address (http:// only for this computer, localhost).",
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

/// What the credential store holds for an account: the key and its origin.
#[derive(Serialize, Deserialize)]
struct Kept {
    key: String,
    origin: String,
}

/// Keeps the account's AI key on this computer for the endpoint at
/// `base_url` (the account's `ai_base_url` when the key is given): it will
/// be sent to that origin only. The key is trimmed.
pub fn keep_ai_key(account: AccountId, key: &str, base_url: &str) -> Result<(), SecretError> {
    let key = key.trim();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SecretError::KeyInvalid);
    }
    let origin = origin(base_url).ok_or(SecretError::NoEndpoint)?;
    if !encrypted_or_local(base_url) {
        return Err(SecretError::PlainHttp);
    }
    let kept = serde_json::to_string(&Kept {
        key: key.to_owned(),
        origin,
    })
    // Two strings: it cannot fail; were it to, nothing is kept.
    .map_err(|_| SecretError::KeyInvalid)?;
    entry(account)?.set_password(&kept).map_err(store)
}

/// Forgets the account's AI key on this computer; forgetting a key never
/// saved is not an error.
pub fn forget_ai_key(account: AccountId) -> Result<(), SecretError> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(store(e)),
    }
}

/// The account's AI key on this computer; `None` when none was saved (an
/// Ollama needs none). A key kept by an older ZapDesk (the key alone) is read
/// with no origin: it is sent nowhere until kept again.
pub fn ai_key(account: AccountId) -> Result<Option<AiKey>, SecretError> {
    match entry(account)?.get_password() {
        Ok(text) => Ok(Some(match serde_json::from_str::<Kept>(&text) {
            Ok(kept) => AiKey {
                secret: kept.key,
                origin: Some(kept.origin),
            },
            Err(_) => AiKey {
                secret: text,
                origin: None,
            },
        })),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(store(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        let cases = [
            (
                "https://api.openai.com/v1",
                Some("https://api.openai.com:443"),
            ),
            (
                "https://API.OpenAI.com:443/v1/",
                Some("https://api.openai.com:443"),
            ),
            ("http://localhost:11434/v1", Some("http://localhost:11434")),
            ("http://[::1]/v1", Some("http://[::1]:80")),
            (" http://127.0.0.1:8080 ", Some("http://127.0.0.1:8080")),
            ("ftp://example.com", None),
            ("not a url", None),
        ];
        for (url, expected) in cases {
            assert_eq!(origin(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn a_key_goes_only_to_its_origin_and_never_over_plain_http_elsewhere() {
        let openai = AiKey::for_endpoint("sk-1", "https://api.openai.com/v1");
        assert_eq!(
            openai.refusal("https://api.openai.com/v1/chat/completions"),
            None
        );
        assert_eq!(openai.refusal("https://api.openai.com:443/other/v1"), None);
        for elsewhere in [
            "https://attacker.example/v1/chat/completions",
            "http://api.openai.com/v1/chat/completions",
            "https://api.openai.com:8443/v1/chat/completions",
            "https://api.openai.com.attacker.example/v1",
            "nonsense",
        ] {
            assert_eq!(
                openai.refusal(elsewhere),
                Some(KeyRefused::OtherOrigin),
                "{elsewhere}"
            );
        }
        let old = AiKey {
            secret: "sk-old".into(),
            origin: None,
        };
        assert_eq!(
            old.refusal("https://api.openai.com/v1/chat/completions"),
            Some(KeyRefused::OriginUnknown)
        );
        let local = AiKey::for_endpoint("sk-2", "http://localhost:4000/v1");
        assert_eq!(
            local.refusal("http://localhost:4000/v1/chat/completions"),
            None
        );
        let loopback = AiKey::for_endpoint("sk-3", "http://127.0.0.1:4000/v1");
        assert_eq!(
            loopback.refusal("http://127.0.0.1:4000/v1/chat/completions"),
            None
        );
        // Kept for a plain http address on the network (by hand, or by a
        // rule that allowed it): still not sent.
        let lan = AiKey::for_endpoint("sk-4", "http://192.168.0.10:4000/v1");
        assert_eq!(
            lan.refusal("http://192.168.0.10:4000/v1/chat/completions"),
            Some(KeyRefused::PlainHttp)
        );
        assert!(
            KeyRefused::OtherOrigin.to_string().starts_with(
                "o endereço da IA mudou desde que a chave foi guardada neste computador"
            )
        );
    }
}
