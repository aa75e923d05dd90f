//! Actions from the cloud (issue 17, part 5; docs/integrations.md): the
//! rows Zapier, Make or n8n insert into the agency's `zapdesk.commands`,
//! executed by this desktop when it runs the number, through the same
//! functions the window uses — [`App::send`], the core's tags, and
//! [`App::flow_start`] — and their outcome written back to the row.
//!
//! One task, started with the app and stopped first at shutdown. It follows
//! the sync connection (none saved: it waits; a new one: it starts over),
//! LISTENs for new rows of the operator's accounts (remote 0012 notifies on
//! insert), and claims when told, when a number starts or its lease comes
//! back, and every [`POLL`] as a safety net (a row of an account joined
//! after the LISTEN began; a number whose lease another desktop let go).
//!
//! Once, under kill: the server hands a desktop back the rows it claimed and
//! never finished (`zapdesk_sync::commands`), or hands them to another
//! desktop ten minutes later, and executing a row again does nothing new —
//! the message id and the flow session id are derived from the command id
//! (both sync), so the message queued and the session started the first
//! time are found, not made again; a tag already on the contact stays one
//! tag. Before executing each row the desktop checks the claim is still its
//! own (after a sleep, another desktop may have taken it over). At shutdown
//! the row being executed is finished and its outcome written; rows claimed
//! and not started are given back, pending, for whichever desktop runs the
//! number.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use zapdesk_core::automation::{AutomationError, flows};
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, Contact, ContactError, ContactInput, ContactQuery};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::ids::{CommandId, FlowId, SessionId, TagId};
use zapdesk_core::inbox::{InboxError, conversations, outbox};
use zapdesk_core::tags::{self, TagError, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{
    AccountId, ContactId, ErrorCode, InstanceId, Lang, MessageId, UserError, accounts, ids, phone,
    settings, text,
};
use zapdesk_sync::ConnectionSettings;
use zapdesk_sync::commands::{
    self, Action, BATCH, Command, CommandInvalid, FlowRef, Outcome, RemoteCommands,
};

use crate::{App, AppError, SendContent, SendRequest, SendTo};

mod list;

pub use list::{
    CloudCommand, CloudCommandError, CloudCommandList, CommandState, CommandsServer, LIST_MAX,
    PANEL_APPLICATION, retry_command,
};

/// Claims without a poke this often: the poke is the rule, this the net.
pub const POLL: Duration = Duration::from_secs(30);

/// Longest wait for one question to the server.
const ASK_WITHIN: Duration = Duration::from_secs(15);

/// Retry delays after a failed session: doubling from the first to the last.
const BACKOFF: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(60));

/// At its fifth claim, a row whose execution keeps failing here for a
/// reason that may pass (the local store) is finished as failed, with that
/// error: it no longer waits, and the integration sees why.
pub const MAX_ATTEMPTS: i32 = 5;

/// Colour of a tag a command creates (the server's default for tags).
const NEW_TAG_COLOR: &str = "#64748b";

/// The task executing the cloud's commands; made with the app, started by
/// [`App::start`], stopped by [`App::shutdown`].
pub(crate) struct CloudCommands {
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
    /// Settings → Comandos da nuvem's connection to the server.
    panel: list::PanelServer,
}

/// Wakes the task to claim now (a number started, its lease came back).
#[derive(Clone)]
pub(crate) struct CommandsWaker(Arc<Notify>);

impl CommandsWaker {
    pub(crate) fn wake(&self) {
        self.0.notify_one();
    }
}

impl CloudCommands {
    pub(crate) fn new() -> CloudCommands {
        CloudCommands {
            wake: Arc::new(Notify::new()),
            stop: watch::Sender::new(false),
            task: Mutex::new(None),
            panel: list::PanelServer::default(),
        }
    }

    pub(crate) fn waker(&self) -> CommandsWaker {
        CommandsWaker(Arc::clone(&self.wake))
    }

