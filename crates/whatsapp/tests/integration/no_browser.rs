//! A number started on a desktop without a browser is refused with
//! `browser_not_found` and words saying what to install, before anything
//! runs; a browser found afterwards (the first-run screen's "Tentar de
//! novo") is used by the next start.

use crate::common;

use std::sync::Arc;

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
