//! The flow runner: one task per desktop that hands the bot's work to
//! `zapdesk_core::automation::run`, one event per transaction — the queue's
//! rows in order (messages contacts sent, tags people added), the sessions
//! whose time has come (a start, a delay's end, a question's time limit) —
//! and makes the outside calls of HTTP and AI nodes in tasks of their own,
//! so a slow call holds up only its own conversation (the queue keeps that
//! conversation's later messages until the answer) and never the others.
//!
//! Only numbers this desktop runs are stepped ([`Numbers::runs_here`]: the
//! fleet, which holds their leases); what the core hands back says which
//! numbers to wake, which screens to tell and which calls to make. The
//! runner owns no state a crash could lose: the queue, the sessions and
//! their timers are rows. A call that left and that this runner is not
//! waiting for (a crash, a stop, a desktop that lost the number) is answered
//! "interrupted" — the error branch, never a second request — and a call
//! saved but never made is made, once the number runs here.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use std::time::Instant;

use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};
use zapdesk_core::assignment;
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::run::{self, Done, Handled};
use zapdesk_core::automation::{AutomationError, settings};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::ids::SessionId;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, InstanceId, Store};

use crate::{CallContext, Caller, make_call};

/// What the runner needs of the numbers (the fleet, in the app).
pub trait Numbers: Send + Sync {
    /// Whether this desktop runs `number` now and may send for it (it holds
    /// its lease): only then are its messages answered and its sessions
    /// stepped here.
    fn runs_here(&self, number: InstanceId) -> bool;
    /// The number's outbox got rows: wake its sender.
    fn kick(&self, number: InstanceId);
}

/// Told which tables of which account the bot wrote (the screens refetch).
pub type Report = Arc<dyn Fn(Change) + Send + Sync>;

/// Items taken per look; a full batch means "look again at once".
const BATCH: usize = 64;
/// Failures of one queue row, or of one session's step, in a row before it
/// is set aside: a row or a session the core cannot handle (a flow or a
/// state it cannot read) must not stop every other contact's answers,
/// timers and calls. A busy database fails a few times and then succeeds.
const TRIES: u32 = 5;
/// The first pause before a call's answer is saved again (then doubled).
const ANSWER_PAUSE: Duration = Duration::from_millis(250);

/// How often the runner looks without being woken. The app uses the
/// default; a test chooses its own (time is injected, never slept on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunnerTiming {
    /// Longest sleep between two looks, so work nobody announced (a number
    /// that started, a clock that moved) is found within this time.
    pub idle: Duration,
    /// How often sessions waiting on a call are looked at for calls nobody
    /// waits for (each look reads every active session).
    pub calls_look: Duration,
}

impl Default for RunnerTiming {
    fn default() -> RunnerTiming {
        RunnerTiming {
            idle: Duration::from_secs(15),
            calls_look: Duration::from_secs(5),
        }
    }
}

struct Shared {
    store: Store,
    numbers: Arc<dyn Numbers>,
    caller: Caller,
    report: Report,
    wake: Arc<Notify>,
    timing: RunnerTiming,
    calls: Mutex<Calls>,
    /// Sessions whose call this runner is making.
    in_flight: Mutex<HashSet<SessionId>>,
    /// When this runner started (ms): a queued message of a number not run
    /// here waits `KEEP_ELSEWHERE` from then at least (its number may be
    /// starting).
    started_at: i64,
}

/// The calls in flight, and whether the runner is stopping: from then on no
/// call starts. Both under one lock, so a call task that ends while the set
/// is being shut down (its answer asks for the next call) cannot start one
/// into a set nobody waits for.
#[derive(Default)]
struct Calls {
    set: JoinSet<()>,
    stopping: bool,
}

/// The running task; dropping it stops the task and its calls.
pub struct FlowRunner {
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
}

/// Wakes a [`FlowRunner`]: a message was stored, a session was started by
/// hand, a pull brought sessions, a number connected.
#[derive(Clone)]
pub struct FlowWaker(Arc<Notify>);

impl FlowWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Looks again after each change `changes` counts (the sync runner's
    /// pulls: a session started on another desktop, a keyword edited there).
    pub fn follow(&self, mut changes: watch::Receiver<u64>) -> JoinHandle<()> {
        let wake = Arc::clone(&self.0);
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                wake.notify_one();
            }
        })
    }
}

impl FlowRunner {
    /// Starts the runner on `store`. Must be called inside the async runtime.
    pub fn spawn(
        store: Store,
        numbers: Arc<dyn Numbers>,
        caller: Caller,
        report: Report,
    ) -> FlowRunner {
        FlowRunner::spawn_timed(store, numbers, caller, report, RunnerTiming::default())
    }

