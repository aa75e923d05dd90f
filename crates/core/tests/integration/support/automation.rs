//! What the bot's tests start from: a store with an account and a Sandbox
//! number, published flows and keywords written as rows (the way sync or
//! the flows screen leaves them), contacts writing through `ingest`, and
//! the queue handled as the runner does.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};
use zapdesk_core::automation::run::{self, Done, Handled};
use zapdesk_core::domain::{Direction, Message};
use zapdesk_core::ids::{FlowId, FlowVersionId, KeywordId};
use zapdesk_core::inbox::conversations;
use zapdesk_core::inbox::ingest::{Inbound, Ingested, ingest};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ConversationId, InstanceId, Store};

pub const MARIA: &str = "+5511987654321";
pub const JOAO: &str = "+5511912345678";

pub struct Bot {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub acc: AccountId,
    pub number: InstanceId,
    pub raw: sqlx::SqlitePool,
    sent: AtomicU32,
}

pub async fn bot() -> Bot {
    let (dir, store) = super::store().await;
    let acc = super::account(&store, "Loja").await;
    let number = super::number(&store, acc, "Vendas", true).await;
    let raw = super::raw(&dir).await;
    Bot {
        dir,
        store,
        acc,
        number,
        raw,
        sent: AtomicU32::new(0),
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

pub fn send(id: &str, text: &str, typing_ms: u32) -> Value {
    node(
        id,
        json!({"type": "send", "content": {"kind": "text", "text": text}, "typing_ms": typing_ms}),
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
        json!({"type": "menu", "question": question, "options": options, "retry": "Responda com o número.", "tries": 2}),
    )
}

pub fn delay(id: &str, minutes: u32) -> Value {
    node(
        id,
        json!({"type": "delay", "minutes": minutes, "window": null}),
    )
}

pub fn http(id: &str, url: &str) -> Value {
    node(
        id,
        json!({"type": "http", "method": "GET", "url": url, "headers": [], "body": null, "timeout_ms": 1000, "save": []}),
    )
}

pub fn go_to(id: &str, flow: &str) -> Value {
    node(id, json!({"type": "go_to_flow", "flow": flow}))
}

pub fn tags(id: &str, add: &[&str], remove: &[&str]) -> Value {
    node(id, json!({"type": "tags", "add": add, "remove": remove}))
}

pub fn handoff(id: &str, note: &str) -> Value {
    node(id, json!({"type": "handoff", "assign": null, "note": note}))
}

pub fn end(id: &str) -> Value {
    node(id, json!({"type": "end"}))
}

/// Keyword actions with only what is given set.
pub fn actions(fill: Value) -> Value {
    let mut all = json!({
        "reply": null, "add_tags": [], "remove_tags": [], "set_field": null,
        "start_flow": null, "handoff": null
    });
    if let (Some(all), Value::Object(fill)) = (all.as_object_mut(), fill) {
        all.extend(fill);
    }
    all
}

impl Bot {
    /// A flow published as version 1, on (`enabled`), with its triggers.
    pub async fn publish(&self, name: &str, document: Value, triggers: Value) -> FlowId {
        self.publish_as(FlowId::new(), name, document, triggers)
            .await
    }

    /// [`Bot::publish`] under a chosen id (a flow another one goes to).
    pub async fn publish_as(
        &self,
        flow: FlowId,
        name: &str,
        document: Value,
        triggers: Value,
    ) -> FlowId {
        let version = FlowVersionId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO flows (id, account_id, name, draft, triggers, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(flow)
        .bind(self.acc)
        .bind(name)
        .bind(document.to_string())
        .bind(triggers.to_string())
        .bind(now)
        .bind(now)
        .execute(&self.raw)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO flow_versions (id, account_id, flow_id, number, document, published_at)
             VALUES (?, ?, ?, 1, ?, ?)",
        )
        .bind(version)
        .bind(self.acc)
        .bind(flow)
        .bind(document.to_string())
        .bind(now)
        .execute(&self.raw)
        .await
        .unwrap();
        sqlx::query("UPDATE flows SET published_version_id = ? WHERE account_id = ? AND id = ?")
            .bind(version)
            .bind(self.acc)
            .bind(flow)
            .execute(&self.raw)
            .await
            .unwrap();
        flow
    }

    /// A keyword of priority 0, no cooldown, on every number.
    pub async fn keyword(
        &self,
        name: &str,
        kind: &str,
        words: &[&str],
        actions: Value,
    ) -> KeywordId {
        self.keyword_with(name, kind, words, actions, 0, 0, &[])
            .await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn keyword_with(
        &self,
        name: &str,
        kind: &str,
        words: &[&str],
        actions: Value,
        priority: i32,
        cooldown_minutes: u32,
        numbers: &[InstanceId],
    ) -> KeywordId {
        let id = KeywordId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO keywords (id, account_id, name, match_kind, words, numbers, priority, cooldown_minutes,
                                   actions, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(self.acc)
        .bind(name)
        .bind(kind)
        .bind(json!(words).to_string())
        .bind(json!(numbers).to_string())
        .bind(priority)
        .bind(cooldown_minutes)
        .bind(actions.to_string())
        .bind(now)
        .bind(now)
        .execute(&self.raw)
        .await
        .unwrap();
        id
    }

    /// Saves the account's bot settings with `column = value` changed.
    pub async fn setting(&self, column: &str, value: Value) {
        sqlx::query("INSERT INTO automation_settings (account_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(self.acc)
            .bind(now_ms())
            .execute(&self.raw)
            .await
            .unwrap();
        let value = match value {
            Value::String(s) => s,
            Value::Bool(b) => i64::from(b).to_string(),
            other => other.to_string(),
        };
        sqlx::query(&format!(
            "UPDATE automation_settings SET {column} = ? WHERE account_id = ?"
        ))
        .bind(value)
        .bind(self.acc)
        .execute(&self.raw)
        .await
        .unwrap();
    }

    /// A contact writes `text` to the number now.
    pub async fn write(&self, phone: &str, text: &str) -> Ingested {
        self.write_at(phone, text, now_ms()).await
    }

    /// A contact's message with WhatsApp's time `sent_at`.
    pub async fn write_at(&self, phone: &str, text: &str, sent_at: i64) -> Ingested {
        let n = self.sent.fetch_add(1, Ordering::SeqCst);
        ingest(
            &self.store,
            self.acc,
            self.number,
            &Inbound {
                wa_id: format!("false_{phone}_IN{n}"),
                phone: phone.into(),
                push_name: Some("Maria Souza".into()),
                body: text.into(),
                sent_at,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap()
    }

    /// Handles the whole queue as the runner of this desktop (which runs
    /// every number) does, at `now`.
    pub async fn handle_at(&self, now: i64) -> Vec<Done> {
        let mut done = Vec::new();
        loop {
            let items = run::next_queued(&self.store, &|_| true, 0, now, 10)
                .await
                .unwrap();
            if items.is_empty() {
                return done;
            }
            for item in items {
                match run::handle_queued(&self.store, &item, &|_| true, now)
                    .await
                    .unwrap()
                {
                    Handled::Done(d) => done.push(d),
                    Handled::Kept { .. } => panic!("kept {item:?}"),
                }
            }
        }
    }

    pub async fn handle(&self) -> Vec<Done> {
        self.handle_at(now_ms()).await
    }

    /// The conversation's messages, oldest first.
    pub async fn thread(&self, conv: ConversationId) -> Vec<Message> {
        conversations::thread(&self.store, self.acc, conv, None, 500)
            .await
            .unwrap()
    }

    /// What the bot queued in the conversation, in order.
    pub async fn bot_said(&self, conv: ConversationId) -> Vec<String> {
        self.thread(conv)
            .await
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound && m.bot_source.is_some())
            .map(|m| m.body)
            .collect()
    }

    /// Rows waiting in the bot's queue.
    pub async fn queued(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM automation_queue")
            .fetch_one(&self.raw)
            .await
            .unwrap()
    }

    /// The conversation's sessions, oldest first: (status, ended reason JSON).
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
