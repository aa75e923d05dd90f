//! What the runner's tests start from: a real store in a temporary folder
//! with an account and a Sandbox number, flows published and keywords saved
//! through the core's own operations, contacts writing through `ingest`, and
//! a [`FlowRunner`] whose numbers are a fake that reports every `kick` and
//! answers `runs_here` as the test says. Waits are on what the runner
//! reports (a kick, a change): each report makes the test look again at the
//! store; the time limit only bounds a failing test.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use zapdesk_automation::{Caller, FlowRunner, Numbers, RunnerTiming};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::automation::flow;
use zapdesk_core::automation::flows;
use zapdesk_core::automation::keywords::{self, Actions, KeywordInput};
use zapdesk_core::automation::matching::MatchKind;
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::changes::Change;
use zapdesk_core::domain::{Direction, InstanceKind, InstanceStatus, Message};
use zapdesk_core::ids::FlowId;
use zapdesk_core::inbox::conversations;
use zapdesk_core::inbox::ingest::{Inbound, Ingested, ingest};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ConversationId, InstanceId, Store};

/// Bounds a wait that never ends (a failing test), never paces one.
pub const WAIT: Duration = Duration::from_secs(30);

pub const MARIA: &str = "+5511987654321";
pub const JOAO: &str = "+5511912345678";

/// What the runner told the test.
#[derive(Debug, Clone, PartialEq)]
pub enum Told {
    Kick(InstanceId),
    Changed(Change),
}

/// The fleet as the runner sees it: the numbers the test says run here,
/// and every kick reported.
pub struct FakeNumbers {
    here: Mutex<HashSet<InstanceId>>,
    told: mpsc::UnboundedSender<Told>,
    /// The next kick tells the first and waits for the second.
    held_kick: Mutex<Option<(std::sync::mpsc::Sender<()>, std::sync::mpsc::Receiver<()>)>>,
}

impl FakeNumbers {
    /// The next kick blocks the task that makes it (the runner's call task,
    /// between its last await and its next call's start) until the test
    /// sends on the returned sender; the receiver hears that it is held.
    pub fn hold_next_kick(&self) -> (std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>) {
        let (entered_tx, entered) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel();
        *self.held_kick.lock().unwrap() = Some((entered_tx, release_rx));
        (entered, release)
    }

    pub fn set_here(&self, number: InstanceId, here: bool) {
        let mut set = self.here.lock().unwrap();
        if here {
            set.insert(number);
        } else {
            set.remove(&number);
        }
    }
}

impl Numbers for FakeNumbers {
    fn runs_here(&self, number: InstanceId) -> bool {
        self.here.lock().unwrap().contains(&number)
    }

    fn kick(&self, number: InstanceId) {
        let _ = self.told.send(Told::Kick(number));
        let held = self.held_kick.lock().unwrap().take();
        if let Some((entered, release)) = held {
            let _ = entered.send(());
            let _ = release.recv();
        }
    }
}

pub struct Bot {
    /// Kept alive as long as the store.
    _dir: tempfile::TempDir,
    pub store: Store,
    pub acc: AccountId,
    pub number: InstanceId,
    pub raw: sqlx::SqlitePool,
    pub numbers: Arc<FakeNumbers>,
    told_tx: mpsc::UnboundedSender<Told>,
    told: tokio::sync::Mutex<mpsc::UnboundedReceiver<Told>>,
    /// Everything told so far, in order.
    pub history: Mutex<Vec<Told>>,
    runner: Mutex<Option<FlowRunner>>,
    sent: AtomicU32,
}

/// A store with an account ("Loja") and a connected Sandbox number that
/// runs here; no runner yet ([`Bot::start`]).
pub async fn bot() -> Bot {
    bot_waiting(zapdesk_core::store::BUSY_TIMEOUT).await
}

/// [`bot`] on a store whose writes wait `busy` for a lock another
/// connection holds before they fail.
pub async fn bot_waiting(busy: Duration) -> Bot {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_busy_timeout(dir.path(), busy)
        .await
        .unwrap();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let raw = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    let (told_tx, told) = mpsc::unbounded_channel();
    let numbers = Arc::new(FakeNumbers {
        here: Mutex::new(HashSet::new()),
        told: told_tx.clone(),
        held_kick: Mutex::new(None),
    });
    let b = Bot {
        _dir: dir,
        store,
        acc,
        number: InstanceId::new(),
        raw,
        numbers,
        told_tx,
        told: tokio::sync::Mutex::new(told),
        history: Mutex::new(Vec::new()),
        runner: Mutex::new(None),
        sent: AtomicU32::new(0),
    };
    let number = b.add_number("Vendas").await;
    b.numbers.set_here(number, true);
    Bot { number, ..b }
}

