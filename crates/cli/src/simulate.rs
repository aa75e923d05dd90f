//! `zapdesk-cli flows simulate`: a conversation with one flow, played from
//! the command line with the engine the app runs, in a throwaway store.
//!
//! The account's flow (its published version, another version, or its
//! draft), custom fields, tags, bot settings and the files and flows the
//! flow sends or goes to are read from the data folder (nothing is written
//! there) and copied into a store in a temporary folder: an account, a
//! Sandbox number, a contact and their conversation. The flow is started
//! there as an operator starts it ("Iniciar fluxo"); then each line of
//! stdin is a message of the contact, stored by `ingest` and handled by
//! `run::next_queued`/`handle_queued` as the runner does; what is due is
//! stepped with `run::due`/`handle_due`. A delay is not waited for: the
//! simulation's clock moves to its end (and, once stdin ends, to a
//! question's time limit). HTTP and AI nodes are called for real under the
//! account's settings (its AI key from the OS keyring), or answered
//! "skipped" with `--skip-calls`. The bot's messages are taken from the
//! outbox in the order the number's sender would send them.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufRead, Write};

use serde::Serialize;
use zapdesk_automation::{CallContext, Caller, make_call};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::automation::engine::{CallOutcome, CallRequest, EndReason};
use zapdesk_core::automation::flow::{Content, FlowDocument, NodeKind};
use zapdesk_core::automation::sessions::{self, Waiting};
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::automation::{AutomationError, files, flows, run};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{InstanceKind, MessageKind};
use zapdesk_core::fields::{self, FieldInput};
use zapdesk_core::ids::{AutomationFileId, FlowId, SessionId};
use zapdesk_core::inbox::conversations;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ContactId, ConversationId, InstanceId, Lang, Store};

use crate::output::{Failure, json};

/// Which document of the flow is played.
pub enum Which {
    Published,
    Version(i64),
    Draft,
}

pub struct Options {
    pub account: AccountId,
    pub flow: FlowId,
    pub which: Which,
    pub skip_calls: bool,
    pub phone: String,
    pub name: String,
}

/// Waits fast-forwarded in a row before the simulation stops (a flow that
/// loops through a delay forever).
const WAITS_MAX: usize = 100;
/// Queue rows and due sessions taken per look.
const BATCH: usize = 64;

/// What happened, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Event {
    /// A line of stdin, as the contact's message.
    Contact { text: String },
    /// A message the contact receives: text, or a file with its caption.
    Bot {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
    /// The nodes a turn ran.
    Path { nodes: Vec<String> },
    /// The clock moved to a delay's end (`reply: false`) or, after the last
    /// line, to a question's time limit (`reply: true`).
    Waited { ms: i64, reply: bool },
    /// An outside call left or answered (the log's words).
    Call { detail: String },
    /// The session ended (`went_to` names the data folder's flow, and
    /// `flow_name` is its name).
    Ended {
        reason: EndReason,
        #[serde(skip_serializing_if = "Option::is_none")]
        flow_name: Option<String>,
    },
    /// A hand-off to a person, with its note.
    Handoff { note: String },
    /// Something the bot could not use, a message it did not answer, a
    /// branch note of the engine (the log's words).
    Note { what: String, detail: String },
    /// The simulation stopped fast-forwarding.
    Stopped { waits: usize },
}

#[derive(Debug, Serialize)]
struct FlowShown {
    id: FlowId,
    name: String,
    /// The version played; `None`: the draft.
    version: Option<i64>,
}