    /// Starts the task (once; not after [`CloudCommands::stop`]).
    pub(crate) fn start(&self, app: App) {
        let mut task = self.task.lock().unwrap_or_else(|p| p.into_inner());
        if task.is_some() || *self.stop.borrow() {
            return;
        }
        let run = run(app, Arc::clone(&self.wake), self.stop.subscribe());
        *task = Some(tokio::spawn(run));
    }

    /// Lets the command being executed finish and its outcome be written
    /// (each question to the server bounded by [`ASK_WITHIN`]), gives back
    /// the rows claimed and not started, then ends the task. A row the
    /// server could not be told about stays claimed: executed again at the
    /// next start (or by another desktop ten minutes later), which repeats
    /// nothing.
    pub(crate) async fn stop(&self) {
        self.stop.send_replace(true);
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
        self.panel.close().await;
    }

    pub(crate) fn panel(&self) -> &list::PanelServer {
        &self.panel
    }
}

/// Why a session with the server ended.
enum Ended {
    Stopped,
    /// The sync connection changed (or went): start over with the new one.
    Reconnect,
    /// The server has no commands table yet (provisioned before remote
    /// migration 0012): asked again much later, not at every backoff.
    Outdated,
    Failed(String),
}

async fn run(app: App, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let mut views = app.sync().watch();
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        let connection = views.borrow_and_update().connection.clone();
        let ended = match &connection {
            Some(connection) => {
                let session = session(
                    &app,
                    connection,
                    &wake,
                    &mut stop,
                    &mut views,
                    &mut failures,
                );
                session.await
            }
            // Working alone: no agency server, no commands.
            None => tokio::select! {
                _ = stop.changed() => Ended::Stopped,
                changed = views.changed() => match changed {
                    Ok(()) => Ended::Reconnect,
                    Err(_) => Ended::Stopped,
                },
            },
        };
        let delay = match ended {
            Ended::Stopped => return,
            Ended::Reconnect => {
                failures = 0;
                continue;
            }
            Ended::Outdated => {
                tracing::info!(
                    "cloud commands: the agency's server predates them; \
                     `zapdesk-cli remote provision` upgrades it"
                );
                failures = 0;
                OUTDATED_AGAIN
            }
            Ended::Failed(why) => {
                tracing::warn!("cloud commands: {why}");
                let delay = backoff(failures);
                failures = failures.saturating_add(1);
                delay
            }
        };
        match wait_to_retry(&mut stop, &mut views, &connection, delay).await {
            Retry::Stopped => return,
            Retry::Reconnected => failures = 0,
            Retry::Waited => {}
        }
    }
}

/// How long a server without the commands table is left alone.
const OUTDATED_AGAIN: Duration = Duration::from_secs(600);

fn backoff(failures: u32) -> Duration {
    BACKOFF
        .0
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(BACKOFF.1)
}

