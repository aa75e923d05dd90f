//! `zapdesk-cli flows simulate`: a conversation with one flow, played from
//! the command line with the engine the app runs, in a throwaway store
//! (`zapdesk_automation::simulator`, which the app's simulator panel uses
//! too).
//!
//! The flow (its published version, another version, or its draft) is
//! played as the simulator plays it: the data folder is only read. Each
//! line of stdin is a message of the contact. A delay is not waited for:
//! the simulation's clock moves to its end (and, once stdin ends, to a
//! question's time limit). HTTP and AI nodes are called for real under the
//! account's settings (its AI key from the OS keyring), or answered
//! "skipped" with `--skip-calls`. The bot's messages come in the order the
//! number's sender would send them.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::Serialize;
use zapdesk_automation::Caller;
use zapdesk_automation::simulator::{SimEvent as Event, SimOptions, SimSource, Simulation};
use zapdesk_core::automation::engine::EndReason;
use zapdesk_core::automation::sessions::Waiting;
use zapdesk_core::automation::{AutomationError, flows};
use zapdesk_core::ids::FlowId;
use zapdesk_core::{AccountId, Lang, Store};

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
    let (source, version) = match options.which {
        Which::Draft => (
            SimSource::Document {
                document: flow.draft.clone(),
            },
            None,
        ),
        Which::Version(number) => (SimSource::Version { number }, Some(number)),
        Which::Published => {
            let id = flow
                .published_version_id
                .ok_or(AutomationError::FlowNotPublished)?;
            // That version's document itself: two versions may share a
            // number (published offline on two desktops).
            let v = flows::version(real, account, id).await?;
            (
                SimSource::Document {
                    document: v.document,
                },
                Some(v.number),
            )
        }
    };
    let sim_options = SimOptions {
        phone: options.phone.clone(),
        name: options.name.clone(),
        ..SimOptions::new(options.skip_calls, Caller::new())
    };
    let mut sim = Simulation::open(real, account, flow.id, &source, sim_options).await?;
    let mut printed = 0;
    let mut print = |sim: &Simulation| {
        if !as_json {
            let mut out = std::io::stdout().lock();
            for event in &sim.events()[printed..] {
                let _ = writeln!(out, "{}", line_of(event, lang));
            }
            let _ = out.flush();
        }
        printed = sim.events().len();
    };
    if !as_json {
        let shown = match version {
            Some(v) => format!("v{v}"),
            None => lang.pick("rascunho", "draft").to_owned(),
        };
        println!("{}: {} ({shown})", lang.pick("fluxo", "flow"), flow.name);
    }
    let played = async {
        print(&sim);
        sim.fast_forward(false).await?;
        print(&sim);
        for line in input.lines() {
            let line = line.map_err(|e| AutomationError::FileUnreadable {
                path: "stdin".into(),
                reason: e.to_string(),
            })?;
            let text = line.trim_end_matches('\r');
            if text.trim().is_empty() {
                continue;
            }
            sim.write(text).await?;
            print(&sim);
            sim.fast_forward(false).await?;
            print(&sim);
        }
        // The contact says nothing more: a question's time limit comes too.
        sim.fast_forward(true).await?;
        print(&sim);
        let view = sim.view().await?;
        let session = sim.session().await?.map(|s| SessionShown {
            active: s.ended.is_none(),
            node: s.node,
            waiting: s.waiting,
            ended: s.ended,
            vars: s.vars,
        });
        Ok::<_, Failure>(Report {
            flow: FlowShown {
                id: flow.id,
                name: flow.name.clone(),
                version,
            },
            events: view.events,
            fields: view.fields,
            tags: view.tags,
            session,
            skip_calls: options.skip_calls,
        })
    }
    .await;
    sim.close().await;
    let report = played?;
    Ok(if as_json {
        json(&report)
    } else {
        summary(&report, lang)
    })
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