#[derive(Debug, Serialize)]
struct SessionShown {
    active: bool,
    node: String,
    waiting: Waiting,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: Option<EndReason>,
    vars: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct Report {
    flow: FlowShown,
    events: Vec<Event>,
    fields: BTreeMap<String, String>,
    tags: Vec<String>,
    session: Option<SessionShown>,
    skip_calls: bool,
}

pub async fn run(
    real: &Store,
    options: Options,
    input: impl BufRead,
    lang: Lang,
    as_json: bool,
) -> Result<String, Failure> {
    let account = options.account;
    let flow = flows::get(real, account, options.flow).await?;
    let (doc, version) = match options.which {
        Which::Draft => (flow.draft.clone(), None),
        Which::Version(number) => {
            let v = flows::version_numbered(real, account, flow.id, number).await?;
            (v.document, Some(v.number))
        }
        Which::Published => {
            let id = flow
                .published_version_id
                .ok_or(AutomationError::FlowNotPublished)?;
            let v = flows::version(real, account, id).await?;
            (v.document, Some(v.number))
        }
    };
    let settings = settings::get(real, account).await?;
    let scratch = tempfile::tempdir().map_err(|e| AutomationError::FileUnreadable {
        path: std::env::temp_dir().display().to_string(),
        reason: e.to_string(),
    })?;
    let store = Store::open(scratch.path()).await?;
    let result = async {
        let copied =
            Copied::make(real, &store, &settings, &options, (&flow.name, &doc), lang).await?;
        let mut sim = Sim {
            store: &store,
            copied,
            real_account: account,
            settings,
            caller: Caller::new(),
            skip_calls: options.skip_calls,
            clock: now_ms(),
            seen_log: 0,
            sent: 0,
            events: Vec::new(),
            lang,
            live: !as_json,
        };
        if !as_json {
            let shown = match version {
                Some(v) => format!("v{v}"),
                None => lang.pick("rascunho", "draft").to_owned(),
            };
            println!("{}: {} ({shown})", lang.pick("fluxo", "flow"), flow.name);
        }
        sim.play(input).await?;
        sim.report(
            FlowShown {
                id: flow.id,
                name: flow.name.clone(),
                version,
            },
            options.skip_calls,
        )
        .await
    }
    .await;
    store.close().await;
    let report = result?;
    Ok(if as_json {
        json(&report)
    } else {
        summary(&report, lang)
    })
}

/// The throwaway store's copies.
struct Copied {
    /// The data folder's flows by their throwaway ids: (id, name).
    flows: HashMap<String, (FlowId, String)>,
    account: AccountId,
    number: InstanceId,
    contact: ContactId,
    conversation: ConversationId,
    flow: FlowId,
}

impl Copied {
    async fn make(
        real: &Store,
        store: &Store,
        settings: &AutomationSettings,
        options: &Options,
        (flow_name, doc): (&str, &FlowDocument),
        lang: Lang,
    ) -> Result<Copied, Failure> {
        let real_account = options.account;
        let name = accounts::get(real, real_account).await?.name;
        let account = accounts::create(
            store,
            &AccountInput {
                name,
                ..Default::default()
            },
        )
        .await?
        .id;
        // The flow is played whether or not the account's bot is on.
        let on = AutomationSettings {
            enabled: true,
            ..settings.clone()
        };
        settings::save(store, account, &on).await?;
        for field in fields::list(real, real_account).await? {
            fields::create(
                store,
                account,
                &FieldInput {
                    label: field.label,
                    kind: field.kind,
                    choices: field.choices,
                },
            )
            .await?;
        }
        for tag in tags::list(real, real_account).await? {
            tags::create(
                store,
                account,
                &TagInput {
                    name: tag.name,
                    color: tag.color,
                },
            )
            .await?;
        }

        // The flow and every flow it goes to (their published versions),
        // under new ids: made first, so a `go to flow` finds its target.
        let mut docs: Vec<(FlowId, String, Option<FlowDocument>)> =
            vec![(options.flow, flow_name.to_owned(), Some(doc.clone()))];
        let mut known: HashSet<FlowId> = HashSet::from([options.flow]);
        let mut next = 0;
        while next < docs.len() {
            let targets: Vec<FlowId> = docs[next]
                .2
                .iter()
                .flat_map(|d| d.nodes.iter())
                .filter_map(|n| match &n.kind {
                    NodeKind::GoToFlow { flow } => flow.parse().ok(),
                    _ => None,
                })
                .collect();
            for target in targets {
                if !known.insert(target) {
                    continue;
                }
                let Ok(other) = flows::get(real, real_account, target).await else {
                    continue;
                };
                let published = match other.published_version_id {
                    Some(v) => Some(flows::version(real, real_account, v).await?.document),
                    None => None,
                };
                docs.push((target, other.name, published));
            }
            next += 1;
        }
        let mut ids: HashMap<String, FlowId> = HashMap::new();
        let mut originals = HashMap::new();
        let mut made = Vec::new();
        for (old, name, doc) in &docs {
            let new = flows::create(store, account, name, None).await?;
            ids.insert(old.to_string(), new.id);
            originals.insert(new.id.to_string(), (*old, name.clone()));
            made.push((new.id, new.revision, doc.clone()));
        }
        let mut file_ids: HashMap<String, String> = HashMap::new();
        for (id, revision, doc) in made {
            let Some(mut doc) = doc else { continue };
            for node in &mut doc.nodes {
                match &mut node.kind {
                    NodeKind::GoToFlow { flow } => {
                        if let Some(new) = ids.get(flow.as_str()) {
                            *flow = new.to_string();
                        }
                    }
                    NodeKind::Send {
                        content: Content::File { file, .. },
                        ..
                    } => {
                        if let Some(new) =
                            copy_file(real, store, real_account, account, file, &mut file_ids)
                                .await?
                        {
                            *file = new;
                        }
                    }
                    _ => {}
                }
            }
            let saved = flows::save_draft(store, account, id, revision, doc, lang).await?;
            flows::publish(store, account, id, saved.revision).await?;
        }
        let flow = ids
            .get(&options.flow.to_string())
            .copied()
            .ok_or(AutomationError::FlowUnknown)?;

        let number = instances::create(
            store,
            account,
            &NumberInput {
                name: "Simulação".into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await?
        .id;
        let contact = contacts::create(
            store,
            account,
            &ContactInput {
                phone: options.phone.clone(),
                name: Some(options.name.clone()).filter(|n| !n.trim().is_empty()),
            },
        )
        .await?
        .id;
        let conversation = conversations::open(store, account, number, contact).await?;
        Ok(Copied {
            flows: originals,
            account,
            number,
            contact,
            conversation,
            flow,
        })
    }
}

/// The file `old` of the real account, uploaded once into the throwaway
/// one; its new id (`None`: the account has no such file, and the send is
/// refused at publish as the app would).
async fn copy_file(
    real: &Store,
    store: &Store,
    real_account: AccountId,
    account: AccountId,
    old: &str,
    done: &mut HashMap<String, String>,
) -> Result<Option<String>, Failure> {
    if let Some(new) = done.get(old) {
        return Ok(Some(new.clone()));
    }
    let Ok(id) = old.parse::<AutomationFileId>() else {
        return Ok(None);
    };
    let Ok(file) = files::get(real, real_account, id).await else {
        return Ok(None);
    };
    let bytes = files::bytes(real, real_account, id).await?;
    let new = files::upload(store, account, &file.name, &file.mime, &bytes)
        .await?
        .to_string();
    done.insert(old.to_owned(), new.clone());
    Ok(Some(new))
}

struct Sim<'a> {
    store: &'a Store,
    copied: Copied,
    real_account: AccountId,
    /// The real account's settings: the calls' address policy and AI endpoint.
    settings: AutomationSettings,
    caller: Caller,
    skip_calls: bool,
    /// The simulation's time (Unix ms): now, moved on by waits.
    clock: i64,
    /// The last log line shown.
    seen_log: i64,
    /// Messages the contact wrote so far.
    sent: u32,
    events: Vec<Event>,
    lang: Lang,
    /// Print each event as it happens (text output).
    live: bool,
}

fn here(_: InstanceId) -> bool {
    true
}

impl Sim<'_> {
    async fn play(&mut self, input: impl BufRead) -> Result<(), Failure> {
        let c = &self.copied;
        sessions::start_by_hand(self.store, c.account, c.conversation, c.flow, None).await?;
        self.settle(false).await?;
        for line in input.lines() {
            let line = line.map_err(|e| AutomationError::FileUnreadable {
                path: "stdin".into(),
                reason: e.to_string(),
            })?;
            let text = line.trim_end_matches('\r');
            if text.trim().is_empty() {
                continue;
            }
            self.write(text).await?;
            self.settle(false).await?;
        }
        // The contact says nothing more: a question's time limit comes too.
        self.settle(true).await
    }