/// One connection to the server, until it fails, the connection setting
/// changes or the app stops.
async fn session(
    app: &App,
    connection: &ConnectionSettings,
    wake: &Notify,
    stop: &mut watch::Receiver<bool>,
    views: &mut watch::Receiver<zapdesk_sync::SyncView>,
    failures: &mut u32,
) -> Ended {
    let remote = match commands::remote_of(connection) {
        Ok(remote) => remote,
        Err(e) => return Ended::Failed(e.message(Lang::En)),
    };
    let opened = async {
        // Listening first: a row inserted after the first claim is heard.
        let pokes = commands::listen(&remote, ASK_WITHIN)
            .await
            .map_err(|e| format!("listening: {e}"))?;
        let server = RemoteCommands::connect(app.store(), &remote, ASK_WITHIN)
            .await
            .map_err(|e| format!("connecting: {e}"))?;
        Ok::<_, String>((pokes, server))
    };
    let (mut pokes, mut server) = tokio::select! {
        _ = stop.changed() => return Ended::Stopped,
        opened = opened => match opened {
            Ok(opened) => opened,
            Err(why) => return Ended::Failed(why),
        },
    };
    // A number's lease long enough again (it had run short): its rows are ours.
    let mut claimable = app.fleet().claimable();
    let ended = loop {
        pokes.clear();
        match drain(app, &mut server, stop).await {
            // Worked: a later failure is a new outage, retried soon (not
            // right after connecting: an error after every connection would
            // then be retried every second forever).
            Ok(()) => *failures = 0,
            Err(ended) => break ended,
        }
        let reasons = Reasons {
            stop,
            views,
            connection,
            pokes: &mut pokes,
            wake,
            claimable: &mut claimable,
        };
        if let Some(ended) = reasons.next().await {
            break ended;
        }
    };
    if matches!(ended, Ended::Stopped) {
        // Nothing runs any more: what this desktop claimed and did not
        // finish goes back to pending, for whichever desktop runs the number.
        match server.release_all().await {
            Ok(0) => {}
            Ok(n) => tracing::info!("cloud commands: {n} claimed and not executed, given back"),
            Err(e) => tracing::warn!(
                "cloud commands: giving back the rows not executed: {e}; \
                 another desktop takes them in ten minutes, this one at its next start"
            ),
        }
    }
    server.close().await;
    ended
}

/// Where a new poke comes from: the server's LISTEN ([`commands::Pokes`]),
/// or a channel in the tests.
trait Poked {
    /// The account of the next poke; `None` once no more can come.
    fn poked(&mut self) -> impl Future<Output = Option<AccountId>> + Send;
}

impl Poked for commands::Pokes {
    fn poked(&mut self) -> impl Future<Output = Option<AccountId>> + Send {
        self.next()
    }
}

/// What a session waits on between two drains.
struct Reasons<'a, P> {
    stop: &'a mut watch::Receiver<bool>,
    views: &'a mut watch::Receiver<zapdesk_sync::SyncView>,
    connection: &'a ConnectionSettings,
    pokes: &'a mut P,
    wake: &'a Notify,
    claimable: &'a mut watch::Receiver<u64>,
}

impl<P: Poked> Reasons<'_, P> {
    /// Waits for a reason to claim (`None`) or to end the session. The sync
    /// view also moves with every push and pull, which is no reason; the
    /// safety net's deadline is set once, when the wait begins, not renewed
    /// by each of those moves (an active desktop would never reach it).
    async fn next(self) -> Option<Ended> {
        let poll = tokio::time::sleep(POLL);
        tokio::pin!(poll);
        loop {
            tokio::select! {
                _ = self.stop.changed() => return Some(Ended::Stopped),
                changed = self.views.changed() => {
                    if changed.is_err() {
                        return Some(Ended::Stopped);
                    }
                    if self.views.borrow_and_update().connection.as_ref() != Some(self.connection) {
                        return Some(Ended::Reconnect);
                    }
                }
                poke = self.pokes.poked() => return match poke {
                    Some(_) => None,
                    None => Some(Ended::Failed("the LISTEN connection was lost".into())),
                },
                () = self.wake.notified() => return None,
                Ok(()) = self.claimable.changed() => return None,
                () = &mut poll => return None,
            }
        }
    }
}

/// How the wait before trying the server again ended.
#[derive(Debug, PartialEq, Eq)]
enum Retry {
    /// The delay passed: try again.
    Waited,
    /// The connection setting itself changed (or went): start over at once.
    Reconnected,
    Stopped,
}

/// Waits `delay` before trying the server again, cut short only by the stop
/// or a change of the connection setting (`was`): the sync view also moves
/// with every push and pull, which must not turn a backoff of a minute, or
/// the hour an outdated server is left alone, into a retry per second.
async fn wait_to_retry(
    stop: &mut watch::Receiver<bool>,
    views: &mut watch::Receiver<zapdesk_sync::SyncView>,
    was: &Option<ConnectionSettings>,
    delay: Duration,
) -> Retry {
    let reconnected = async {
        loop {
            if views.changed().await.is_err() {
                // No sync any more: only the delay or the stop ends the wait.
                std::future::pending::<()>().await;
            }
            if views.borrow_and_update().connection != *was {
                return;
            }
        }
    };
    tokio::select! {
        _ = stop.changed() => Retry::Stopped,
        () = reconnected => Retry::Reconnected,
        () = tokio::time::sleep(delay) => Retry::Waited,
    }
}