impl Bot {
    /// Another connected Sandbox number of the account (not run here until
    /// the test says so).
    pub async fn add_number(&self, name: &str) -> InstanceId {
        let n = instances::create(
            &self.store,
            self.acc,
            &NumberInput {
                name: name.into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap();
        instances::set_status(
            &self.store,
            self.acc,
            n.id,
            InstanceStatus::Connected,
            None,
            None,
        )
        .await
        .unwrap();
        n.id
    }

    /// Starts a runner on the store, with the usual timing.
    pub fn start(&self) {
        self.start_timed(RunnerTiming::default(), Caller::new());
    }

    /// Starts a runner with `timing` and `caller` (replacing none: stop the
    /// previous one first).
    pub fn start_timed(&self, timing: RunnerTiming, caller: Caller) {
        let report_tx = self.told_tx.clone();
        let runner = FlowRunner::spawn_timed(
            self.store.clone(),
            self.numbers.clone(),
            caller,
            Arc::new(move |change| {
                let _ = report_tx.send(Told::Changed(change));
            }),
            timing,
        );
        let old = self.runner.lock().unwrap().replace(runner);
        assert!(old.is_none(), "one runner at a time");
    }

    /// Stops the runner and waits until it and its calls have ended.
    pub async fn stop(&self) {
        let runner = self.runner.lock().unwrap().take();
        if let Some(runner) = runner {
            runner.stop_and_wait().await;
            assert!(runner.is_stopped());
        }
    }

    /// The running runner, taken from the bot (to stop it step by step).
    pub fn take_runner(&self) -> Option<FlowRunner> {
        self.runner.lock().unwrap().take()
    }

    pub fn wake(&self) {
        if let Some(runner) = self.runner.lock().unwrap().as_ref() {
            runner.wake();
        }
    }

    /// Waits, report by report, until `check` holds; returns its value.
    pub async fn until<T>(&self, what: &str, check: impl AsyncFn() -> Option<T>) -> T {
        let mut told = self.told.lock().await;
        let found = tokio::time::timeout(WAIT, async {
            loop {
                if let Some(found) = check().await {
                    return found;
                }
                let next = told.recv().await.unwrap();
                self.history.lock().unwrap().push(next);
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("never saw {what}; told {:?}", self.history()))
    }

    /// Waits until the runner kicks `number` (a kick already told counts
    /// once: the history is kept, not searched).
    pub async fn until_kick(&self, number: InstanceId) {
        let seen = self.kicks(number);
        self.until(&format!("a kick of {number}"), async || {
            (self.kicks(number) > seen).then_some(())
        })
        .await;
    }

    /// Kicks of `number` told so far.
    pub fn kicks(&self, number: InstanceId) -> usize {
        self.history()
            .iter()
            .filter(|t| **t == Told::Kick(number))
            .count()
    }

    /// Everything told so far, reports already sent but not yet waited for
    /// included (so a count of what must not have happened sees them).
    pub fn history(&self) -> Vec<Told> {
        // Inside `until` the receiver is held and drained there.
        if let Ok(mut told) = self.told.try_lock() {
            while let Ok(next) = told.try_recv() {
                self.history.lock().unwrap().push(next);
            }
        }
        self.history.lock().unwrap().clone()
    }

    /// Saves the account's bot settings as `change` leaves the defaults.
    pub async fn settings(&self, change: impl FnOnce(&mut AutomationSettings)) {
        let mut s = settings::get(&self.store, self.acc).await.unwrap();
        change(&mut s);
        settings::save(&self.store, self.acc, &s).await.unwrap();
    }

    /// A flow made and published through the core's operations (checked
    /// as the flows screen checks it); version 1.
    pub async fn publish(&self, name: &str, document: Value) -> FlowId {
        let doc = flow::parse(&document.to_string()).unwrap();
        let made = flows::create(&self.store, self.acc, name, Some(doc))
            .await
            .unwrap();
        flows::publish(&self.store, self.acc, made.id, made.revision)
            .await
            .unwrap_or_else(|e| panic!("{name} not published: {e:?}"));
        made.id
    }

    /// A keyword: exact `word` starts `flow`.
    pub async fn starts(&self, word: &str, flow: FlowId) {
        self.keyword(
            word,
            Actions {
                start_flow: Some(flow),
                ..Actions::default()
            },
        )
        .await;
    }

    /// A keyword: exact `word` answers `text`.
    pub async fn replies(&self, word: &str, text: &str) {
        self.keyword(
            word,
            Actions {
                reply: Some(flow::Content::Text { text: text.into() }),
                ..Actions::default()
            },
        )
        .await;
    }

    async fn keyword(&self, word: &str, actions: Actions) {
        keywords::create(
            &self.store,
            self.acc,
            &KeywordInput {
                name: format!("Palavra {word}"),
                match_kind: MatchKind::Exact,
                words: vec![word.into()],
                numbers: Vec::new(),
                priority: 0,
                enabled: true,
                cooldown_minutes: 0,
                actions,
            },
        )
        .await
        .unwrap();
    }

    /// A contact writes `text` to the account's first number now.
    pub async fn write(&self, phone: &str, text: &str) -> Ingested {
        self.write_to(self.number, phone, text).await
    }

    /// A contact writes `text` to `number` now (what the fleet stores).
    pub async fn write_to(&self, number: InstanceId, phone: &str, text: &str) -> Ingested {
        let n = self.sent.fetch_add(1, Ordering::SeqCst);
        let stored = ingest(
            &self.store,
            self.acc,
            number,
            &Inbound {
                wa_id: format!("false_{phone}_IN{n}"),
                phone: phone.into(),
                push_name: Some(name_of(phone).into()),
                body: text.into(),
                sent_at: now_ms(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
        self.wake();
        stored
    }

    /// The conversation's messages, oldest first.
    pub async fn thread(&self, conv: ConversationId) -> Vec<Message> {
        conversations::thread(&self.store, self.acc, conv, None, 500)
            .await
            .unwrap()
    }

    /// What the bot queued in the conversation (its outbox rows), in order.
    pub async fn bot_said(&self, conv: ConversationId) -> Vec<String> {
        self.thread(conv)
            .await
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound && m.bot_source.is_some())
            .map(|m| m.body)
            .collect()
    }

    /// Waits until the bot has queued exactly `expected` in `conv`.
    pub async fn until_said(&self, conv: ConversationId, expected: &[&str]) {
        self.until(&format!("the bot saying {expected:?}"), async || {
            (self.bot_said(conv).await == expected).then_some(())
        })
        .await;
    }

    /// The conversation's sessions, oldest first: (status, ended reason).
    pub async fn sessions(&self, conv: ConversationId) -> Vec<(String, Option<String>)> {
        sqlx::query_as(
            "SELECT status, ended_reason FROM flow_sessions WHERE account_id = ? AND conversation_id = ?
             ORDER BY started_at, rowid",
        )
        .bind(self.acc)
        .bind(conv)
        .fetch_all(&self.raw)
        .await
        .unwrap()
    }

    /// The active session's state, as stored.
    pub async fn state(&self, conv: ConversationId) -> Option<Value> {
        let state: Option<String> = sqlx::query_scalar(
            "SELECT state FROM flow_sessions WHERE account_id = ? AND conversation_id = ? AND status = 'active'",
        )
        .bind(self.acc)
        .bind(conv)
        .fetch_optional(&self.raw)
        .await
        .unwrap();
        state.map(|s| serde_json::from_str(&s).unwrap())
    }

    /// Time passes: the conversation's active session is due now (its
    /// `wake_at`, and a delay's end in its state, which the engine checks).
    pub async fn due_now(&self, conv: ConversationId) {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE flow_sessions SET wake_at = ?,
                    state = CASE json_extract(state, '$.wait.for')
                              WHEN 'timer' THEN json_set(state, '$.wait.at', ?) ELSE state END
             WHERE account_id = ? AND conversation_id = ? AND status = 'active' AND wake_at IS NOT NULL",
        )
        .bind(now)
        .bind(now)
        .bind(self.acc)
        .bind(conv)
        .execute(&self.raw)
        .await
        .unwrap();
        assert_eq!(moved.rows_affected(), 1, "a session with a timer");
    }

    /// The contact's custom field `key`, canonical.
    pub async fn field(&self, conv: ConversationId, key: &str) -> Option<String> {
        sqlx::query_scalar(
            "SELECT cf.value FROM contact_fields cf
             JOIN custom_fields f ON f.account_id = cf.account_id AND f.id = cf.field_id
             JOIN conversations v ON v.account_id = cf.account_id AND v.contact_id = cf.contact_id
             WHERE cf.account_id = ? AND v.id = ? AND f.key = ?",
        )
        .bind(self.acc)
        .bind(conv)
        .bind(key)
        .fetch_optional(&self.raw)
        .await
        .unwrap()
    }

    /// The bot log's `what` and `detail`, oldest first.
    pub async fn log(&self, conv: ConversationId) -> Vec<(String, String)> {
        zapdesk_core::automation::sessions::log(&self.store, self.acc, conv, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.what, l.detail))
            .collect()
    }
}

/// The name WhatsApp gives each test contact.
fn name_of(phone: &str) -> &'static str {
    match phone {
        MARIA => "Maria Souza",
        JOAO => "João Lima",
        _ => "Cliente",
    }
}

/// A flow document.
pub fn doc(start: &str, nodes: Vec<Value>, edges: Vec<(&str, &str, &str)>) -> Value {
    let edges: Vec<Value> = edges
        .into_iter()
        .enumerate()
        .map(|(i, (from, handle, to))| {
            json!({"id": format!("e{i}"), "from": from, "handle": handle, "to": to})
        })
        .collect();
    json!({"schema": 1, "start": start, "nodes": nodes, "edges": edges})
}

pub fn node(id: &str, kind: Value) -> Value {
    let mut node = json!({"id": id, "position": {"x": 0.0, "y": 0.0}});
    if let (Some(node), Value::Object(kind)) = (node.as_object_mut(), kind) {
        node.extend(kind);
    }
    node
}

/// A text message with no typing pause (the tests read the outbox, not the
/// fake WhatsApp: a pause would only delay a send nobody makes here).
pub fn send(id: &str, text: &str) -> Value {
    node(
        id,
        json!({"type": "send", "content": {"kind": "text", "text": text}, "typing_ms": 0}),
    )
}

/// A menu with options `a`, `b`, … labelled as given.
pub fn menu(id: &str, question: &str, labels: &[&str]) -> Value {
    let options: Vec<Value> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            json!({"id": ((b'a' + i as u8) as char).to_string(), "label": label, "synonyms": []})
        })
        .collect();
    node(
        id,
        json!({"type": "menu", "question": question, "options": options,
               "retry": "Responda com o número.", "tries": 2}),
    )
}

pub fn delay(id: &str, minutes: u32) -> Value {
    node(
        id,
        json!({"type": "delay", "minutes": minutes, "window": null}),
    )
}

/// A GET of `url`, its time limit, and response values saved as
/// `(pointer, field key)`.
pub fn http(id: &str, url: &str, timeout_ms: u32, save: &[(&str, &str)]) -> Value {
    let save: Vec<Value> = save
        .iter()
        .map(|(pointer, field)| json!({"pointer": pointer, "field": field}))
        .collect();
    node(
        id,
        json!({"type": "http", "method": "GET", "url": url, "headers": [], "body": null,
               "timeout_ms": timeout_ms, "save": save}),
    )
}

pub fn ai(id: &str, instructions: &str) -> Value {
    node(
        id,
        json!({"type": "ai", "instructions": instructions, "max_chars": 280}),
    )
}

pub fn end(id: &str) -> Value {
    node(id, json!({"type": "end"}))
}

/// A message, an hour's delay, the coupon, the end: the delay tests' flow.
pub fn coupon_after_an_hour() -> Value {
    doc(
        "a",
        vec![
            send("a", "Já volto com o cupom."),
            delay("wait", 60),
            send("b", "Seu cupom: BEMVINDO10"),
            end("end"),
        ],
        vec![
            ("a", "next", "wait"),
            ("wait", "next", "b"),
            ("b", "next", "end"),
        ],
    )
}

/// The menu as the contact reads it.
pub const MENU: &str = "Escolha:\n\n1 - Pedidos\n2 - Horários";

/// A greeting and a menu "1 Pedidos, 2 Horários", each option answered, then the end.
pub fn menu_doc() -> Value {
    doc(
        "hi",
        vec![
            send("hi", "Oi {{primeiro_nome}}!"),
            menu("menu", "Escolha:", &["Pedidos", "Horários"]),
            send("orders", "Seu pedido está a caminho."),
            send("hours", "Abrimos às 8h."),
            end("end"),
        ],
        vec![
            ("hi", "next", "menu"),
            ("menu", "option:a", "orders"),
            ("menu", "option:b", "hours"),
            ("orders", "next", "end"),
            ("hours", "next", "end"),
            ("menu", "other", "end"),
        ],
    )
}
