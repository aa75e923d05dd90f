//! The AI key in the credential store, a memory one shared by every entry
//! (keyring's own mock keeps a secret only in the entry that set it, and
//! the app reads the key through a new entry): no real keychain is touched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};
use zapdesk_automation::{AiAccount, KeyRefused, SecretError, ai_key, forget_ai_key, keep_ai_key};
use zapdesk_core::automation::settings::AutomationSettings;
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

type Secrets = Arc<Mutex<HashMap<String, Vec<u8>>>>;

fn secrets() -> Secrets {
    static SECRETS: OnceLock<Secrets> = OnceLock::new();
    SECRETS.get_or_init(Default::default).clone()
}

struct MemoryKeyring;

impl CredentialBuilderApi for MemoryKeyring {
    fn build(
        &self,
        _target: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<Credential>> {
        Ok(Box::new(MemoryCredential {
            key: format!("{service}\u{0}{user}"),
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct MemoryCredential {
    key: String,
}

impl CredentialApi for MemoryCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        secrets()
            .lock()
            .unwrap()
            .insert(self.key.clone(), secret.to_vec());
        Ok(())
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        secrets()
            .lock()
            .unwrap()
            .get(&self.key)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        secrets()
            .lock()
            .unwrap()
            .remove(&self.key)
            .map(|_| ())
            .ok_or(keyring::Error::NoEntry)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub(crate) fn use_memory_keyring() {
    keyring::set_default_credential_builder(Box::new(MemoryKeyring));
}

const OPENAI: &str = "https://api.openai.com/v1";

fn kept(account: AccountId) -> Option<(String, Option<String>)> {
    ai_key(account)
        .unwrap()
        .map(|k| (k.expose().to_owned(), k.origin().map(str::to_owned)))
}

#[test]
fn the_ai_key_lives_in_the_credential_store_per_account_with_its_origin() {
    use_memory_keyring();
    let (shop, bakery) = (AccountId::new(), AccountId::new());
    assert_eq!(ai_key(shop).unwrap(), None);

    keep_ai_key(shop, "  sk-proj-abc123  ", OPENAI).unwrap();
    let openai = Some("https://api.openai.com:443".to_owned());
    assert_eq!(kept(shop), Some(("sk-proj-abc123".into(), openai.clone())));
    assert_eq!(kept(bakery), None, "one account's key is its own");

    keep_ai_key(shop, "sk-proj-new", OPENAI).unwrap();
    assert_eq!(kept(shop), Some(("sk-proj-new".into(), openai)));
    // Where it is kept: this desktop's (debug) service, the account's id;
    // the key with the origin it may be sent to.
    let stored = secrets().lock().unwrap().clone();
    let name = format!("app.zapdesk.desktop.dev/ai\u{0}{shop}");
    let stored: serde_json::Value = serde_json::from_slice(&stored[&name]).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({"key": "sk-proj-new", "origin": "https://api.openai.com:443"})
    );

    forget_ai_key(shop).unwrap();
    assert_eq!(ai_key(shop).unwrap(), None);
    forget_ai_key(shop).unwrap();
}

/// A key kept by the ZapDesk before origins (the key alone) is read, and
/// sent nowhere until it is kept again.
#[test]
fn a_key_kept_without_its_origin_is_sent_nowhere() {
    use_memory_keyring();
    let account = AccountId::new();
    let name = format!("app.zapdesk.desktop.dev/ai\u{0}{account}");
    secrets()
        .lock()
        .unwrap()
        .insert(name, b"sk-proj-from-before".to_vec());
    let key = ai_key(account).unwrap().unwrap();
    assert_eq!(key.expose(), "sk-proj-from-before");
    assert_eq!(key.origin(), None);
    assert_eq!(
        key.refusal("https://api.openai.com/v1/chat/completions"),
        Some(KeyRefused::OriginUnknown)
    );
    assert!(
        KeyRefused::OriginUnknown
            .to_string()
            .ends_with("guarde a chave de novo")
    );
}

#[test]
fn a_key_that_cannot_be_a_header_is_refused_and_nothing_is_kept() {
    use_memory_keyring();
    let account = AccountId::new();
    for bad in ["", "   ", "sk abc", "sk-abc\nx", "sk-ção"] {
        let err = keep_ai_key(account, bad, OPENAI).unwrap_err();
        assert!(matches!(err, SecretError::KeyInvalid), "{bad:?}: {err:?}");
        assert_eq!(err.code(), ErrorCode::AutomationSettingsInvalid);
        assert!(err.message(Lang::PtBr).contains("chave da IA"));
        assert!(err.message(Lang::En).contains("AI key"));
    }
    assert_eq!(ai_key(account).unwrap(), None);
}

/// A key is kept for an http(s) address, and not for plain http to another
/// computer: it would cross the network readable by anyone on the way.
#[test]
fn a_key_is_kept_only_for_an_address_it_may_travel_to() {
    use_memory_keyring();
    let account = AccountId::new();
    for (url, refused) in [
        ("http://192.168.0.10:4000/v1", "PlainHttp"),
        ("http://ai.agencia.com.br/v1", "PlainHttp"),
        ("ftp://ai.agencia.com.br/v1", "NoEndpoint"),
        ("", "NoEndpoint"),
    ] {
        let err = keep_ai_key(account, "sk-proj-abc", url).unwrap_err();
        assert_eq!(format!("{err:?}"), refused, "{url}");
        assert_eq!(err.code(), ErrorCode::AutomationSettingsInvalid);
        assert!(err.message(Lang::PtBr).contains("chave da IA"), "{url}");
    }
    assert_eq!(ai_key(account).unwrap(), None);
    for url in [
        "http://localhost:4000/v1",
        "http://127.0.0.1:4000/v1",
        "https://ai.agencia.com.br/v1",
    ] {
        keep_ai_key(account, "sk-proj-abc", url).unwrap();
        let key = ai_key(account).unwrap().unwrap();
        assert_eq!(
            key.refusal(&format!("{url}/chat/completions")),
            None,
            "{url}"
        );
    }
}

#[test]
fn the_key_never_prints() {
    use_memory_keyring();
    let account = AccountId::new();
    keep_ai_key(account, "sk-very-secret", OPENAI).unwrap();
    let key = ai_key(account).unwrap();
    let settings = AutomationSettings {
        ai_base_url: Some(OPENAI.into()),
        ai_model: Some("gpt-4o-mini".into()),
        ..AutomationSettings::default()
    };
    let ai = AiAccount::from_settings(&settings, key.clone());
    let shown = format!("{key:?} {ai:?}");
    assert!(!shown.contains("sk-very-secret"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert_eq!(
        ai.endpoint
            .and_then(|e| e.key)
            .map(|k| k.expose().to_owned()),
        Some("sk-very-secret".to_owned())
    );
}