/// Claims and executes until nothing is left for the numbers running here
/// or the app stops (a claim under way is not waited for then; the session
/// gives back what is left claimed). The row being executed when the app
/// stops is finished, its outcome written (each question bounded by
/// [`ASK_WITHIN`]). A failure of the server ends the session.
async fn drain(
    app: &App,
    server: &mut RemoteCommands,
    stop: &watch::Receiver<bool>,
) -> Result<(), Ended> {
    let mut stopping = stop.clone();
    let trouble = |doing: String, e| {
        if commands::is_schema_missing(&e) {
            Ended::Outdated
        } else {
            Ended::Failed(format!("{doing}: {e}"))
        }
    };
    loop {
        let numbers = numbers_here(app).await;
        if numbers.is_empty() || *stop.borrow() {
            return Ok(());
        }
        let claimed = tokio::select! {
            _ = stopping.changed() => return Ok(()),
            claimed = server.claim(&numbers, now_ms(), BATCH) => {
                claimed.map_err(|e| trouble("claiming".into(), e))?
            }
        };
        let full = claimed.len() >= BATCH as usize;
        let mut left = false;
        for command in claimed {
            if *stop.borrow() {
                // Claimed, not started: given back by the session.
                return Ok(());
            }
            // Still ours? A desktop that slept (or lost the server) for ten
            // minutes may have lost the row to another desktop.
            let held = server
                .hold(command.id)
                .await
                .map_err(|e| trouble(format!("checking the claim of {}", command.id), e))?;
            if !held {
                tracing::warn!(
                    "command {}: another desktop took it over; not executed here",
                    command.id
                );
                continue;
            }
            let Some(outcome) = execute(app, &command).await else {
                // A local failure that may pass (the store busy): the row
                // stays claimed and is executed again at the next claim; the
                // rows after it are not held up.
                left = true;
                continue;
            };
            // Not raced against the stop: an outcome dropped would leave the
            // row claimed, executed, and waiting ten minutes.
            let finished = server
                .finish(command.id, &outcome)
                .await
                .map_err(|e| trouble(format!("writing the outcome of {}", command.id), e))?;
            if !finished {
                tracing::warn!(
                    "command {}: executed here, but another desktop took it over meanwhile",
                    command.id
                );
            }
        }
        // A row left for later comes back first at the next claim: not
        // claimed again at once (its retries are spread over the pokes and
        // the safety net, not spent in a burst).
        if !full || left {
            return Ok(());
        }
    }
}

/// The numbers this desktop runs with their lease (its bot and its sends
/// are its own): the only ones whose commands it may claim.
async fn numbers_here(app: &App) -> Vec<InstanceId> {
    let all = match accounts::list(app.store(), true).await {
        Ok(all) => all,
        Err(e) => {
            tracing::warn!("cloud commands: reading the accounts: {e}");
            return Vec::new();
        }
    };
    let fleet = app.fleet();
    all.iter()
        .flat_map(|account| fleet.running(account.id))
        .filter(|number| fleet.runs_here(*number))
        .collect()
}

