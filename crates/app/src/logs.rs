//! Log files in the data folder's `logs/`: `zapdesk.<date>.log`, one a day,
//! the last [`KEPT`] days kept, for support (Settings → Sobre → "Copiar
//! diagnóstico" quotes their warnings).
//!
//! What may be written: ZapDesk's own crates at INFO, other libraries only
//! their warnings and errors, and never the browser driver's or its
//! websocket's (their messages carry WhatsApp Web's traffic, so message
//! texts). Our own log lines name ids, states and errors, never a message's
//! text, a contact's name or phone, a password, a token or a key; a test
//! (`logs_name_no_private_values`) reads our sources and fails on a log call
//! that passes such a value.

use std::path::{Path, PathBuf};

use jiff::ToSpan;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The folder, inside the data folder.
pub const LOG_DIR: &str = "logs";
/// Days of log files kept.
pub const KEPT: usize = 7;
const PREFIX: &str = "zapdesk";
const SUFFIX: &str = "log";

/// Keeps the file writer's thread alive; drop it last (it flushes).
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// What is written: ours at INFO, others' warnings, the browser driver never.
pub fn filter() -> Targets {
    let ours = [
        "zapdesk_core",
        "zapdesk_app",
        "zapdesk_whatsapp",
        "zapdesk_sync",
        "zapdesk_automation",
        "zapdesk_api",
        "zapdesk_cli",
        "zapdesk_desktop",
    ];
    ours.iter()
        .fold(
            Targets::new().with_default(LevelFilter::WARN),
            |t, crate_name| t.with_target(*crate_name, LevelFilter::INFO),
        )
        .with_target("chromiumoxide", LevelFilter::OFF)
        .with_target("tungstenite", LevelFilter::OFF)
        .with_target("async_tungstenite", LevelFilter::OFF)
}

/// The daily file writer of `data_dir/logs`, after removing files older
/// than [`KEPT`] days (the appender itself prunes only when a day turns,
/// which an app closed at night never sees).
pub fn appender(data_dir: &Path) -> std::io::Result<RollingFileAppender> {
    let dir = data_dir.join(LOG_DIR);
    std::fs::create_dir_all(&dir)?;
    // The appender names files by the UTC date.
    prune(
        &dir,
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    );
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEPT)
        .build(&dir)
        .map_err(std::io::Error::other)
}

/// Sends this process's logs to the data folder's files (and to stderr, for
/// whoever started it from a terminal). A second call (tests) keeps the first.
pub fn init(data_dir: &Path) -> std::io::Result<LogGuard> {
    let (writer, guard) = tracing_appender::non_blocking(appender(data_dir)?);
    let file = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer);
    let terminal = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(std::io::stderr);
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::Layer::with_filter(file, filter()))
        .with(tracing_subscriber::Layer::with_filter(terminal, filter()))
        .try_init();
    Ok(LogGuard(guard))
}

/// The log files of `data_dir`, newest first.
pub fn files(data_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data_dir.join(LOG_DIR))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| day_of(p).is_some())
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|p| std::cmp::Reverse(day_of(p)));
    found
}

/// `zapdesk.2026-12-07.log` → that day.
fn day_of(path: &Path) -> Option<jiff::civil::Date> {
    let name = path.file_name()?.to_str()?;
    let day = name
        .strip_prefix(PREFIX)?
        .strip_prefix('.')?
        .strip_suffix(SUFFIX)?
        .strip_suffix('.')?;
    jiff::civil::Date::strptime("%Y-%m-%d", day).ok()
}

/// Removes log files dated more than [`KEPT`] days before `today`.
pub fn prune(dir: &Path, today: jiff::civil::Date) {
    let Ok(oldest) = today.checked_sub((KEPT as i64).days()) else {
        return;
    };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if day_of(&path).is_some_and(|d| d <= oldest) {
            let _ = std::fs::remove_file(path);
        }
    }
}
