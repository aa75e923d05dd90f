//! A number started on a desktop without a browser is refused with
//! `browser_not_found` and words saying what to install, before anything
//! runs; a browser found afterwards (the first-run screen's "Tentar de
//! novo") is used by the next start. A shared number's lease is not even
//! asked for while there is no browser: a desktop that cannot run it must
//! not keep it from the desktops that can.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use zapdesk_core::lease::{LeaseAnswer, LeaseFuture, LeaseGate, LeaseUnknown, RemoteHolder};
use zapdesk_core::{AccountId, InstanceId};

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{ErrorCode, Lang, Store, UserError};
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetError, FleetEvent};
use zapdesk_whatsapp::status::Status;

#[tokio::test]
async fn a_number_without_a_browser_is_refused_in_words_then_starts_once_one_is_found() {
    let _one = common::serial();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let account = accounts::create(
        &store,
        &AccountInput {
            name: "Padaria".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let number = instances::create(
        &store,
        account,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let missing = dir.path().join("no-browser-here").join("chromium");
    let config = FleetConfig {
        chromium: missing.clone(),
        ..FleetConfig::new(dir.path().to_path_buf())
    };
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let sink = Arc::new(move |e: FleetEvent| {
        let _ = tx.send(e);
    });
    let fleet = Fleet::new(store.clone(), config, sink);
    let gate = Arc::new(CountingGate::default());
    fleet.set_leases(gate.clone());

    let refused = fleet.start(account, number).await.unwrap_err();
    assert!(
        matches!(&refused, FleetError::NoBrowser { path } if *path == missing),
        "{refused:?}"
    );
    assert_eq!(refused.code(), ErrorCode::BrowserNotFound);
    let words = refused.message(Lang::PtBr);
    assert!(
        words.contains("Instale o Google Chrome, o Chromium ou o Microsoft Edge"),
        "{words}"
    );
    assert!(refused.message(Lang::En).contains("Install Google Chrome"));
    // Nothing was started: no status but stopped, no browser process.
    assert_eq!(fleet.status(number), Status::Stopped);
    assert!(fleet.running(account).is_empty());
    assert_eq!(
        gate.taken.load(Ordering::SeqCst),
        0,
        "the lease was asked for without a browser to run the number"
    );

    // Installed meanwhile: the next start runs it.
    fleet.set_chromium(common::chromium());
    fleet.start(account, number).await.unwrap();
    tokio::time::timeout(common::WAIT, async {
        while let Some(event) = events.recv().await {
            if let FleetEvent::Number {
                status: Status::AwaitingQr { .. },
                ..
            } = event
            {
                return;
            }
        }
    })
    .await
    .expect("the number reached its QR on the browser found afterwards");
    fleet.shutdown().await;
}

/// A shared server that gives every lease and counts how often it was asked.
#[derive(Default)]
struct CountingGate {
    taken: AtomicUsize,
}

impl LeaseGate for CountingGate {
    fn take(
        &self,
        _: AccountId,
        _: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>> {
        self.taken.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(LeaseAnswer::Held {
                left: std::time::Duration::from_secs(60),
            })
        })
    }

    fn release(&self, _: AccountId, _: InstanceId) -> LeaseFuture<'_, ()> {
        Box::pin(async {})
    }

    fn holders(&self, _: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>> {
        Box::pin(async { Vec::new() })
    }
}