/// The outcome to write back, or `None` to leave the row claimed and try
/// again later (the local store failed: nothing says the command is wrong),
/// until its [`MAX_ATTEMPTS`]th claim: then failed, with that error.
async fn execute(app: &App, command: &Command) -> Option<Outcome> {
    let lang = settings::language(app.store()).await.unwrap_or_default();
    match run_command(app, command).await {
        Ok(result) => Some(Outcome::Done(result)),
        Err(e) if e.code() == ErrorCode::DatabaseFailed && command.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(
                "command {}: {e}; given up after {} attempts",
                command.id,
                command.attempts
            );
            Some(Outcome::failed(&e, lang))
        }
        Err(e) if e.code() == ErrorCode::DatabaseFailed => {
            tracing::warn!("command {}: {e}; tried again later", command.id);
            None
        }
        Err(e) => {
            // The code, not the text: a refusal's text can name a phone.
            tracing::info!(
                "command {} ({}) failed: {:?}",
                command.id,
                command.kind,
                e.code()
            );
            Some(Outcome::failed(&e, lang))
        }
    }
}

/// Why a command failed: what it asks for, or what the app refused.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Invalid(#[from] CommandInvalid),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Tag(#[from] TagError),
    #[error("no contact has the phone {0}")]
    NoContact(String),
    #[error("no tag {0}")]
    NoTag(String),
    #[error("no flow {0}")]
    NoFlow(String),
    #[error("no number to start the flow on")]
    NoNumber,
}

impl From<ContactError> for Failure {
    fn from(e: ContactError) -> Failure {
        Failure::App(e.into())
    }
}

impl From<AutomationError> for Failure {
    fn from(e: AutomationError) -> Failure {
        Failure::App(e.into())
    }
}

impl From<InboxError> for Failure {
    fn from(e: InboxError) -> Failure {
        Failure::App(e.into())
    }
}

impl UserError for Failure {
    fn code(&self) -> ErrorCode {
        match self {
            Failure::Invalid(e) => e.code(),
            Failure::App(e) => e.code(),
            Failure::Tag(e) => e.code(),
            Failure::NoContact(_) => ErrorCode::ContactUnknown,
            Failure::NoTag(_) => ErrorCode::TagUnknown,
            Failure::NoFlow(_) => ErrorCode::FlowUnknown,
            Failure::NoNumber => ErrorCode::NumberOffline,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Failure::Invalid(e), _) => e.message(lang),
            (Failure::App(e), _) => e.message(lang),
            (Failure::Tag(e), _) => e.message(lang),
            (Failure::NoContact(phone), Lang::PtBr) => {
                format!("Nenhum contato desta conta tem o telefone {phone}. Nada foi alterado.")
            }
            (Failure::NoContact(phone), Lang::En) => {
                format!("No contact of this account has the phone {phone}. Nothing was changed.")
            }
            (Failure::NoTag(tag), Lang::PtBr) => {
                format!("Esta conta não tem a etiqueta \"{tag}\". Nada foi alterado.")
            }
            (Failure::NoTag(tag), Lang::En) => {
                format!("This account has no tag \"{tag}\". Nothing was changed.")
            }
            (Failure::NoFlow(flow), Lang::PtBr) => format!(
                "Esta conta não tem o fluxo \"{flow}\". Confira o nome ou o id em Automação → Fluxos."
            ),
            (Failure::NoFlow(flow), Lang::En) => format!(
                "This account has no flow \"{flow}\". Check its name or id in Automation → Flows."
            ),
            (Failure::NoNumber, _) => lang
                .pick(
                    "Nenhum número desta conta roda neste computador para iniciar o fluxo. Informe o número (instance_id) no comando.",
                    "No number of this account runs on this computer to start the flow on. Give the number (instance_id) in the command.",
                )
                .to_owned(),
        }
    }
}

/// The message a `send_text` row queues: the same id however many times the
/// row is executed, on whichever desktop.
pub fn command_message(account: AccountId, command: CommandId) -> MessageId {
    MessageId::from_uuid(ids::natural(account, "cloud_command", &command.to_string()))
}

/// The flow session a `start_flow` row starts: the same id however many
/// times the row is executed, on whichever desktop (sessions sync: a
/// desktop taking the row over finds the first one's session).
pub fn command_session(account: AccountId, command: CommandId) -> SessionId {
    SessionId::from_uuid(ids::natural(
        account,
        "cloud_command_session",
        &command.to_string(),
    ))
}