    /// [`FlowRunner::spawn`] with its own timing.
    pub fn spawn_timed(
        store: Store,
        numbers: Arc<dyn Numbers>,
        caller: Caller,
        report: Report,
        timing: RunnerTiming,
    ) -> FlowRunner {
        let shared = Arc::new(Shared {
            store,
            numbers,
            caller,
            report,
            wake: Arc::new(Notify::new()),
            timing,
            calls: Mutex::new(Calls::default()),
            in_flight: Mutex::new(HashSet::new()),
            started_at: now_ms(),
        });
        let task = tokio::spawn(run(Arc::clone(&shared)));
        FlowRunner {
            shared,
            task: Mutex::new(Some(task)),
        }
    }

    pub fn waker(&self) -> FlowWaker {
        FlowWaker(Arc::clone(&self.shared.wake))
    }

    pub fn wake(&self) {
        self.shared.wake.notify_one();
    }

    fn task(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.task.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the task has ended.
    pub fn is_stopped(&self) -> bool {
        self.task().as_ref().is_none_or(|t| t.is_finished())
    }

    /// Stops the loop and every call in flight, and returns once they have
    /// ended: nothing is stepped after this. A call cut here is answered
    /// "interrupted" at the next start.
    pub async fn stop_and_wait(&self) {
        let task = self.task().take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
        // `stopping` is set with the set taken: a call task past its last
        // await (answering, asking for its session's next call) starts
        // nothing after this. Until empty all the same: nothing outlives
        // the stop.
        loop {
            let mut set = {
                let mut calls = self.shared.calls();
                calls.stopping = true;
                std::mem::take(&mut calls.set)
            };
            if set.is_empty() {
                break;
            }
            set.shutdown().await;
        }
    }

    /// Call tasks the runner holds (running or ended, not yet reaped): none
    /// once [`FlowRunner::stop_and_wait`] has returned.
    #[cfg(feature = "test-support")]
    pub fn calls_held(&self) -> usize {
        self.shared.calls().set.len()
    }
}

impl Drop for FlowRunner {
    fn drop(&mut self) {
        if let Some(task) = self.task().as_ref() {
            task.abort();
        }
        let mut calls = self.shared.calls();
        calls.stopping = true;
        calls.set.abort_all();
    }
}

impl Shared {
    fn calls(&self) -> std::sync::MutexGuard<'_, Calls> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn runs_here(&self, number: InstanceId) -> bool {
        self.numbers.runs_here(number)
    }

    /// What a handled event asks for: wake the senders, tell the screens,
    /// make the calls.
    fn after(self: &Arc<Self>, done: Done) {
        for number in done.kick {
            self.numbers.kick(number);
        }
        for change in done.changed {
            (self.report)(change);
        }
        for (account, session) in done.calls {
            self.spawn_call(account, session);
        }
    }

    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<SessionId>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn spawn_call(self: &Arc<Self>, account: AccountId, session: SessionId) {
        if !self.in_flight().insert(session) {
            return;
        }
        let shared = Arc::clone(self);
        let mut calls = self.calls();
        if calls.stopping {
            // Left for the next start, which makes it (it has not left).
            drop(calls);
            self.in_flight().remove(&session);
            return;
        }
        // Ended calls are reaped here, so the set holds only live ones.
        while calls.set.try_join_next().is_some() {}
        calls
            .set
            .spawn(async move { shared.call(account, session).await });
    }

    /// Marks the call started (committed), makes it, steps the session with
    /// the answer, then lets the conversation's queued messages go.
    async fn call(self: Arc<Self>, account: AccountId, session: SessionId) {
        let done =
            match run::mark_call_started(&self.store, account, session, &|n| self.runs_here(n))
                .await
            {
                Ok(Some(request)) => {
                    let outcome = self.perform(account, session, &request).await;
                    self.answer(account, session, outcome).await
                }
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!("flows: session {session}: the call could not start: {e}");
                    None
                }
            };
        // Out of the set before the answer's own calls are asked for: a
        // session whose next node is another call makes it now, not at the
        // next look for forgotten calls.
        self.in_flight().remove(&session);
        if let Some(done) = done {
            self.after(done);
        }
        self.wake.notify_one();
    }

    /// Steps the session with its call's answer. The answer exists only
    /// here: a store that fails (busy past its timeout, a full disk for a
    /// moment) is tried again after a growing pause, [`TRIES`] times, while
    /// the session stays in `in_flight` — the look at calls nobody waits for
    /// would otherwise answer it "interrupted" and the server's answer, its
    /// effects done, would be lost. Past the tries, that look answers it.
    async fn answer(
        &self,
        account: AccountId,
        session: SessionId,
        answer: CallOutcome,
    ) -> Option<Done> {
        let mut pause = ANSWER_PAUSE;
        for attempt in 1..=TRIES {
            let outcome = answer.clone();
            match run::handle_called(&self.store, account, session, outcome, now_ms()).await {
                Ok(done) => return Some(done),
                Err(e) => {
                    tracing::warn!(
                        "flows: session {session}: the call's answer could not be saved \
                         (try {attempt} of {TRIES}): {e}"
                    );
                    if attempt < TRIES {
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(self.timing.idle);
                    }
                }
            }
        }
        None
    }

    async fn perform(
        &self,
        account: AccountId,
        session: SessionId,
        request: &CallRequest,
    ) -> CallOutcome {
        let settings = match settings::get(&self.store, account).await {
            Ok(settings) => settings,
            Err(e) => {
                return CallOutcome::Failed {
                    reason: format!("settings: {e}"),
                };
            }
        };
        let at = CallContext {
            store: &self.store,
            account,
            session,
            key_of: account,
            settings: &settings,
        };
        make_call(&self.caller, at, request).await
    }
}