    /// The contact writes `text` now.
    async fn write(&mut self, text: &str) -> Result<(), Failure> {
        self.push(Event::Contact { text: text.into() });
        self.sent += 1;
        let c = &self.copied;
        let phone = contacts::get(self.store, c.account, c.contact).await?.phone;
        ingest(
            self.store,
            c.account,
            c.number,
            &Inbound {
                wa_id: format!("false_{phone}_SIM{}", self.sent),
                phone,
                body: text.into(),
                sent_at: self.clock,
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }

    /// Handles what is queued and due now, then moves the clock to the
    /// session's next timer (a delay; with `silent`, a question's time
    /// limit too) and again, until the session waits for the contact or
    /// ends.
    async fn settle(&mut self, silent: bool) -> Result<(), Failure> {
        // Real time passes in the simulation too (what was just written
        // is stamped with it).
        self.clock = self.clock.max(now_ms());
        let mut waits = 0;
        loop {
            self.handle_now().await?;
            let c = &self.copied;
            let waiting = sessions::active_session(self.store, c.account, c.conversation)
                .await?
                .map(|s| s.waiting);
            let (until, reply) = match waiting {
                Some(Waiting::Timer { at }) => (at, false),
                Some(Waiting::Reply {
                    timeout_at: Some(at),
                }) if silent => (at, true),
                _ => return Ok(()),
            };
            if waits == WAITS_MAX {
                self.push(Event::Stopped { waits });
                return Ok(());
            }
            waits += 1;
            let ms = (until - self.clock).max(0);
            self.push(Event::Waited { ms, reply });
            self.clock = self.clock.max(until);
        }
    }

    /// The queue in order, then the due sessions, until nothing is left at
    /// this time.
    async fn handle_now(&mut self) -> Result<(), Failure> {
        loop {
            let items = run::next_queued(self.store, &here, 0, self.clock, BATCH).await?;
            for item in &items {
                if let run::Handled::Done(done) =
                    run::handle_queued(self.store, item, &here, self.clock).await?
                {
                    self.after(done).await?;
                }
            }
            let due = run::due(self.store, &here, self.clock, BATCH).await?;
            for item in &due {
                let done = run::handle_due(
                    self.store,
                    item.account,
                    item.session,
                    item.wake_at,
                    self.clock,
                )
                .await?;
                self.after(done).await?;
            }
            if items.is_empty() && due.is_empty() {
                return Ok(());
            }
        }
    }

    /// Shows what an event did, and makes the calls it asked for (each
    /// answer may ask for another).
    async fn after(&mut self, done: run::Done) -> Result<(), Failure> {
        self.show().await?;
        let mut calls: VecDeque<(AccountId, SessionId)> = done.calls.into();
        while let Some((account, session)) = calls.pop_front() {
            let Some(request) =
                run::mark_call_started(self.store, account, session, &|_| true).await?
            else {
                continue;
            };
            self.show().await?;
            let outcome = self.call(session, &request).await;
            let done =
                run::handle_called(self.store, account, session, outcome, self.clock).await?;
            self.show().await?;
            calls.extend(done.calls);
        }
        Ok(())
    }

    /// An HTTP or AI node's call, as the runner makes it, under the real
    /// account's settings and AI key.
    async fn call(&self, session: SessionId, request: &CallRequest) -> CallOutcome {
        if self.skip_calls {
            return CallOutcome::Failed {
                reason: "skipped".into(),
            };
        }
        let at = CallContext {
            store: self.store,
            account: self.copied.account,
            session,
            key_of: self.real_account,
            settings: &self.settings,
        };
        make_call(&self.caller, at, request).await
    }

    /// The messages the number's sender would send now, in its order
    /// (marked sent here, as if WhatsApp took them), then the log's new lines.
    async fn show(&mut self) -> Result<(), Failure> {
        let c = &self.copied;
        let (account, number) = (c.account, c.number);
        while let Some(job) = outbox::claim_next_at(self.store, account, number, i64::MAX).await? {
            outbox::mark_sent(
                self.store,
                account,
                job.message,
                &format!("true_{}_SIM{}", job.phone, job.message),
                1,
            )
            .await?;
            let file = match job.kind {
                MessageKind::Text => None,
                _ => Some(job.media_name.unwrap_or_default()),
            };
            self.push(Event::Bot {
                text: job.body,
                file,
            });
        }
        let lines = sessions::log(self.store, account, self.copied.conversation, 1000).await?;
        let seen = self.seen_log;
        for line in lines.into_iter().filter(|l| l.seq > seen) {
            self.seen_log = line.seq;
            let event = match line.what.as_str() {
                "path" => Event::Path {
                    nodes: line.detail.split(" → ").map(str::to_owned).collect(),
                },
                "call" => Event::Call {
                    detail: line.detail,
                },
                "ended" => match serde_json::from_str(&line.detail) {
                    Ok(EndReason::WentTo { flow }) => {
                        let (flow, flow_name) = match self.copied.flows.get(&flow) {
                            Some((id, name)) => (id.to_string(), Some(name.clone())),
                            None => (flow, None),
                        };
                        Event::Ended {
                            reason: EndReason::WentTo { flow },
                            flow_name,
                        }
                    }
                    Ok(reason) => Event::Ended {
                        reason,
                        flow_name: None,
                    },
                    Err(_) => continue,
                },
                "handoff" => Event::Handoff { note: line.detail },
                // Said by the first line's own events.
                "started" | "handed_back" => continue,
                _ => Event::Note {
                    what: line.what,
                    detail: line.detail,
                },
            };
            self.push(event);
        }
        Ok(())
    }

    fn push(&mut self, event: Event) {
        if self.live {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", line_of(&event, self.lang));
            let _ = out.flush();
        }
        self.events.push(event);
    }

    async fn report(self, flow: FlowShown, skip_calls: bool) -> Result<Report, Failure> {
        let c = &self.copied;
        let keys: HashMap<_, _> = fields::list(self.store, c.account)
            .await?
            .into_iter()
            .map(|f| (f.id, f.key))
            .collect();
        let fields = fields::values_of(self.store, c.account, c.contact)
            .await?
            .into_iter()
            .filter_map(|v| keys.get(&v.field_id).map(|k| (k.clone(), v.value)))
            .collect();
        let tags = tags::of_contact(self.store, c.account, c.contact)
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect();
        let session = sessions::latest(self.store, c.account, c.conversation)
            .await?
            .map(|s| SessionShown {
                active: s.ended.is_none(),
                node: s.node,
                waiting: s.waiting,
                ended: s.ended,
                vars: s.vars,
            });
        Ok(Report {
            flow,
            events: self.events,
            fields,
            tags,
            session,
            skip_calls,
        })
    }
}

/// `1 h 30 min`, `2 d`, `45 s`.
fn duration(ms: i64) -> String {
    let mut s = ms.max(0) / 1000;
    if s < 60 {
        return format!("{s} s");
    }
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("min", 60)] {
        if s >= size {
            parts.push(format!("{} {unit}", s / size));
            s %= size;
        }
    }
    parts.join(" ")
}

fn reason(reason: &EndReason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| {
            let name = v.get("reason")?.as_str()?.to_owned();
            let more: Vec<String> = v
                .as_object()?
                .iter()
                .filter(|(k, _)| *k != "reason")
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                .collect();
            Some(if more.is_empty() {
                name
            } else {
                format!("{name} ({})", more.join(", "))
            })
        })
        .unwrap_or_default()
}

/// An engine note as stored in the log (`{"note":"reply_refused","node":"menu","tries":1}`)
/// as one line: `reply_refused node=menu tries=1`.
fn note(detail: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(detail) else {
        return detail.to_owned();
    };
    let mut parts: Vec<String> = map
        .get("note")
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .into_iter()
        .collect();
    for (key, value) in map.iter().filter(|(k, _)| *k != "note") {
        match value {
            serde_json::Value::String(v) => parts.push(format!("{key}={v}")),
            other => parts.push(format!("{key}={other}")),
        }
    }
    parts.join(" ")
}

/// One event as a line of text (continuation lines indented).
fn line_of(event: &Event, lang: Lang) -> String {
    let t = |pt: &'static str, en: &'static str| lang.pick(pt, en);
    let indent = |text: &str| {
        text.lines()
            .enumerate()
            .map(|(i, l)| match (i, l.is_empty()) {
                (0, _) | (_, true) => l.to_owned(),
                _ => format!("     {l}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    match event {
        Event::Contact { text } => format!("> {text}"),
        Event::Bot { text, file: None } => format!("bot: {}", indent(text)),
        Event::Bot {
            text,
            file: Some(name),
        } => format!("bot [{} {name}]: {}", t("arquivo:", "file:"), indent(text)),
        Event::Path { nodes } => format!("{}: {}", t("caminho", "path"), nodes.join(" → ")),
        Event::Waited { ms, reply: false } => {
            format!("({} {})", t("esperou", "waited"), duration(*ms))
        }
        Event::Waited { ms, reply: true } => format!(
            "({} {})",
            t("sem resposta por", "no reply for"),
            duration(*ms)
        ),
        Event::Call { detail } => format!("{}: {detail}", t("chamada", "call")),
        Event::Ended {
            flow_name: Some(name),
            ..
        } => format!("{}: went_to ({name})", t("fim", "ended")),
        Event::Ended { reason: r, .. } => format!("{}: {}", t("fim", "ended"), reason(r)),
        Event::Handoff { note } => format!("{}: {note}", t("transferido", "handed off")),
        Event::Note { what, detail } if what == "note" => {
            format!("({}: {})", t("nota", "note"), note(detail))
        }
        Event::Note { what, detail } => format!("({what}: {detail})"),
        Event::Stopped { waits } => format!(
            "({} {waits} {})",
            t("parou depois de", "stopped after"),
            t("esperas", "waits")
        ),
    }
}

/// The end of the text output: the contact's fields and tags, the session.
fn summary(report: &Report, lang: Lang) -> String {
    let t = |pt: &'static str, en: &'static str| lang.pick(pt, en);
    let none = t("(nenhum)", "(none)");
    let pairs = |map: &BTreeMap<String, String>| {
        if map.is_empty() {
            none.to_owned()
        } else {
            map.iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut out = vec![
        "---".to_owned(),
        format!("{}: {}", t("campos", "fields"), pairs(&report.fields)),
        format!(
            "{}: {}",
            t("etiquetas", "tags"),
            if report.tags.is_empty() {
                none.to_owned()
            } else {
                report.tags.join(", ")
            }
        ),
    ];
    match &report.session {
        Some(s) => {
            let state = match (&s.ended, &s.waiting) {
                (Some(r), _) => format!("{} ({})", t("encerrada", "ended"), reason(r)),
                (None, Waiting::Reply { .. }) => {
                    format!(
                        "{} {}",
                        t("esperando resposta em", "waiting for a reply at"),
                        s.node
                    )
                }
                (None, Waiting::Call { .. }) => {
                    format!(
                        "{} {}",
                        t("esperando a chamada de", "waiting on the call of"),
                        s.node
                    )
                }
                (None, _) => format!("{} {}", t("em", "at"), s.node),
            };
            out.push(format!("{}: {state}", t("sessão", "session")));
            out.push(format!(
                "{}: {}",
                t("variáveis", "variables"),
                pairs(&s.vars)
            ));
        }
        None => out.push(format!("{}: {none}", t("sessão", "session"))),
    }
    out.join("\n")
}
