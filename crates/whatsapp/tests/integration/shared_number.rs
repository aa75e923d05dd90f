//! One Sandbox number, two desktops sharing its account through the real
//! PostgreSQL, wired as the app wires them (the sync runner answers the
//! fleet's lease questions; the fleet follows the runner's pulls):
//! desktop A runs the number; desktop B sees the conversation, cannot start
//! the number while A holds its lease, and a reply typed on B goes out once,
//! from A, and B sees it sent. When A lets the number go, B takes it over.
//! A number started before its account was shared stops when another desktop
//! holds its lease; one whose lease questions hang stops before its lease
//! runs out and sends nothing after.

// The serial guard is held for the whole test on purpose (see fleet.rs).
#![allow(clippy::await_holding_lock)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use zapdesk_core::domain::{InstanceKind, MessageStatus};
use zapdesk_core::inbox::conversations::{self, ListFilter};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::lease::{
    LeaseAnswer, LeaseFuture, LeaseGate, LeaseUnknown, LocalOnly, RemoteHolder,
};
use zapdesk_core::{AccountId, ConversationId, InstanceId, Lang, Store};
use zapdesk_sync::testing::desktop::{Desktop, first_desktop, other_desktop};
use zapdesk_sync::testing::{ScratchDatabase, use_memory_keyring};
use zapdesk_sync::{ConnectionSettings, Password, SyncRunner};
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetError, FleetEvent};
use zapdesk_whatsapp::sandbox::{Incoming, SandboxServer, SandboxState};
use zapdesk_whatsapp::status::Status;

struct Side {
    runner: Arc<SyncRunner>,
    fleet: Arc<Fleet>,
    events: mpsc::UnboundedReceiver<FleetEvent>,
    store: Store,
}

/// A desktop as the app starts it: the runner connected with the
/// operator's login, the fleet asking it for leases and following its pulls.
async fn side(db: &ScratchDatabase, d: &Desktop) -> Side {
    side_renewing(
        db,
        d,
        FleetConfig::new(d.dir.path().to_path_buf()).lease_every,
    )
    .await
}

async fn side_renewing(db: &ScratchDatabase, d: &Desktop, lease_every: Duration) -> Side {
    let side = side_not_connected(d, lease_every);
    connect(&side, db, d).await;
    side
}

/// The operator connects the desktop's sync runner to the server.
async fn connect(side: &Side, db: &ScratchDatabase, d: &Desktop) {
    side.runner
        .connect(
            ConnectionSettings::new("127.0.0.1", 5432, &db.name, &d.role),
            &Password::new("senha-de-teste-123"),
            Lang::PtBr,
        )
        .await
        .unwrap();
}

/// A desktop whose sync runner is not connected yet (it answers every lease
/// question "not shared").
fn side_not_connected(d: &Desktop, lease_every: Duration) -> Side {
    let runner = Arc::new(SyncRunner::new(d.store.clone(), Arc::new(|_| {})));
    let (tx, events) = mpsc::unbounded_channel();
    let config = FleetConfig {
        chromium: common::chromium(),
        lease_every,
        ..FleetConfig::new(d.dir.path().to_path_buf())
    };
    let fleet = Fleet::new(
        d.store.clone(),
        config,
        Arc::new(move |e| {
            let _ = tx.send(e);
        }),
    );
    fleet.set_leases(runner.clone());
    fleet.follow(runner.pulled());
    Side {
        runner,
        fleet,
        events,
        store: d.store.clone(),
    }
}

/// Waits, pull by pull, until `check` holds on this desktop's store.
async fn after_pulls<T>(side: &Side, what: &str, check: impl AsyncFn(&Store) -> Option<T>) -> T {
    let mut pulled = side.runner.pulled();
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let Some(found) = check(&side.store).await {
                return found;
            }
            pulled.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("never saw {what}"))
}

async fn until_status(side: &mut Side, number: InstanceId, pred: impl Fn(&Status) -> bool) {
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let FleetEvent::Number {
                instance, status, ..
            } = side.events.recv().await.unwrap()
                && instance == number
                && pred(&status)
            {
                return;
            }
        }
    })
    .await
    .expect("number status");
}

