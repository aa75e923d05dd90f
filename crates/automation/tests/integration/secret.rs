//! The AI key in the credential store, a memory one shared by every entry
//! (keyring's own mock keeps a secret only in the entry that set it, and
//! the app reads the key through a new entry): no real keychain is touched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};
use zapdesk_automation::{AiAccount, AiKey, SecretError, ai_key, set_ai_key};
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

#[test]
fn the_ai_key_lives_in_the_credential_store_per_account() {
    use_memory_keyring();
    let (shop, bakery) = (AccountId::new(), AccountId::new());
    assert_eq!(ai_key(shop).unwrap(), None);

    set_ai_key(shop, Some("  sk-proj-abc123  ")).unwrap();
    assert_eq!(ai_key(shop).unwrap(), Some(AiKey::new("sk-proj-abc123")));
    assert_eq!(
        ai_key(bakery).unwrap(),
        None,
        "one account's key is its own"
    );

    set_ai_key(shop, Some("sk-proj-new")).unwrap();
    assert_eq!(ai_key(shop).unwrap(), Some(AiKey::new("sk-proj-new")));
    // Where it is kept: this desktop's (debug) service, the account's id.
    let stored = secrets().lock().unwrap().clone();
    let name = format!("app.zapdesk.desktop.dev/ai\u{0}{shop}");
    assert_eq!(
        stored.get(&name).map(Vec::as_slice),
        Some(&b"sk-proj-new"[..])
    );

    set_ai_key(shop, None).unwrap();
    assert_eq!(ai_key(shop).unwrap(), None);
    set_ai_key(shop, None).unwrap();
}

#[test]
fn a_key_that_cannot_be_a_header_is_refused_and_nothing_is_kept() {
    use_memory_keyring();
    let account = AccountId::new();
    for bad in ["", "   ", "sk abc", "sk-abc\nx", "sk-ção"] {
        let err = set_ai_key(account, Some(bad)).unwrap_err();
        assert!(matches!(err, SecretError::KeyInvalid), "{bad:?}: {err:?}");
        assert_eq!(err.code(), ErrorCode::AutomationSettingsInvalid);
        assert!(err.message(Lang::PtBr).contains("chave da IA"));
        assert!(err.message(Lang::En).contains("AI key"));
    }
    assert_eq!(ai_key(account).unwrap(), None);
}

#[test]
fn the_key_never_prints() {
    use_memory_keyring();
    let account = AccountId::new();
    set_ai_key(account, Some("sk-very-secret")).unwrap();
    let key = ai_key(account).unwrap();
    let settings = AutomationSettings {
        ai_base_url: Some("https://api.openai.com/v1".into()),
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