async fn run_command(app: &App, command: &Command) -> Result<Value, Failure> {
    let account = command.account;
    // A row made by "run again" (Settings → Integrações) derives its
    // message and session from the first row of its chain: what that row
    // queued or started before it was marked failed is found, not repeated.
    let root = list::chain_root(account, command.id, &command.payload);
    match command.action()? {
        Action::SendText { phone, text } => {
            let id = command_message(account, root);
            // Queued by an earlier attempt (here, or on another desktop and
            // synced): done, whatever would refuse it now (the contact opted
            // out since, no number connected) — it is in the outbox.
            if let Some(queued) = queued_before(app, account, id).await? {
                return Ok(queued);
            }
            let request = SendRequest {
                to: SendTo::Phone(phone),
                from: command.instance,
                content: SendContent::Text { text },
            };
            let sent = app.send(account, id, request).await?;
            Ok(json!({
                "message_id": sent.message.id,
                "conversation_id": sent.conversation,
                "contact_id": sent.contact,
                "instance_id": sent.instance,
                "status": sent.message.status,
            }))
        }
        Action::AddTag { phone, tag } => {
            let (contact, contact_created) = contact_of(app, account, &phone).await?;
            let (tag, tag_created) = tag_named(app, account, &tag).await?;
            let contacts = [contact.id];
            let put = tags::apply(app.store(), account, tag, &contacts, true);
            let changed = app.wrote(Some(account), &[Table::ContactTags], put).await?;
            // A flow triggered by this tag was queued with the tag (SQLite
            // trigger): the runner looks now.
            app.wake_flows();
            Ok(json!({
                "contact_id": contact.id,
                "tag_id": tag,
                "added": changed > 0,
                "contact_created": contact_created,
                "tag_created": tag_created,
            }))
        }
        Action::RemoveTag { phone, tag } => {
            let e164 = phone::normalize(&phone).map_err(ContactError::from)?;
            let contact = find_contact(app, account, &e164)
                .await?
                .ok_or(Failure::NoContact(e164))?;
            let tag = existing_tag(app, account, &tag)
                .await?
                .ok_or(Failure::NoTag(tag))?;
            let contacts = [contact.id];
            let take = tags::apply(app.store(), account, tag, &contacts, false);
            let changed = app
                .wrote(Some(account), &[Table::ContactTags], take)
                .await?;
            Ok(json!({
                "contact_id": contact.id,
                "tag_id": tag,
                "removed": changed > 0,
            }))
        }
        Action::StartFlow { phone, flow } => {
            let flow = flow_of(app, account, &flow).await?;
            let (contact, contact_created) = contact_of(app, account, &phone).await?;
            let number = number_for(app, account, command.instance, contact.id).await?;
            let open = conversations::open(app.store(), account, number, contact.id);
            let conversation = app
                .wrote(Some(account), &[Table::Conversations], open)
                .await?;
            let session = command_session(account, root);
            let start = app.flow_start_as(account, conversation, flow, session);
            let started = start.await?;
            // Started before (maybe on another number, by another desktop):
            // where that session runs.
            let (conversation, number) = if started.conversation == conversation {
                (conversation, number)
            } else {
                let runs = conversations::get(app.store(), account, started.conversation).await?;
                (runs.id, runs.instance_id)
            };
            Ok(json!({
                "session_id": started.session,
                "conversation_id": conversation,
                "contact_id": contact.id,
                "instance_id": number,
                "contact_created": contact_created,
                "already_started": !started.started,
            }))
        }
    }
}