/// A Sandbox number on this desktop whose QR does not rotate during a test.
async fn sandbox_number(d: &Desktop) -> InstanceId {
    let number = instances::create(
        &d.store,
        d.account_id(),
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    SandboxServer::open(&d.dir.path().join("sandbox").join(number.to_string()))
        .unwrap()
        .set_state(&SandboxState {
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    number
}

/// Starts a Sandbox number on this desktop and scans its QR: connected.
async fn pair(side: &mut Side, acc: AccountId, number: InstanceId) {
    side.fleet.start(acc, number).await.unwrap();
    until_status(side, number, |s| matches!(s, Status::AwaitingQr { .. })).await;
    side.fleet
        .sandbox(acc, number, SandboxAction::Scan)
        .await
        .unwrap();
    until_status(side, number, |s| matches!(s, Status::Connected { .. })).await;
}

async fn only_conversation(store: &Store, account: AccountId) -> Option<ConversationId> {
    let list = conversations::list(
        store,
        account,
        &ListFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    list.first().map(|c| c.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_typed_on_desktop_b_is_sent_once_by_desktop_a_which_runs_the_number() {
    let _one = common::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let mut side_a = side(&db, &a).await;
    let mut side_b = side(&db, &b).await;

    // A adds a Sandbox number and pairs it.
    let number = sandbox_number(&a).await;
    pair(&mut side_a, acc, number).await;

    // A contact writes; the conversation reaches B.
    side_a
        .fleet
        .sandbox(
            acc,
            number,
            SandboxAction::Incoming(Incoming {
                from: "+5511987654321".into(),
                name: Some("Cliente".into()),
                body: "Vocês entregam hoje?".into(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let conversation = after_pulls(&side_b, "the conversation on B", async |s: &Store| {
        only_conversation(s, acc).await
    })
    .await;
    let thread = conversations::thread(&b.store, acc, conversation, None, 10)
        .await
        .unwrap();
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0].body, "Vocês entregam hoje?");

    // B cannot run the number while A holds it.
    let refused = side_b.fleet.start(acc, number).await.unwrap_err();
    assert!(
        matches!(&refused, FleetError::RunsElsewhere { holder_name } if holder_name == "Operador"),
        "{refused:?}"
    );
    assert!(side_b.fleet.running(acc).is_empty());
    let holders = side_b.fleet.lease_holders(acc).await;
    assert_eq!(holders.len(), 1);
    assert!(holders[0].instance == number && !holders[0].mine);

    // B replies: queued on B (its number is not connected here) ...
    let text = "Entregamos sim, até as 18h!";
    assert!(
        !side_b
            .fleet
            .reply(acc, conversation, zapdesk_core::MessageId::new(), text)
            .await
            .unwrap()
    );
    // ... sent by A, and B sees it sent.
    let on_b = after_pulls(&side_b, "the reply sent, on B", async |s: &Store| {
        let thread = conversations::thread(s, acc, conversation, None, 10)
            .await
            .unwrap();
        thread.into_iter().find(|m| {
            // The Sandbox acks at once: sent, delivered or read by now.
            m.body == text
                && matches!(
                    m.status,
                    MessageStatus::Sent | MessageStatus::Delivered | MessageStatus::Read
                )
        })
    })
    .await;
    let sent = side_a.fleet.sandbox_sent(number).unwrap();
    assert_eq!(
        sent.iter().filter(|s| s.text == text).count(),
        1,
        "{sent:?}"
    );
    let on_a = conversations::thread(&a.store, acc, conversation, None, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == on_b.id)
        .unwrap();
    assert_eq!(on_a.wa_message_id, on_b.wa_message_id);
    // A file would be read from B's folder by A: refused on B, with who runs it.
    use base64::Engine as _;
    let pdf = zapdesk_core::inbox::attachments::decode(
        "cardapio.pdf",
        "application/pdf",
        &base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 teste"),
    )
    .unwrap();
    let refused = side_b
        .fleet
        .send_file(
            acc,
            conversation,
            zapdesk_core::MessageId::new(),
            &pdf,
            "Nosso cardápio",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, FleetError::FileFromElsewhere { holder_name } if holder_name == "Operador"),
        "{refused:?}"
    );
    // B never ran the number, so it never sent anything itself.
    assert!(side_b.fleet.sandbox_sent(number).unwrap().is_empty());

    // A stops the number: its lease is released and B may run it at once.
    side_a.fleet.stop(acc, number).await.unwrap();
    side_b.fleet.start(acc, number).await.unwrap();
    until_status(&mut side_b, number, |s| {
        matches!(s, Status::AwaitingQr { .. } | Status::Starting)
    })
    .await;
    let refused = side_a.fleet.start(acc, number).await.unwrap_err();
    assert!(
        matches!(refused, FleetError::RunsElsewhere { .. }),
        "{refused:?}"
    );
    side_b.fleet.shutdown().await;
    side_a.fleet.shutdown().await;
    side_a.runner.shutdown().await;
    side_b.runner.shutdown().await;
}

/// The keeper's side: a desktop whose lease was taken (it was offline past
/// the expiry and another desktop took the number) stops the number at its
/// next renewal, and starts it again by itself once the lease is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_that_lost_the_lease_stops_the_number_and_takes_it_back_when_free() {
    let _one = common::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    // Renewals every 200 ms keep the test short; the logic is the app's.
    let mut side_a = side_renewing(&db, &a, Duration::from_millis(200)).await;
    let number = sandbox_number(&a).await;
    side_a.fleet.start(acc, number).await.unwrap();
    until_status(&mut side_a, number, |s| {
        matches!(s, Status::AwaitingQr { .. })
    })
    .await;

    // Another desktop holds the lease now (as after A's expiry).
    let mut owner = db.connect_owner().await;
    sqlx::query(
        "UPDATE zapdesk.number_leases
         SET holder = 'outrodesktop', holder_name = 'Bruno', expires_at = zapdesk.now_ms() + 600000
         WHERE instance_id = $1",
    )
    .bind(number.as_uuid())
    .execute(&mut owner)
    .await
    .unwrap();
    until_status(&mut side_a, number, |s| matches!(s, Status::Stopped)).await;
    assert!(side_a.fleet.running(acc).is_empty());
    let stored = instances::get(&a.store, acc, number).await.unwrap();
    assert_eq!(stored.status_detail.as_deref(), Some("lease_lost"));
    assert!(stored.autostart, "still meant to run here");

    // The other desktop lets it go: A takes it back and starts the number.
    sqlx::query("DELETE FROM zapdesk.number_leases WHERE instance_id = $1")
        .bind(number.as_uuid())
        .execute(&mut owner)
        .await
        .unwrap();
    until_status(&mut side_a, number, |s| {
        matches!(s, Status::AwaitingQr { .. })
    })
    .await;
    assert_eq!(side_a.fleet.running(acc), vec![number]);
    let holders = side_a.fleet.lease_holders(acc).await;
    assert!(holders.len() == 1 && holders[0].mine, "{holders:?}");
    side_a.fleet.shutdown().await;
    // Shutting down gave the lease back.
    assert!(side_a.fleet.lease_holders(acc).await.is_empty());
    side_a.runner.shutdown().await;
}

/// A campaign made on desktop B for a number desktop A runs: A's campaign
/// runner, woken by the pull, claims the recipients pinned to that number
/// and sends each message once, with the campaign's file (which only B had:
/// it reached A through the store); B's runner claims nothing, and B sees
/// the campaign done and every recipient's message sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_made_on_desktop_b_is_sent_once_by_desktop_a_with_its_file() {
    use base64::Engine as _;
    use zapdesk_core::campaigns::pacing::Pacing;
    use zapdesk_core::campaigns::report::report;
    use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
    use zapdesk_core::contacts::{self, ContactInput};
    use zapdesk_core::domain::CampaignStatus;
    use zapdesk_core::filter::ContactFilter;
    use zapdesk_core::inbox::attachments::FileInput;
    use zapdesk_core::time::now_ms;
    use zapdesk_whatsapp::campaigns::CampaignRunner;

    let _one = common::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let mut side_a = side(&db, &a).await;
    let side_b = side(&db, &b).await;
    let runner_a = CampaignRunner::spawn(side_a.fleet.clone());
    runner_a.waker().follow(side_a.runner.pulled());
    let runner_b = CampaignRunner::spawn(side_b.fleet.clone());
    runner_b.waker().follow(side_b.runner.pulled());

    let number = sandbox_number(&a).await;
    pair(&mut side_a, acc, number).await;
    let phones = ["+5511987651001", "+5511987651002"];
    for (i, phone) in phones.iter().enumerate() {
        contacts::create(
            &a.store,
            acc,
            &ContactInput {
                phone: (*phone).into(),
                name: Some(format!("Cliente {i}")),
            },
        )
        .await
        .unwrap();
    }
    after_pulls(
        &side_b,
        "A's contacts and number on B",
        async |s: &Store| {
            let people = contacts::count(s, acc, &ContactFilter::default())
                .await
                .ok()?;
            let numbers = instances::list(s, acc).await.ok()?;
            (people == 2 && numbers.len() == 1).then_some(())
        },
    )
    .await;

    // B makes the campaign: the number is not connected on B, but A runs it.
    let elsewhere: Vec<InstanceId> = side_b
        .fleet
        .run_elsewhere(acc)
        .await
        .iter()
        .map(|h| h.instance)
        .collect();
    let png = b"\x89PNG\r\n\x1a\n cupom".to_vec();
    let input = CampaignInput {
        name: "Cupom de Natal".into(),
        message: "Oi {{primeiro_nome}}, seu cupom chegou!".into(),
        audience: ContactFilter::default(),
        numbers: vec![number],
        pacing: Pacing {
            window_start: 0,
            window_end: 24 * 60,
            weekdays: [true; 7],
            delay_min_s: 0,
            delay_max_s: 0,
            warmup_days: 0,
            ..Pacing::default()
        },
        starts_at: None,
        attachment: Some(FileInput {
            name: "cupom.png".into(),
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(&png),
        }),
        reply_flow: None,
    };
    let refused = campaigns::create(&b.store, acc, &input, now_ms())
        .await
        .unwrap_err();
    assert_eq!(
        zapdesk_core::UserError::code(&refused),
        zapdesk_core::ErrorCode::NumberOffline
    );
    let made = campaigns::create_with(&b.store, acc, &input, now_ms(), &elsewhere)
        .await
        .unwrap();

    let done = after_pulls(&side_b, "the campaign done on B", async |s: &Store| {
        let r = report(s, acc, made.id).await.ok()?;
        let status = campaigns::get(s, acc, made.id).await.ok()?.status;
        (status == CampaignStatus::Done && r.sent + r.delivered + r.read == 2).then_some(r)
    })
    .await;
    assert_eq!(done.total, 2);
    let sent = side_a.fleet.sandbox_sent(number).unwrap();
    for (i, phone) in phones.iter().enumerate() {
        let to_them: Vec<_> = sent
            .iter()
            .filter(|s| s.text == "Oi Cliente, seu cupom chegou!" && s.chat.contains(&phone[1..]))
            .collect();
        assert_eq!(to_them.len(), 1, "recipient {i}: {sent:?}");
        assert_eq!(to_them[0].kind, "image");
        assert_eq!(to_them[0].filename.as_deref(), Some("cupom.png"));
    }
    assert!(side_b.fleet.sandbox_sent(number).unwrap().is_empty());

    runner_a.stop();
    runner_b.stop();
    side_b.fleet.shutdown().await;
    side_a.fleet.shutdown().await;
    side_a.runner.shutdown().await;
    side_b.runner.shutdown().await;
}

/// Item 9: a number started while its account was this desktop's alone (the
/// sync runner not connected yet) must not keep running once another desktop
/// holds its lease. A runs it without a lease; B, sharing the account, takes
/// the free lease; when A's fleet learns that accounts are shared, A's
/// running number asks at once, and stops here (`lease_lost`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_started_before_its_account_was_shared_stops_when_another_desktop_holds_it() {
    let _one = common::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let mut side_a = side_renewing(&db, &a, Duration::from_millis(200)).await;
    // As before the shell hands the fleet its sync runner: nothing is shared.
    side_a.fleet.set_leases(Arc::new(LocalOnly));
    let side_b = side_renewing(&db, &b, Duration::from_millis(200)).await;

    let number = sandbox_number(&a).await;
    side_a.fleet.start(acc, number).await.unwrap();
    until_status(&mut side_a, number, |s| {
        matches!(s, Status::AwaitingQr { .. })
    })
    .await;
    after_pulls(&side_b, "A's number on B", async |s: &Store| {
        instances::get(s, acc, number).await.ok()
    })
    .await;
    // Nobody holds the lease on the server: B takes it and runs the number.
    side_b.fleet.start(acc, number).await.unwrap();
    assert_eq!(side_b.fleet.running(acc), vec![number]);

    side_a.fleet.set_leases(side_a.runner.clone());
    until_status(&mut side_a, number, |s| matches!(s, Status::Stopped)).await;
    assert!(side_a.fleet.running(acc).is_empty());
    let stored = instances::get(&a.store, acc, number).await.unwrap();
    assert_eq!(stored.status_detail.as_deref(), Some("lease_lost"));
    let holders = side_b.fleet.lease_holders(acc).await;
    assert!(holders.len() == 1 && holders[0].mine, "{holders:?}");
    assert_eq!(side_b.fleet.running(acc), vec![number]);

    side_b.fleet.shutdown().await;
    side_a.fleet.shutdown().await;
    side_a.runner.shutdown().await;
    side_b.runner.shutdown().await;
}

/// Item 9 as the app meets it: numbers run, then the operator connects sync
/// (the fleet's gate stays the runner; its answers change). At its next
/// renewal A's running number takes its lease, so B, asking after it pulled
/// the number, is refused and A keeps it; had B asked first, A would stop.
/// Either way one desktop runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_running_when_sync_is_connected_takes_its_lease_or_stops() {
    let _one = common::serial();
    use_memory_keyring();
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let mut side_a = side_not_connected(&a, Duration::from_millis(200));
    let number = sandbox_number(&a).await;
    side_a.fleet.start(acc, number).await.unwrap();
    until_status(&mut side_a, number, |s| {
        matches!(s, Status::AwaitingQr { .. })
    })
    .await;

    connect(&side_a, &db, &a).await;
    let side_b = side_renewing(&db, &b, Duration::from_millis(200)).await;
    after_pulls(&side_b, "A's number on B", async |s: &Store| {
        instances::get(s, acc, number).await.ok()
    })
    .await;
    match side_b.fleet.start(acc, number).await {
        Err(FleetError::RunsElsewhere { .. }) => {
            assert_eq!(side_a.fleet.running(acc), vec![number]);
            let holders = side_b.fleet.lease_holders(acc).await;
            assert!(holders.len() == 1 && !holders[0].mine, "{holders:?}");
        }
        Ok(()) => {
            until_status(&mut side_a, number, |s| matches!(s, Status::Stopped)).await;
            assert!(side_a.fleet.running(acc).is_empty());
        }
        Err(e) => panic!("{e:?}"),
    }
    side_b.fleet.shutdown().await;
    side_a.fleet.shutdown().await;
    side_a.runner.shutdown().await;
    side_b.runner.shutdown().await;
}

/// A lease gate that answers "held, for `left_ms` more" until the link goes
/// dead, then never answers (a query waiting on a connection that no longer
/// carries anything). Counts the questions, so a test can wait for a renewal.
struct GoesSilent {
    left_ms: AtomicU64,
    silent: AtomicBool,
    asked: tokio::sync::watch::Sender<u64>,
}

impl GoesSilent {
    fn new(left: Duration) -> Arc<GoesSilent> {
        Arc::new(GoesSilent {
            left_ms: AtomicU64::new(left.as_millis() as u64),
            silent: AtomicBool::new(false),
            asked: tokio::sync::watch::channel(0).0,
        })
    }

    /// Waits until the keeper has acted on an answer given after this call:
    /// it asks again only once it has.
    async fn renewed(&self) {
        let mut asked = self.asked.subscribe();
        let from = *asked.borrow_and_update();
        tokio::time::timeout(common::WAIT, asked.wait_for(|n| *n >= from + 2))
            .await
            .expect("the lease is renewed")
            .unwrap();
    }
}

impl LeaseGate for GoesSilent {
    fn take(
        &self,
        _: AccountId,
        _: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>> {
        Box::pin(async move {
            self.asked.send_modify(|n| *n += 1);
            if self.silent.load(Ordering::SeqCst) {
                std::future::pending::<()>().await;
            }
            let left = Duration::from_millis(self.left_ms.load(Ordering::SeqCst));
            Ok(LeaseAnswer::Held { left })
        })
    }

    fn release(&self, _: AccountId, _: InstanceId) -> LeaseFuture<'_, ()> {
        Box::pin(async {})
    }

    fn holders(&self, _: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>> {
        Box::pin(async { Vec::new() })
    }
}

/// A desktop without a server whose leases come from `gate`, with a paired
/// Sandbox number whose phone then went offline, and a reply queued for it
/// (it waits in the outbox). Renewals every 200 ms.
struct Offline {
    _dir: tempfile::TempDir,
    side: Side,
    acc: AccountId,
    number: InstanceId,
    conversation: ConversationId,
    queued: zapdesk_core::MessageId,
}

const QUEUED: &str = "Seu pedido saiu para entrega";

async fn paired_then_offline(gate: Arc<dyn LeaseGate>) -> Offline {
    use zapdesk_core::accounts::{self, AccountInput};
    use zapdesk_core::contacts::{self, ContactInput};

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Padaria".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let (tx, events) = mpsc::unbounded_channel();
    let fleet = Fleet::new(
        store.clone(),
        FleetConfig {
            chromium: common::chromium(),
            lease_every: Duration::from_millis(200),
            ..FleetConfig::new(dir.path().to_path_buf())
        },
        Arc::new(move |e| {
            let _ = tx.send(e);
        }),
    );
    fleet.set_leases(gate);
    let mut side = Side {
        // Never connected: this desktop's leases come from `gate` alone.
        runner: Arc::new(SyncRunner::new(store.clone(), Arc::new(|_| {}))),
        fleet,
        events,
        store: store.clone(),
    };
    let number = instances::create(
        &store,
        acc,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    SandboxServer::open(&dir.path().join("sandbox").join(number.to_string()))
        .unwrap()
        .set_state(&SandboxState {
            qr_rotate_ms: 3_600_000,
            ..SandboxState::default()
        })
        .unwrap();
    pair(&mut side, acc, number).await;

    side.fleet
        .sandbox(acc, number, SandboxAction::SetOnline(false))
        .await
        .unwrap();
    until_status(&mut side, number, |s| {
        matches!(s, Status::Disconnected { .. })
    })
    .await;
    let contact = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511987654321".into(),
            name: Some("Cliente".into()),
        },
    )
    .await
    .unwrap();
    let conversation = conversations::open(&store, acc, number, contact.id)
        .await
        .unwrap();
    let queued = zapdesk_core::MessageId::new();
    assert!(
        !side
            .fleet
            .reply(acc, conversation, queued, QUEUED)
            .await
            .unwrap()
    );
    Offline {
        _dir: dir,
        side,
        acc,
        number,
        conversation,
        queued,
    }
}

async fn status_of(o: &Offline) -> MessageStatus {
    conversations::thread(&o.side.store, o.acc, o.conversation, None, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == o.queued)
        .unwrap()
        .status
}

fn sent_queued(o: &Offline) -> usize {
    o.side
        .fleet
        .sandbox_sent(o.number)
        .unwrap()
        .iter()
        .filter(|s| s.text == QUEUED)
        .count()
}

/// Item 10: a desktop whose lease questions hang (its server link died, its
/// WhatsApp did not) stops the number by its own clock before the lease runs
/// out, and a message queued for the number is never claimed or sent; asked
/// to start the number again, it refuses with the lease unknown instead of
/// waiting for an answer that never comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_whose_lease_questions_hang_stops_before_the_lease_runs_out() {
    let _one = common::serial();
    // Long enough to pair the number within one lease; renewed every 200 ms.
    let gate = GoesSilent::new(Duration::from_secs(5));
    let mut o = paired_then_offline(gate.clone()).await;
    let (acc, number) = (o.acc, o.number);

    // The server link dies: no renewal ever answers.
    gate.silent.store(true, Ordering::SeqCst);
    until_status(&mut o.side, number, |s| matches!(s, Status::Stopped)).await;
    assert!(o.side.fleet.running(acc).is_empty());
    let stored = instances::get(&o.side.store, acc, number).await.unwrap();
    assert_eq!(stored.status_detail.as_deref(), Some("lease_lost"));
    assert_eq!(status_of(&o).await, MessageStatus::Pending, "never claimed");
    assert_eq!(sent_queued(&o), 0);

    // Starting it again asks the silent gate: refused, not stuck.
    let refused = tokio::time::timeout(common::WAIT, o.side.fleet.start(acc, number))
        .await
        .expect("a start waits forever for a lease answer")
        .unwrap_err();
    assert!(
        matches!(refused, FleetError::LeaseUnknown(_)),
        "{refused:?}"
    );
    assert!(o.side.fleet.running(acc).is_empty());
    o.side.fleet.shutdown().await;
}

/// Item 10, the fence at the claim: a row is claimed only while the lease
/// lasts more than a renewal period longer (what is claimed goes out before
/// the lease can end). Renewed for less than that, the number keeps running
/// and connected, and claims nothing; renewed for long again, it sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_claimed_while_the_lease_is_too_short_to_send_under() {
    let _one = common::serial();
    let gate = GoesSilent::new(Duration::from_secs(5));
    let mut o = paired_then_offline(gate.clone()).await;
    let (acc, number) = (o.acc, o.number);

    // Held for half a renewal period at a time: running, not claiming.
    gate.left_ms.store(100, Ordering::SeqCst);
    gate.renewed().await;
    let mut claimable = o.side.fleet.claimable();
    claimable.borrow_and_update();
    o.side
        .fleet
        .sandbox(acc, number, SandboxAction::SetOnline(true))
        .await
        .unwrap();
    until_status(&mut o.side, number, |s| {
        matches!(s, Status::Connected { .. })
    })
    .await;
    // The sender ran on connecting, before the number handles its next
    // event: a contact writing.
    o.side
        .fleet
        .sandbox(
            acc,
            number,
            SandboxAction::Incoming(Incoming {
                from: "+5511912345678".into(),
                name: Some("Outra cliente".into()),
                body: "Bom dia".into(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    tokio::time::timeout(common::WAIT, async {
        loop {
            if let FleetEvent::Conversation {
                new_message: true, ..
            } = o.side.events.recv().await.unwrap()
            {
                return;
            }
        }
    })
    .await
    .expect("the contact's message");
    assert!(o.side.fleet.connected(number));
    assert!(
        !o.side.fleet.may_send(number),
        "campaigns claim nothing either"
    );
    assert!(!o.side.fleet.runs_here(number), "nor does the bot step it");
    assert_eq!(status_of(&o).await, MessageStatus::Pending, "not claimed");
    assert_eq!(sent_queued(&o), 0);
    assert!(!claimable.has_changed().unwrap());

    // A long lease again: the waiting reply goes out, once, and whoever
    // waits on `runs_here` (the flow runner) hears it at once.
    gate.left_ms.store(5_000, Ordering::SeqCst);
    tokio::time::timeout(common::WAIT, claimable.changed())
        .await
        .expect("told that the number may be claimed for again")
        .unwrap();
    assert!(o.side.fleet.runs_here(number));
    tokio::time::timeout(common::WAIT, async {
        while sent_queued(&o) == 0 {
            o.side.events.recv().await.unwrap();
        }
    })
    .await
    .expect("the reply sent once the lease is long again");
    assert_eq!(sent_queued(&o), 1);
    assert!(o.side.fleet.may_send(number));
    o.side.fleet.shutdown().await;
}