/// Failures in a row of what the runner hands the core, by queue row and by
/// session: a row or a session that keeps failing is set aside after
/// [`TRIES`] instead of holding up everything behind it.
#[derive(Default)]
struct Failures {
    queue: HashMap<i64, u32>,
    sessions: HashMap<SessionId, u32>,
}

impl Failures {
    /// Counts a failed step of `session`; the tries so far, or 0 when the
    /// session was set aside (ended, the reason in its log).
    async fn of_session(
        &mut self,
        shared: &Shared,
        account: AccountId,
        session: SessionId,
        error: &AutomationError,
    ) -> Result<u32, AutomationError> {
        let tries = {
            let tries = self.sessions.entry(session).or_default();
            *tries += 1;
            *tries
        };
        tracing::warn!("flows: session {session} could not be stepped (try {tries}): {error}");
        if tries < TRIES {
            return Ok(tries);
        }
        self.sessions.remove(&session);
        run::set_aside_session(&shared.store, account, session, &error.to_string()).await?;
        // The contact panel shows the session ended and why.
        (shared.report)(Change::of(account, Table::FlowSessions));
        Ok(0)
    }
}

/// How often the bot's log is pruned of lines older than `run::LOG_KEPT`.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

async fn run(shared: Arc<Shared>) {
    let mut failures = Failures::default();
    let mut calls_looked: Option<Instant> = None;
    let mut pruned: Option<Instant> = None;
    let mut backoff = Duration::ZERO;
    loop {
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            // Tried once a day, failed or not: it is housekeeping.
            pruned = Some(Instant::now());
            match run::prune_log(&shared.store, now_ms() - run::LOG_KEPT).await {
                Ok(0) => {}
                Ok(gone) => tracing::info!("flows: {gone} log lines older than 90 days pruned"),
                Err(e) => tracing::warn!("flows: pruning the log: {e}"),
            }
        }
        if calls_looked.is_none_or(|at| at.elapsed() >= shared.timing.calls_look) {
            match look_at_calls(&shared, &mut failures).await {
                Ok(()) => calls_looked = Some(Instant::now()),
                Err(e) => tracing::warn!("flows: calls: {e}"),
            }
        }
        let next = match pass(&shared, &mut failures).await {
            Ok(next) => {
                backoff = Duration::ZERO;
                next
            }
            Err(e) => {
                // The store failed (busy, full disk): try again later, the
                // rows are still there.
                backoff = (backoff * 2).clamp(Duration::from_millis(250), shared.timing.idle);
                tracing::warn!("flows: {e}; next look in {backoff:?}");
                Next::In(backoff)
            }
        };
        let wait = match next {
            Next::Now => continue,
            Next::In(wait) => wait.min(shared.timing.idle),
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shared.wake.notified() => {}
        }
    }
}

/// Calls nobody here waits for: one that left (a crash, a stop, the desktop
/// that ran the number before) is answered "interrupted"; one saved but
/// never made is made now.
async fn look_at_calls(
    shared: &Arc<Shared>,
    failures: &mut Failures,
) -> Result<(), AutomationError> {
    let runs_here = |n| shared.runs_here(n);
    for (account, session) in run::interrupted_calls(&shared.store, &runs_here).await? {
        // Claimed while it is answered, so no call of this runner starts
        // for the session meanwhile; a session whose call this runner is
        // making is skipped. The list may be stale (that call answered
        // since, and the session went on to its next call, not left yet):
        // `handle_interrupted` ends only a call that left.
        if !shared.in_flight().insert(session) {
            continue;
        }
        let answered = run::handle_interrupted(&shared.store, account, session, now_ms()).await;
        shared.in_flight().remove(&session);
        match answered {
            Ok(done) => {
                failures.sessions.remove(&session);
                shared.after(done);
            }
            Err(e) => {
                failures.of_session(shared, account, session, &e).await?;
            }
        }
    }
    // Read after the answers above: a session they (or a stale claim) left
    // on a call that has not left is made now.
    for (account, session) in run::waiting_calls(&shared.store, &runs_here).await? {
        shared.spawn_call(account, session);
    }
    Ok(())
}