/// The account's contact with this phone, created when there is none
/// (a lead from a form is usually new); whether it was created.
async fn contact_of(app: &App, account: AccountId, raw: &str) -> Result<(Contact, bool), Failure> {
    let e164 = phone::normalize(raw).map_err(ContactError::from)?;
    if let Some(found) = find_contact(app, account, &e164).await? {
        return Ok((found, false));
    }
    let input = ContactInput {
        phone: e164.clone(),
        name: None,
    };
    let create = contacts::create(app.store(), account, &input);
    match app.wrote(Some(account), &[Table::Contacts], create).await {
        Ok(created) => Ok((created, true)),
        // Created meanwhile (the inbox, a pull): that one.
        Err(ContactError::PhoneDuplicate(_)) => find_contact(app, account, &e164)
            .await?
            .map(|c| (c, false))
            .ok_or(Failure::NoContact(e164)),
        Err(e) => Err(e.into()),
    }
}

/// The account's contact with this E.164 phone: the id derived from the
/// phone finds nearly all of them; one whose phone was edited since is
/// found by searching.
async fn find_contact(
    app: &App,
    account: AccountId,
    e164: &str,
) -> Result<Option<Contact>, Failure> {
    let store = app.store();
    let natural = ContactId::from_uuid(ids::natural(account, "contact", e164));
    match contacts::get(store, account, natural).await {
        Ok(found) if found.phone == e164 => return Ok(Some(found)),
        Ok(_) | Err(ContactError::Unknown(..)) => {}
        Err(e) => return Err(e.into()),
    }
    let query = ContactQuery {
        filter: ContactFilter {
            search: Some(e164.to_owned()),
            ..ContactFilter::default()
        },
        offset: 0,
        limit: contacts::PAGE_MAX,
    };
    let page = contacts::list(store, account, &query).await?;
    Ok(page
        .items
        .into_iter()
        .map(|item| item.contact)
        .find(|c| c.phone == e164))
}

/// The account's tag with this name (case and accents aside, as the tags
/// screen compares), created when there is none; whether it was created.
async fn tag_named(app: &App, account: AccountId, name: &str) -> Result<(TagId, bool), Failure> {
    if let Some(tag) = existing_tag(app, account, name).await? {
        return Ok((tag, false));
    }
    let input = TagInput {
        name: name.to_owned(),
        color: NEW_TAG_COLOR.to_owned(),
    };
    let create = tags::create(app.store(), account, &input);
    match app.wrote(Some(account), &[Table::Tags], create).await {
        Ok(tag) => Ok((tag.id, true)),
        // Created meanwhile: that one.
        Err(TagError::Duplicate(_)) => existing_tag(app, account, name)
            .await?
            .map(|t| (t, false))
            .ok_or_else(|| Failure::NoTag(name.to_owned())),
        Err(e) => Err(e.into()),
    }
}

async fn existing_tag(app: &App, account: AccountId, name: &str) -> Result<Option<TagId>, Failure> {
    let key = text::fold(name.trim());
    Ok(tags::list(app.store(), account)
        .await?
        .into_iter()
        .find(|t| text::fold(&t.name) == key)
        .map(|t| t.id))
}

/// The flow a row names: by id, or by name (case and accents aside).
async fn flow_of(app: &App, account: AccountId, flow: &FlowRef) -> Result<FlowId, Failure> {
    let all = flows::list(app.store(), account).await?;
    let found = match flow {
        FlowRef::Id(id) => all.iter().find(|f| f.id == *id),
        FlowRef::Name(name) => {
            let key = text::fold(name);
            all.iter().find(|f| text::fold(&f.name) == key)
        }
    };
    found.map(|f| f.id).ok_or_else(|| {
        Failure::NoFlow(match flow {
            FlowRef::Id(id) => id.to_string(),
            FlowRef::Name(name) => name.clone(),
        })
    })
}

/// The number whose conversation with the contact runs the flow: the row's,
/// else the one the contact last talked to, else one of the account's
/// numbers running here.
async fn number_for(
    app: &App,
    account: AccountId,
    asked: Option<InstanceId>,
    contact: ContactId,
) -> Result<InstanceId, Failure> {
    if let Some(number) = asked {
        return Ok(number);
    }
    if let Some(last) = conversations::of_contact(app.store(), account, contact)
        .await?
        .first()
    {
        return Ok(last.instance_id);
    }
    let fleet = app.fleet();
    fleet
        .running(account)
        .into_iter()
        .find(|n| fleet.runs_here(*n))
        .ok_or(Failure::NoNumber)
}

