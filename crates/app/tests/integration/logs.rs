//! Logs and diagnostics (issue 19, item 6): daily files in the data folder,
//! old ones removed, the browser driver's traffic never written, no private
//! value passed to a log call anywhere in our sources, and the diagnostics
//! text made of versions, counts and the logs' warnings only.

use std::path::Path;

use tracing_subscriber::layer::SubscriberExt;
use zapdesk_app::{App, Host, logs};
use zapdesk_core::contacts::{self, ContactInput};

use crate::support;

fn today_utc() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn log_text(dir: &Path) -> String {
    logs::files(dir)
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

#[test]
fn logs_go_to_daily_files_old_ones_removed_and_the_browser_driver_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(logs::LOG_DIR);
    std::fs::create_dir_all(&folder).unwrap();
    let day = |ago: i64| {
        let d = today_utc().checked_sub(jiff::ToSpan::days(ago)).unwrap();
        folder.join(format!("zapdesk.{d}.log"))
    };
    let (old, recent) = (day(logs::KEPT as i64 + 3), day(2));
    std::fs::write(&old, "old\n").unwrap();
    std::fs::write(&recent, "recent\n").unwrap();
    std::fs::write(folder.join("notas.txt"), "someone's").unwrap();

    let appender = logs::appender(dir.path()).unwrap();
    assert!(!old.exists());
    assert!(recent.exists() && folder.join("notas.txt").exists());
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(appender);
    let subscriber = tracing_subscriber::registry().with(tracing_subscriber::Layer::with_filter(
        layer,
        logs::filter(),
    ));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: "zapdesk_app", "number started");
        tracing::warn!(target: "zapdesk_whatsapp::fleet", "number failed to connect");
        tracing::info!(target: "sqlx::query", "SELECT chatter");
        tracing::warn!(target: "sqlx::query", "slow statement");
        tracing::warn!(target: "chromiumoxide::conn", "raw CDP frame with a message text");
        tracing::error!(target: "chromiumoxide::handler", "another frame");
    });
    let written = log_text(dir.path());
    assert!(written.contains("number started"), "{written}");
    assert!(written.contains("number failed to connect"));
    assert!(written.contains("slow statement"));
    assert!(!written.contains("SELECT chatter"));
    assert!(!written.contains("CDP frame") && !written.contains("another frame"));
    let today = folder.join(format!("zapdesk.{}.log", today_utc()));
    assert!(
        std::fs::read_to_string(today)
            .unwrap()
            .contains("number started")
    );
}

/// The words of a log call's arguments, and the `{names}` inside its format
/// string, for every `trace!`…`error!` call of our sources.
fn log_calls(src: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for mac in ["trace!(", "debug!(", "info!(", "warn!(", "error!("] {
        for (at, _) in src.match_indices(mac) {
            let before = src[..at].chars().last().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' {
                continue;
            }
            let rest = &src[at + mac.len()..];
            let (mut depth, mut in_str, mut escaped, mut end) = (1, false, false, rest.len());
            let mut words = String::new();
            let mut inline = Vec::new();
            let mut literal = String::new();
            for (i, c) in rest.char_indices() {
                if in_str {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_str = false;
                        inline.push(std::mem::take(&mut literal));
                    } else {
                        literal.push(c);
                    }
                    continue;
                }
                match c {
                    '"' => in_str = true,
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
                words.push(c);
            }
            let mut names: Vec<String> = words
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            for lit in inline {
                for part in lit.split('{').skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        names.push(name);
                    }
                }
            }
            out.push((rest[..end].chars().take(120).collect(), names));
        }
    }
    out
}

#[test]
fn logs_name_no_private_values() {
    // A row's `key` (its id) is fine; an `api_key` is not.
    const PRIVATE: &[&str] = &[
        "body",
        "text",
        "caption",
        "password",
        "secret",
        "token",
        "phone",
        "contact_name",
        "message_text",
        "api_key",
        "content",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut offenders = Vec::new();
    let mut stack = vec![root.join("crates"), root.join("src-tauri/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                // Tests may log what they like; they run on made-up data.
                if !matches!(
                    name.as_str(),
                    "tests" | "benches" | "target" | "node_modules"
                ) {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let src = std::fs::read_to_string(&path).unwrap();
                for (call, names) in log_calls(&src) {
                    if let Some(bad) = names.iter().find(|n| PRIVATE.contains(&n.as_str())) {
                        offenders.push(format!("{}: `{bad}` in {call}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "log calls with private values:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_sees_a_message_text_passed_to_a_log_call() {
    let src = r#"fn f() { tracing::info!("got {}", msg.body); warn!("sent {text}"); error!(%e, "failed"); }"#;
    let calls = log_calls(src);
    assert_eq!(calls.len(), 3);
    assert!(
        calls[0].1.contains(&"body".to_owned())
            || calls[1].1.contains(&"body".to_owned())
            || calls[2].1.contains(&"body".to_owned())
    );
    assert!(calls.iter().any(|(_, n)| n.contains(&"text".to_owned())));
    assert!(calls.iter().any(|(_, n)| n == &vec!["e".to_owned()]));
}

#[tokio::test]
async fn diagnostics_name_versions_and_counts_never_a_contact() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(logs::LOG_DIR);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(format!("zapdesk.{}.log", today_utc())),
        "2026-12-07T10:00:00Z  INFO zapdesk_app: started\n2026-12-07T10:00:01Z  WARN zapdesk_whatsapp::fleet: number 0190 failed to connect\n",
    )
    .unwrap();
    let app = App::open(dir.path(), Host::silent()).await.unwrap();
    let account = support::account(app.store()).await;
    support::sandbox_number(app.store(), dir.path(), account).await;
    contacts::create(
        app.store(),
        account,
        &ContactInput {
            phone: "11987654321".into(),
            name: Some("Ana Souza".into()),
        },
    )
    .await
    .unwrap();
    let d = app.diagnostics(zapdesk_core::Lang::PtBr).await.unwrap();
    assert_eq!(d.schema_version, d.schema_supported);
    assert_eq!(d.wa_js_version, zapdesk_whatsapp::bridge::wa_js_version());
    assert!(!d.wa_js_version.is_empty());
    assert_eq!(d.accounts, 1);
    assert_eq!(d.numbers.values().sum::<u32>(), 1);
    assert_eq!(d.problems.len(), 1);
    assert!(d.text.contains("number 0190 failed to connect"));
    assert!(d.text.contains(&format!("wa-js: {}", d.wa_js_version)));
    assert!(d.text.contains(&d.app_version));
    for private in ["Ana Souza", "98765", "Padaria"] {
        assert!(!d.text.contains(private), "{private} in {}", d.text);
    }
    assert!(d.text.contains("Banco local: versão"));
    let en = app.diagnostics(zapdesk_core::Lang::En).await.unwrap();
    assert!(en.text.contains("Local database: version"), "{}", en.text);
    app.shutdown().await;
}