enum Next {
    Now,
    In(Duration),
}

/// One look: the queue in order, then the due sessions. When to look again.
async fn pass(shared: &Arc<Shared>, failures: &mut Failures) -> Result<Next, AutomationError> {
    let runs_here = |n| shared.runs_here(n);
    let now = now_ms();
    let queued = run::next_queued(&shared.store, &runs_here, shared.started_at, now, BATCH).await?;
    let mut soonest: Option<i64> = None;
    for item in &queued {
        match run::handle_queued(&shared.store, item, &runs_here, now_ms()).await {
            Ok(Handled::Done(done)) => {
                failures.queue.remove(&item.seq);
                soonest = earliest(soonest, done.wake_at);
                shared.after(done);
            }
            Ok(Handled::Kept { until }) => soonest = earliest(soonest, until),
            Err(e) => {
                let tries = {
                    let tries = failures.queue.entry(item.seq).or_default();
                    *tries += 1;
                    *tries
                };
                tracing::warn!(
                    "flows: a message of contact {} could not be handled (try {tries}): {e}",
                    item.contact
                );
                if tries >= TRIES {
                    failures.queue.remove(&item.seq);
                    run::set_aside(&shared.store, item.account, item, &e.to_string()).await?;
                    (shared.report)(Change::of(item.account, Table::FlowSessions));
                    return Ok(Next::Now);
                }
                // The rows behind it wait: one contact's messages go in order.
                return Ok(Next::In(Duration::from_millis(250) * tries));
            }
        }
    }
    let due = run::due(&shared.store, &runs_here, now_ms(), BATCH).await?;
    let handled = !queued.is_empty() || !due.is_empty();
    // A session that fails is tried again after a pause (the others are
    // stepped meanwhile: sessions are independent), and set aside when its
    // tries run out.
    let mut retry = 0u32;
    for item in &due {
        match run::handle_due(
            &shared.store,
            item.account,
            item.session,
            item.wake_at,
            now_ms(),
        )
        .await
        {
            Ok(done) => {
                failures.sessions.remove(&item.session);
                shared.after(done);
            }
            Err(e) => {
                let tries = failures
                    .of_session(shared, item.account, item.session, &e)
                    .await?;
                retry = retry.max(tries);
            }
        }
    }
    assign_waiting(shared, &runs_here).await;
    if retry > 0 {
        return Ok(Next::In(Duration::from_millis(250) * retry));
    }
    if queued.len() == BATCH || due.len() == BATCH {
        return Ok(Next::Now);
    }
    let wake_at = earliest(soonest, run::next_wake_at(&shared.store, &runs_here).await?);
    Ok(match wake_at {
        Some(at) => {
            let ms = u64::try_from(at - now_ms()).unwrap_or(0);
            if ms == 0 && handled {
                Next::Now
            } else if ms == 0 {
                // Due but not ours to take this instant (taken elsewhere a
                // moment ago): a short wait, never a spin.
                Next::In(Duration::from_millis(100))
            } else {
                Next::In(Duration::from_millis(ms))
            }
        }
        None => Next::In(shared.timing.idle),
    })
}

/// Gives the chats waiting for a person to the accounts' available
/// operators (`zapdesk_core::assignment::drain`), for the numbers this
/// desktop runs: the holder of a number's lease assigns its chats, as it
/// answers its messages, so two desktops never assign one chat. Looked at
/// on every pass: after the bot's turns (a hand-off, a chat the bot left),
/// on a pull (a chat resolved or an operator back on another desktop) and
/// when the app writes a conversation or an account's settings here.
async fn assign_waiting(shared: &Arc<Shared>, runs_here: &(dyn Fn(InstanceId) -> bool + Sync)) {
    let accounts = match assignment::accounts_waiting(&shared.store).await {
        Ok(accounts) => accounts,
        Err(e) => {
            tracing::warn!("assignment: {e}");
            return;
        }
    };
    for account in accounts {
        match assignment::drain(&shared.store, account, runs_here, now_ms()).await {
            Ok(given) if given.is_empty() => {}
            Ok(given) => {
                tracing::info!(
                    "assignment: {} chat(s) given in account {account}",
                    given.len()
                );
                (shared.report)(Change::of(account, Table::Conversations));
            }
            Err(e) => tracing::warn!("assignment in account {account}: {e}"),
        }
    }
}

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