/// What a `send_text` row's earlier attempt queued under `id`, as the row's
/// result; `None` when nothing was.
async fn queued_before(
    app: &App,
    account: AccountId,
    id: MessageId,
) -> Result<Option<Value>, Failure> {
    let store = app.store();
    let Some(message) = outbox::queued(store, account, id).await? else {
        return Ok(None);
    };
    let conversation = conversations::get(store, account, message.conversation_id).await?;
    Ok(Some(json!({
        "message_id": message.id,
        "conversation_id": message.conversation_id,
        "contact_id": conversation.contact_id,
        "instance_id": message.instance_id,
        "status": message.status,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;
    use zapdesk_sync::SyncView;

    impl Poked for mpsc::UnboundedReceiver<AccountId> {
        fn poked(&mut self) -> impl Future<Output = Option<AccountId>> + Send {
            self.recv()
        }
    }

    fn connection(database: &str) -> ConnectionSettings {
        ConnectionSettings::new("10.0.0.2", 5432, database, "zapdesk_op_maria")
    }

    fn views(connection: Option<ConnectionSettings>) -> watch::Sender<SyncView> {
        watch::Sender::new(SyncView {
            connection,
            status: None,
        })
    }

    /// The sync view moving every five seconds, as pushes and pulls move it.
    async fn busy_sync(views: &watch::Sender<SyncView>) {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            views.send_modify(|_| {});
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_safety_net_claims_every_poll_even_while_sync_keeps_moving() {
        let agency = connection("agencia");
        let sender = views(Some(agency.clone()));
        let (_stopper, mut stop) = watch::channel(false);
        let mut seen = sender.subscribe();
        let (_poker, mut pokes) = mpsc::unbounded_channel::<AccountId>();
        let wake = Notify::new();
        let (_fleet, mut claimable) = watch::channel(0u64);
        let began = tokio::time::Instant::now();
        let reasons = Reasons {
            stop: &mut stop,
            views: &mut seen,
            connection: &agency,
            pokes: &mut pokes,
            wake: &wake,
            claimable: &mut claimable,
        };
        tokio::select! {
            ended = reasons.next() => assert!(ended.is_none(), "a claim, not an end"),
            () = busy_sync(&sender) => unreachable!(),
            () = tokio::time::sleep(4 * POLL) => panic!("the safety net never claimed"),
        }
        assert_eq!(began.elapsed(), POLL);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_waits_its_whole_delay_unless_the_connection_itself_changes() {
        let agency = Some(connection("agencia"));
        let sender = views(agency.clone());
        let (_stopper, mut stop) = watch::channel(false);
        let mut seen = sender.subscribe();
        let began = tokio::time::Instant::now();
        let delay = Duration::from_secs(60);
        tokio::select! {
            retry = wait_to_retry(&mut stop, &mut seen, &agency, delay) => {
                assert_eq!(retry, Retry::Waited);
            }
            () = busy_sync(&sender) => unreachable!(),
        }
        assert_eq!(began.elapsed(), delay);

        // Another server saved in Settings: at once.
        let began = tokio::time::Instant::now();
        let moved = async {
            tokio::time::sleep(Duration::from_secs(7)).await;
            sender.send_modify(|v| v.connection = Some(connection("outra")));
            std::future::pending::<()>().await;
        };
        tokio::select! {
            retry = wait_to_retry(&mut stop, &mut seen, &agency, delay) => {
                assert_eq!(retry, Retry::Reconnected);
            }
            () = moved => unreachable!(),
        }
        assert_eq!(began.elapsed(), Duration::from_secs(7));
    }
}
