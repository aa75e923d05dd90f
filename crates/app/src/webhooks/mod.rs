//! Outgoing webhooks in the running app: the operations of the Webhooks
//! screen and the API (each a write reported to the other screens, and a
//! wake of the sender), the secrets in the keyring (`secret`), the signed
//! attempt (`sign`, `attempt`), the QR codes from the fleet (`qr`) and the
//! sender itself (`sender`). The store's side — the webhooks, the events
//! the triggers queue, the delivery log — is `zapdesk_core::webhooks`.

mod attempt;
mod qr;
mod secret;
mod secret_sync;
mod secrets;
mod sender;
mod sign;

use zapdesk_core::changes::Table;
use zapdesk_core::ids::{DeliveryId, WebhookId};
use zapdesk_core::webhooks::{self, Delivery, Webhook, WebhookError, WebhookInput};
use zapdesk_core::{AccountId, ErrorCode, Lang, UserError};

pub use attempt::USER_AGENT;
pub use secret::SecretError;
pub use sender::WebhookConfig;
pub(crate) use sender::WebhookSender;
pub use sign::signature;

/// The exchange of webhook secrets with the agency's server, for the app's
/// followers (`secret_sync.rs`).
pub(crate) fn follow_secrets(app: &App) -> tokio::task::JoinHandle<()> {
    secret_sync::follow(app.clone(), app.webhook_sender().secrets_asked())
}

use crate::App;

/// What a write of a webhook changes.
pub const WEBHOOK_TABLES: &[Table] = &[Table::Webhooks];
/// What deleting a webhook changes: its log goes with it.
pub const WEBHOOK_DELETE_TABLES: &[Table] = &[Table::Webhooks, Table::WebhookDeliveries];
/// What "send again" and "send test event" change: a new line of the log.
pub const DELIVERY_TABLES: &[Table] = &[Table::WebhookDeliveries];
/// Lines of the log per page.
pub const LOG_PAGE: u32 = 50;

