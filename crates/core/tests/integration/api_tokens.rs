//! The local API's tokens, its Idempotency-Key claims and its settings,
//! against a real SQLite file.

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::api_tokens::idempotency::{self, Claim};
use zapdesk_core::api_tokens::{self, ApiTokenInput, Scope};
use zapdesk_core::domain::Role;
use zapdesk_core::ids::ApiTokenId;
use zapdesk_core::settings::{self, ApiSettings};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, ErrorCode, Store, UserError};

async fn account(store: &Store, name: &str) -> AccountId {
    accounts::create(
        store,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

fn input(name: &str, account: Option<AccountId>, scopes: &[Scope]) -> ApiTokenInput {
    ApiTokenInput {
        name: name.into(),
        account_id: account,
        scopes: scopes.to_vec(),
    }
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_checked_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = account(&store, "Padaria").await;

    let made = api_tokens::create(
        &store,
        &input(" n8n ", Some(acc), &[Scope::Send, Scope::Read, Scope::Send]),
    )
    .await
    .unwrap();
    let secret = made.secret.clone();
    assert!(secret.starts_with("zdk_"), "{secret}");
    assert_eq!(secret.len(), 4 + 32 + 1 + 64);
    assert_eq!(made.token.name, "n8n");
    assert_eq!(made.token.scopes, vec![Scope::Read, Scope::Send]);
    assert_eq!(made.token.account_id, Some(acc));
    assert!(made.token.prefix.starts_with(&secret[..12]));
    assert!(made.token.prefix.ends_with(&secret[secret.len() - 4..]));
    assert_eq!(made.token.last_used_at, None);

    // The secret is nowhere in the database file, only its hash.
    store.clone().close().await;
    let store = Store::open(dir.path()).await.unwrap();
    let raw = std::fs::read(dir.path().join("zapdesk.sqlite3")).unwrap();
    let secret_part = secret.rsplit('_').next().unwrap();
    assert!(
        !raw.windows(secret_part.len())
            .any(|w| w == secret_part.as_bytes())
    );
    // Nor in the list.
    let listed = api_tokens::list(&store).await.unwrap();
    assert_eq!(listed, vec![made.token.clone()]);
    assert!(!format!("{listed:?}").contains(secret_part));

    let ok = api_tokens::verify(&store, &secret).await.unwrap().unwrap();
    assert_eq!(ok.id, made.token.id);
    assert!(ok.allows(Scope::Send) && !ok.allows(Scope::Manage));
    assert!(ok.sees(acc) && !ok.sees(AccountId::new()));

    // One character changed, a made-up id, garbage: not a token.
    let last = secret.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &secret[..secret.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let unknown = format!(
        "zdk_{}_{}",
        ApiTokenId::new().as_uuid().simple(),
        secret_part
    );
    for bad in [
        flipped.as_str(),
        unknown.as_str(),
        "",
        "Bearer x",
        &secret[..40],
    ] {
        assert_eq!(
            api_tokens::verify(&store, bad).await.unwrap(),
            None,
            "{bad}"
        );
    }

    api_tokens::touch(&store, made.token.id, 1_000)
        .await
        .unwrap();
    // An older time does not move it back.
    api_tokens::touch(&store, made.token.id, 500).await.unwrap();
    assert_eq!(
        api_tokens::get(&store, made.token.id)
            .await
            .unwrap()
            .last_used_at,
        Some(1_000)
    );

    let revoked = api_tokens::revoke(&store, made.token.id).await.unwrap();
    let at = revoked.revoked_at.unwrap();
    assert_eq!(api_tokens::verify(&store, &secret).await.unwrap(), None);
    // Revoking again keeps the first time.
    let again = api_tokens::revoke(&store, made.token.id).await.unwrap();
    assert_eq!(again.revoked_at, Some(at));
    let e = api_tokens::revoke(&store, ApiTokenId::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiTokenUnknown);
}

#[tokio::test]
async fn names_scopes_accounts_and_agency_tokens_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = account(&store, "Padaria").await;

    for (bad, code) in [
        (
            input("  ", Some(acc), &[Scope::Read]),
            ErrorCode::ApiTokenInvalid,
        ),
        (
            input(&"x".repeat(81), Some(acc), &[Scope::Read]),
            ErrorCode::ApiTokenInvalid,
        ),
        (
            input("Sem escopo", Some(acc), &[]),
            ErrorCode::ApiTokenInvalid,
        ),
        (
            input("Conta?", Some(AccountId::new()), &[Scope::Read]),
            ErrorCode::AccountUnknown,
        ),
        // Nobody chosen at this desktop: not an owner.
        (
            input("Agência", None, &[Scope::Read]),
            ErrorCode::ApiForbidden,
        ),
    ] {
        let e = api_tokens::create(&store, &bad).await.unwrap_err();
        assert_eq!(e.code(), code, "{bad:?}");
        assert!(!e.message(zapdesk_core::Lang::En).is_empty());
    }
    assert!(api_tokens::list(&store).await.unwrap().is_empty());

    // An agent may not; the owner may.
    let agent = users::create(
        &store,
        &UserInput {
            name: "Ana".into(),
            email: "ana@agencia.com".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    users::set_me(&store, agent.id).await.unwrap();
    let e = api_tokens::create(&store, &input("Agência", None, &[Scope::Read]))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiForbidden);
    let owner = users::create(
        &store,
        &UserInput {
            name: "Dona".into(),
            email: "dona@agencia.com".into(),
            role: Role::Owner,
        },
    )
    .await
    .unwrap();
    users::set_me(&store, owner.id).await.unwrap();
    let agency = api_tokens::create(&store, &input("Agência", None, &[Scope::Manage]))
        .await
        .unwrap();
    let ok = api_tokens::verify(&store, &agency.secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ok.account_id, None);
    assert!(ok.sees(acc) && ok.sees(AccountId::new()));

    // An account's tokens go with it.
    let other = account(&store, "Outra").await;
    let theirs = api_tokens::create(&store, &input("Deles", Some(other), &[Scope::Read]))
        .await
        .unwrap();
    assert_eq!(api_tokens::list(&store).await.unwrap().len(), 2);
    assert_eq!(
        api_tokens::list(&store).await.unwrap()[0].id,
        theirs.token.id,
        "newest first"
    );
}

#[tokio::test]
async fn an_idempotency_key_is_one_request_and_its_message_id_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = account(&store, "Padaria").await;
    let other = account(&store, "Outra").await;
    let token = api_tokens::create(&store, &input("n8n", Some(acc), &[Scope::Send]))
        .await
        .unwrap()
        .token
        .id;
    let agency_like = api_tokens::create(&store, &input("outro", Some(acc), &[Scope::Send]))
        .await
        .unwrap()
        .token
        .id;

    let a = [1u8; 32];
    let b = [2u8; 32];
    let claim = |token, acc, hash| {
        let store = store.clone();
        async move {
            idempotency::claim(&store, acc, token, "pedido-42", &hash)
                .await
                .unwrap()
        }
    };
    assert_eq!(claim(token, acc, a).await, Claim::First);
    // The same request again (a retry): go on, the key not this try's.
    assert_eq!(claim(token, acc, a).await, Claim::Retry);
    // Another request under the key: refused.
    assert_eq!(claim(token, acc, b).await, Claim::Conflict);
    // Keys are each token's and each account's.
    assert_eq!(claim(agency_like, acc, b).await, Claim::First);
    assert_eq!(claim(token, other, b).await, Claim::First);
    // A release with another request's hash frees nothing.
    idempotency::release(&store, acc, token, "pedido-42", &b)
        .await
        .unwrap();
    assert_eq!(claim(token, acc, b).await, Claim::Conflict);
    // Released after a refusal: the fixed request may use it.
    idempotency::release(&store, acc, token, "pedido-42", &a)
        .await
        .unwrap();
    assert_eq!(claim(token, acc, b).await, Claim::First);

    let id = idempotency::message_id(acc, token, "pedido-42", &a);
    assert_eq!(id, idempotency::message_id(acc, token, "pedido-42", &a));
    assert_ne!(id, idempotency::message_id(acc, token, "pedido-43", &a));
    assert_ne!(
        id,
        idempotency::message_id(acc, agency_like, "pedido-42", &a)
    );
    assert_ne!(id, idempotency::message_id(other, token, "pedido-42", &a));
    // Another request under the same key (once the key is forgotten) is
    // another message, never the first one again.
    assert_ne!(id, idempotency::message_id(acc, token, "pedido-42", &b));
}

#[tokio::test]
async fn the_api_settings_have_defaults_and_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(
        settings::api(&store).await.unwrap(),
        ApiSettings {
            port: settings::API_DEFAULT_PORT,
            lan: false
        }
    );
    let chosen = ApiSettings {
        port: 9100,
        lan: true,
    };
    settings::set_api(&store, chosen).await.unwrap();
    assert_eq!(settings::api(&store).await.unwrap(), chosen);
    settings::set_api(
        &store,
        ApiSettings {
            port: 9101,
            lan: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        settings::api(&store).await.unwrap(),
        ApiSettings {
            port: 9101,
            lan: false
        }
    );
}