/// A webhook operation's failure: the core's refusal, or the credential
/// store's.
#[derive(Debug, thiserror::Error)]
pub enum WebhookOpError {
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl UserError for WebhookOpError {
    fn code(&self) -> ErrorCode {
        match self {
            WebhookOpError::Webhook(e) => e.code(),
            WebhookOpError::Secret(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            WebhookOpError::Webhook(e) => e.message(lang),
            WebhookOpError::Secret(e) => e.message(lang),
        }
    }
}

impl App {
    /// The account's webhooks.
    pub async fn webhooks_list(&self, account: AccountId) -> Result<Vec<Webhook>, WebhookError> {
        webhooks::list(self.store(), account).await
    }

    /// Adds a webhook, on, with a new secret kept in this computer's
    /// credential store; the secret is returned to be shown once (it can be
    /// shown again with [`App::webhooks_secret`]). The secret is kept
    /// first, so the webhook exists (and its events are delivered) only
    /// once its secret does; when it cannot be kept, no webhook is made.
    pub async fn webhooks_create(
        &self,
        account: AccountId,
        input: &WebhookInput,
    ) -> Result<(Webhook, String), WebhookOpError> {
        let made = async {
            // What was sent is judged first: a bad address is refused as
            // such even when the credential store is out of reach.
            webhooks::check(input)?;
            let id = WebhookId::new();
            let fresh = secret::fresh();
            secret::keep(id, fresh.clone()).await?;
            self.webhook_sender()
                .remember_secret(id, Some(fresh.clone()));
            match webhooks::create_as(self.store(), account, id, input).await {
                Ok(webhook) => {
                    // To the agency's server, for the desktops that run
                    // the account's numbers.
                    self.webhook_sender().ask_secrets();
                    Ok((webhook, fresh))
                }
                Err(e) => {
                    // Refused (a bad address, an account closed): no secret
                    // left behind for a webhook that never was.
                    self.webhook_sender().remember_secret(id, None);
                    if let Err(undo) = secret::forget(id).await {
                        tracing::warn!("webhooks: forgetting the secret of {id}: {undo}");
                    }
                    Err(WebhookOpError::from(e))
                }
            }
        };
        self.wrote(Some(account), WEBHOOK_TABLES, made).await
    }

    /// Changes a webhook's address, events and format.
    pub async fn webhooks_update(
        &self,
        account: AccountId,
        id: WebhookId,
        input: &WebhookInput,
    ) -> Result<Webhook, WebhookError> {
        let done = self
            .wrote(
                Some(account),
                WEBHOOK_TABLES,
                webhooks::update(self.store(), account, id, input),
            )
            .await;
        self.webhook_sender().wake();
        done
    }

    /// Turns a webhook on (what waited goes out) or off.
    pub async fn webhooks_set_enabled(
        &self,
        account: AccountId,
        id: WebhookId,
        on: bool,
    ) -> Result<Webhook, WebhookError> {
        let done = self
            .wrote(
                Some(account),
                WEBHOOK_TABLES,
                webhooks::set_enabled(self.store(), account, id, on),
            )
            .await;
        self.webhook_sender().wake();
        done
    }

    /// Deletes a webhook, its log and its secret.
    pub async fn webhooks_delete(
        &self,
        account: AccountId,
        id: WebhookId,
    ) -> Result<(), WebhookOpError> {
        let done = async {
            webhooks::delete(self.store(), account, id).await?;
            self.webhook_sender().remember_secret(id, None);
            // The webhook is gone already: a secret the store would not
            // forget is only a leftover, not a failure of the delete (the
            // secrets' exchange tries again, `secret_sync.rs`). The server's
            // copy goes with the webhook's tombstone (remote 0020).
            match secret::forget(id).await {
                Ok(()) => {
                    if let Err(e) = webhooks::secret_work::forgotten(self.store(), id).await {
                        tracing::warn!("webhooks: forgetting the secret of {id}: {e}");
                    }
                }
                Err(e) => tracing::warn!("webhooks: forgetting the secret of {id}: {e}"),
            }
            Ok(())
        };
        self.wrote(Some(account), WEBHOOK_DELETE_TABLES, done).await
    }

    /// The webhook's secret, for "show secret": this desktop's keyring
    /// (fetched from the agency's server on a desktop that did not make it).
    pub async fn webhooks_secret(
        &self,
        account: AccountId,
        id: WebhookId,
    ) -> Result<String, WebhookOpError> {
        webhooks::get(self.store(), account, id).await?;
        Ok(secret::read(id).await?)
    }

    /// Replaces the webhook's secret; deliveries from now on are signed
    /// with the new one (the receiver must be given it).
    pub async fn webhooks_rotate_secret(
        &self,
        account: AccountId,
        id: WebhookId,
    ) -> Result<String, WebhookOpError> {
        let done = async {
            webhooks::get(self.store(), account, id).await?;
            // Not while the secrets' exchange keeps a fetched secret or
            // reads one to publish (`secret_sync.rs`): an older secret
            // fetched meanwhile never lands over this one.
            let _turn = self.webhook_sender().secret_turn().await;
            let fresh = secret::fresh();
            // The synced version moves first (the other desktops fetch the
            // new secret, published next, before they sign with it), then
            // the keyring. If the version cannot move (busy, disk full),
            // nothing changed: the old secret stays in the keyring and the
            // cache. If the keyring then refuses, or the app dies between
            // the two, this desktop records version n+1 as kept while its
            // keyring still holds the old secret: that is what signs here
            // and what the exchange publishes as n+1 (it reads the keyring),
            // so every desktop signs with the secret the receiver still has
            // (nobody was shown the new one), never with one nobody has.
            // The person sees the error and rotates again.
            webhooks::secret_versions::rotated(self.store(), account, id).await?;
            secret::keep(id, fresh.clone()).await?;
            self.webhook_sender()
                .remember_secret(id, Some(fresh.clone()));
            self.webhook_sender().ask_secrets();
            Ok(fresh)
        };
        self.wrote(Some(account), WEBHOOK_TABLES, done).await
    }

    /// The secrets' exchange's step for one fetched secret (`version` of
    /// the webhook's secret, from the agency's server): kept in this
    /// desktop's keyring unless the version kept here is already as new
    /// (a rotation here while the fetch was in flight); whether it was
    /// kept. Public for the tests, which drive it with a stale answer.
    #[doc(hidden)]
    pub async fn webhooks_take_fetched_secret(
        &self,
        account: AccountId,
        id: WebhookId,
        version: i64,
        fetched: String,
    ) -> Result<bool, String> {
        secret_sync::take_fetched(self, account, id, version, fetched).await
    }

    /// A page of the webhook's delivery log, newest first, before the line
    /// whose `seq` is `before`.
    pub async fn webhooks_deliveries(
        &self,
        account: AccountId,
        webhook: WebhookId,
        before: Option<i64>,
    ) -> Result<Vec<Delivery>, WebhookError> {
        webhooks::deliveries(self.store(), account, webhook, before, LOG_PAGE).await
    }

    /// "Send again": the delivery's event to its webhook once more, now.
    pub async fn webhooks_redeliver(
        &self,
        account: AccountId,
        delivery: DeliveryId,
    ) -> Result<Delivery, WebhookError> {
        let done = self
            .wrote(
                Some(account),
                DELIVERY_TABLES,
                webhooks::redeliver(self.store(), account, delivery),
            )
            .await;
        self.webhook_sender().wake();
        done
    }

    /// "Send test event": a `test` event to this webhook, now.
    pub async fn webhooks_test(
        &self,
        account: AccountId,
        webhook: WebhookId,
    ) -> Result<Delivery, WebhookError> {
        let done = self
            .wrote(
                Some(account),
                DELIVERY_TABLES,
                webhooks::queue_test(self.store(), account, webhook),
            )
            .await;
        self.webhook_sender().wake();
        done
    }

    /// The sender's timing for this app (tests and the benchmark shorten
    /// it); call before [`App::start`], which starts the sender.
    pub fn tune_webhooks(&self, config: WebhookConfig) {
        self.webhook_sender().configure(config);
    }
}

#[cfg(test)]
mod tests {
    use keyring::credential::{Credential, CredentialBuilderApi};
    use zapdesk_core::accounts::{self, AccountInput};
    use zapdesk_core::webhooks::{EventType, WebhookFormat, WebhookInput};
    use zapdesk_core::{ErrorCode, UserError};

    use crate::{App, Host};

    /// A computer whose credential store does not answer (a headless
    /// server without Secret Service). No other test of this crate's library
    /// touches the keyring.
    struct NoKeyring;

    impl CredentialBuilderApi for NoKeyring {
        fn build(
            &self,
            _target: Option<&str>,
            _service: &str,
            _user: &str,
        ) -> keyring::Result<Box<Credential>> {
            Err(keyring::Error::NoStorageAccess("no keyring here".into()))
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[tokio::test]
    async fn a_bad_webhook_is_refused_for_what_it_is_even_without_a_keyring() {
        keyring::set_default_credential_builder(Box::new(NoKeyring));
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path(), Host::silent()).await.unwrap();
        let input = AccountInput {
            name: "Padaria".into(),
            ..AccountInput::default()
        };
        let account = accounts::create(app.store(), &input).await.unwrap().id;
        let bad = WebhookInput {
            url: String::new(),
            events: Vec::new(),
            format: WebhookFormat::Zapdesk,
        };
        let refused = app.webhooks_create(account, &bad).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::WebhookInvalid);
        // A good one cannot be made without its secret, and none is left.
        let good = WebhookInput {
            url: "https://example.com/zapdesk".into(),
            events: vec![EventType::MessageReceived],
            format: WebhookFormat::Zapdesk,
        };
        let refused = app.webhooks_create(account, &good).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::RemoteSecretUnavailable);
        assert!(app.webhooks_list(account).await.unwrap().is_empty());
    }
}
