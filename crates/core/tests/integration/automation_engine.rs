//! Golden transcripts of the flow engine: each `*.transcript` file under
//! `tests/fixtures/flows/` names a fixture flow (`NAME.json` beside it), the
//! account and contact it runs for, and what the contact (or a timer, or an
//! outside call) does; this test runs those inputs through `engine::step`
//! and writes everything the engine did in the same format. The file must
//! be exactly that: any change in what the bot says, which branch it takes,
//! what it saves, when it wakes or why it ends fails here.
//!
//! A transcript, line by line (`#` comments and blank lines aside):
//!
//! - `@flow NAME`, `@tz ZONE`, `@now AAAA-MM-DD HH:MM` (in the zone),
//!   `@contact NAME | PHONE`, `@field KEY KIND [CHOICE, …]`,
//!   `@value KEY = CANONICAL`, `@tag NAME` (the contact's),
//!   `@account_tags A, B`, `@account_flows ID, …`, `@seed N`,
//!   `@contact_seed N`, `@budget NODES SENDS VISITS`: the setting;
//! - `> start`, `> contact: TEXT`, `> contact file: CAPTION`, `> timer` (the
//!   clock jumps to the session's wake-up), `> timer now` (the clock stays),
//!   `> clock AAAA-MM-DD HH:MM`,
//!   `> http STATUS [JSON]`, `> ai: TEXT`, `> ai handoff`, `> failed: WHY`:
//!   the inputs;
//! - everything else is the engine's output, which this test writes:
//!   `check:` the publish check of the flow, `bot:` a message (`| ` lines
//!   continue it), `+tag`/`-tag`, `field`, `handoff`, `note:`, `walk:` the
//!   nodes run with the branch each took, then what the session does next;
//!   and at the end `=` lines with the contact's fields, tags and the
//!   session's variables.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use zapdesk_core::automation::engine::{
    self, AiAnswer, Budget, CallOutcome, CallRequest, Contact, Context, Effect, EndReason, Input,
    Next, Note, Outgoing, Session, Wait,
};
use zapdesk_core::automation::flow::{self, FlowDocument};
use zapdesk_core::automation::flow_check::{self, Known};
use zapdesk_core::fields::{CustomField, FieldKind};
use zapdesk_core::ids::FieldId;
use zapdesk_core::{AccountId, Lang};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flows")
}

/// A fixture flow by name.
pub fn flow_fixture(name: &str) -> FlowDocument {
    let path = fixtures().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    flow::parse(&text).unwrap_or_else(|e| panic!("{path:?}: {e:?}"))
}

struct Setting {
    doc: FlowDocument,
    tz: jiff::tz::TimeZone,
    now: i64,
    contact: Contact,
    fields: Vec<CustomField>,
    known: Known,
    seed: u64,
    contact_seed: u64,
    budget: Budget,
}

fn local_ms(tz: &jiff::tz::TimeZone, text: &str) -> i64 {
    let dt: jiff::civil::DateTime = text
        .trim()
        .replacen(' ', "T", 1)
        .parse()
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    tz.to_timestamp(dt).unwrap().as_millisecond()
}

fn local_text(tz: &jiff::tz::TimeZone, ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap()
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M %a")
        .to_string()
}

fn kind_of(name: &str) -> FieldKind {
    match name {
        "text" => FieldKind::Text,
        "number" => FieldKind::Number,
        "date" => FieldKind::Date,
        "yes_no" => FieldKind::YesNo,
        "choice" => FieldKind::Choice,
        other => panic!("field kind {other}"),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn setting(headers: &[&str]) -> Setting {
    let mut doc = None;
    let mut tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let mut now_text = "2025-06-02 09:00".to_owned();
    let mut contact = Contact {
        name: None,
        phone: "+5511987654321".into(),
        ..Contact::default()
    };
    let mut fields = Vec::new();
    let mut known = Known::default();
    let (mut seed, mut contact_seed, mut budget) = (1, 1, Budget::default());
    for line in headers {
        let (key, rest) = line[1..].split_once(' ').unwrap_or((&line[1..], ""));
        let rest = rest.trim();
        match key {
            "flow" => doc = Some(flow_fixture(rest)),
            "tz" => tz = jiff::tz::TimeZone::get(rest).unwrap(),
            "now" => now_text = rest.to_owned(),
            "contact" => {
                let (name, phone) = rest.split_once('|').unwrap();
                contact.name = Some(name.trim().to_owned()).filter(|n| !n.is_empty());
                contact.phone = phone.trim().to_owned();
            }
            "field" => {
                let mut parts = rest.splitn(3, ' ');
                let key = parts.next().unwrap().to_owned();
                let kind = kind_of(parts.next().unwrap());
                fields.push(CustomField {
                    id: FieldId::from_uuid(uuid::Uuid::from_u128(fields.len() as u128 + 1)),
                    account_id: AccountId::from_uuid(uuid::Uuid::nil()),
                    label: key.clone(),
                    key,
                    kind,
                    choices: parts.next().map(list).unwrap_or_default(),
                    created_at: 0,
                });
            }
            "value" => {
                let (key, value) = rest.split_once('=').unwrap();
                contact
                    .fields
                    .insert(key.trim().to_owned(), value.trim().to_owned());
            }
            "tag" => {
                contact.tags.insert(zapdesk_core::text::fold(rest));
            }
            "account_tags" => known
                .tags
                .extend(list(rest).iter().map(|t| zapdesk_core::text::fold(t))),
            "account_flows" => known.flows.extend(list(rest)),
            "seed" => seed = rest.parse().unwrap(),
            "contact_seed" => contact_seed = rest.parse().unwrap(),
            "budget" => {
                let n: Vec<u32> = rest.split(' ').map(|n| n.parse().unwrap()).collect();
                budget = Budget {
                    nodes: n[0],
                    sends: n[1],
                    visits: n[2],
                };
            }
            other => panic!("unknown header @{other}"),
        }
    }
    let now = local_ms(&tz, &now_text);
    Setting {
        doc: doc.expect("@flow"),
        tz,
        now,
        contact,
        known: known.with_fields(&fields),
        fields,
        seed,
        contact_seed,
        budget,
    }
}

fn message_lines(prefix: &str, text: &str, out: &mut Vec<String>) {
    let mut lines = text.split('\n');
    out.push(format!("{prefix}{}", lines.next().unwrap_or("")));
    for line in lines {
        out.push(format!("  | {line}"));
    }
}

fn sorted_pairs<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let sorted: BTreeMap<&String, &String> = pairs.collect();
    sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs a transcript's inputs and writes what the engine did.
fn replay(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    let headers: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with('@'))
        .collect();
    let inputs: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("> "))
        .collect();
    let mut set = setting(&headers);
    let mut out: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();

    let findings = flow_check::check(&set.doc, &set.known);
    if findings.is_empty() {
        out.push("check: ok".into());
    }
    for f in &findings {
        out.push(format!(
            "check: {:?} at {}: {}",
            f.severity(),
            f.node.as_deref().unwrap_or("-"),
            f.message(Lang::PtBr)
        ));
    }

    let mut session: Option<Session> = None;
    let mut vars = BTreeMap::new();
    let mut over = false;
    for input_line in inputs {
        out.push(input_line.to_owned());
        let line = &input_line[2..];
        assert!(!over, "input after the session ended: {line}");
        if let Some(at) = line.strip_prefix("clock ") {
            set.now = local_ms(&set.tz, at);
            continue;
        }
        let mut current = match line {
            "start" => {
                assert!(session.is_none(), "start twice");
                Session::starting(&set.doc.start)
            }
            _ => session.clone().expect("> start first"),
        };
        let owned_text;
        let input = if line == "start" {
            Input::Start
        } else if let Some(text) = line.strip_prefix("contact:") {
            // `> contact:` alone is a message of only spaces.
            Input::Reply {
                text: text.strip_prefix(' ').unwrap_or(text),
                is_text: true,
            }
        } else if let Some(caption) = line.strip_prefix("contact file:") {
            Input::Reply {
                text: caption.trim(),
                is_text: false,
            }
        } else if line == "timer" {
            if let Some(at) = current.wait.wake_at(set.now) {
                set.now = set.now.max(at);
            }
            Input::Timer
        } else if line == "timer now" {
            // A timer fired by hand (or early), the clock where it is.
            Input::Timer
        } else if let Some(rest) = line.strip_prefix("http ") {
            let (status, json) = rest.split_once(' ').unwrap_or((rest, ""));
            Input::Called(CallOutcome::Http {
                status: status.parse().unwrap(),
                json: serde_json::from_str(json).ok(),
            })
        } else if let Some(answer) = line.strip_prefix("ai: ") {
            owned_text = answer.to_owned();
            Input::Called(CallOutcome::Ai(AiAnswer::Text(owned_text.clone())))
        } else if line == "ai handoff" {
            Input::Called(CallOutcome::Ai(AiAnswer::Handoff))
        } else if let Some(reason) = line.strip_prefix("failed: ") {
            Input::Called(CallOutcome::Failed {
                reason: reason.to_owned(),
            })
        } else {
            panic!("unknown input {line:?}");
        };
        // The runner marks a call started before it leaves.
        if let Wait::Call { started, .. } = &mut current.wait {
            *started = true;
        }
        let before = current.clone();
        let mut ctx = Context {
            now: set.now,
            tz: &set.tz,
            hours: None,
            contact: set.contact.clone(),
            fields: &set.fields,
            contact_seed: set.contact_seed,
            seed: set.seed ^ u64::from(current.turn).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            budget: set.budget,
        };
        let turn = engine::step(&set.doc, current, input, &mut ctx);
        set.contact = turn.contact.clone();
        vars = turn.vars.clone();

        for effect in &turn.effects {
            match effect {
                Effect::Send {
                    message, typing_ms, ..
                } => {
                    let typing = if *typing_ms > 0 {
                        format!(" [{typing_ms}ms]")
                    } else {
                        String::new()
                    };
                    match message {
                        Outgoing::Text { text } => {
                            message_lines(&format!("bot{typing}: "), text, &mut out)
                        }
                        Outgoing::File { file, caption } => {
                            message_lines(&format!("bot{typing} file {file}: "), caption, &mut out)
                        }
                    }
                }
                Effect::AddTag { tag, .. } => out.push(format!("+tag {tag}")),
                Effect::RemoveTag { tag, .. } => out.push(format!("-tag {tag}")),
                Effect::SetField { field, value, .. } => out.push(match value {
                    Some(v) => format!("field {field} = {v}"),
                    None => format!("field {field} cleared"),
                }),
                Effect::Handoff { assign, note, .. } => out.push(format!(
                    "handoff to {}: {note}",
                    assign.as_deref().unwrap_or("nobody")
                )),
            }
        }
        let mut walk = Vec::new();
        let mut took = turn.notes.iter().filter_map(|n| match n {
            Note::Took { node, handle } => Some((node, handle)),
            _ => None,
        });
        let mut pending = took.next();
        for node in &turn.path {
            walk.push(node.clone());
            if let Some((from, handle)) = pending
                && from == node
            {
                walk.push(format!("({handle})"));
                pending = took.next();
            }
        }
        assert!(pending.is_none(), "a branch off the path: {:?}", turn.notes);
        for note in &turn.notes {
            let text = match note {
                Note::Took { .. } => continue,
                Note::ReplyRefused { node, tries } => {
                    format!("{node} refused the reply (try {tries})")
                }
                Note::FieldRefused { node, field, value } => {
                    format!("{node}: field {field} refused {value:?}")
                }
                Note::FieldMissing { node, field } => format!("{node}: no field {field}"),
                Note::PointerMissing { node, pointer } => format!("{node}: nothing at {pointer}"),
                Note::CallFailed { node, reason } => format!("{node}: call failed: {reason}"),
                Note::NothingToSend { node } => format!("{node}: nothing to send"),
                Note::WindowNeverOpens { node } => format!("{node}: window never opens"),
            };
            out.push(format!("note: {text}"));
        }
        if !walk.is_empty() {
            out.push(format!("walk: {}", walk.join(" ")));
        }
        match turn.next {
            Next::Wait(s) if turn.path.is_empty() && s == before => {
                assert!(turn.effects.is_empty());
                out.push("unchanged".into());
                session = Some(s);
            }
            Next::Wait(s) => {
                out.push(match &s.wait {
                    Wait::Reply { timeout_at: None } => format!("wait reply at {}", s.node),
                    Wait::Reply {
                        timeout_at: Some(at),
                    } => format!(
                        "wait reply at {} until {}",
                        s.node,
                        local_text(&set.tz, *at)
                    ),
                    Wait::Timer { at } => {
                        format!(
                            "wait timer at {} until {}",
                            s.node,
                            local_text(&set.tz, *at)
                        )
                    }
                    other => panic!("stored wait {other:?}"),
                });
                assert_eq!(s.vars, vars);
                session = Some(s);
            }
            Next::Call(s) => {
                match &s.wait {
                    Wait::Call {
                        request:
                            CallRequest::Http {
                                method,
                                url,
                                headers,
                                body,
                                timeout_ms,
                                ..
                            },
                        started: false,
                    } => {
                        out.push(format!("call http {method:?} {url} ({timeout_ms}ms)"));
                        for (name, value) in headers {
                            out.push(format!("  header {name}: {value}"));
                        }
                        if let Some(body) = body {
                            out.push(format!("  body {body}"));
                        }
                    }
                    Wait::Call {
                        request:
                            CallRequest::Ai {
                                instructions,
                                max_chars,
                                ..
                            },
                        started: false,
                    } => out.push(format!("call ai (max {max_chars}): {instructions}")),
                    other => panic!("call wait {other:?}"),
                }
                assert_eq!(s.vars, vars);
                session = Some(s);
            }
            Next::GoTo {
                flow,
                vars: carried,
            } => {
                out.push(format!("go to flow {flow}"));
                vars = carried;
                over = true;
            }
            Next::Ended(reason) => {
                out.push(match reason {
                    EndReason::Loop { node } => format!("end: loop at {node}"),
                    EndReason::Broken { node } => format!("end: broken at {node}"),
                    other => format!("end: {other:?}").to_lowercase(),
                });
                over = true;
            }
        }
    }
    out.push(format!(
        "= fields: {}",
        sorted_pairs(set.contact.fields.iter())
    ));
    out.push(format!(
        "= tags: {}",
        set.contact
            .tags
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push(format!("= vars: {}", sorted_pairs(vars.iter())));
    normalized(&out.join("\n"))
}

fn normalized(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_fixture_transcript_replays_exactly() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "transcript"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut flows_used = HashSet::new();
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let expected = normalized(&text);
        let actual = replay(&text);
        flows_used.extend(
            expected
                .lines()
                .filter_map(|l| l.strip_prefix("@flow ").map(str::to_owned)),
        );
        if actual != expected {
            // For reviewing a change by hand: the actual transcripts, written
            // where asked (never over the fixtures).
            if let Ok(dir) = std::env::var("ZAPDESK_TRANSCRIPTS_OUT") {
                let name = file.file_name().unwrap();
                std::fs::write(Path::new(&dir).join(name), &actual).unwrap();
            }
            let first = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or(expected.lines().count().min(actual.lines().count()));
            failures.push(format!(
                "{}: first difference at line {} (comments and blank lines aside)\n--- expected\n{}\n--- actual\n{}\n",
                file.display(),
                first + 1,
                expected.lines().skip(first).take(6).collect::<Vec<_>>().join("\n"),
                actual
            ));
        }
    }
    // Every fixture flow is exercised by some transcript.
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(flows_used.contains(&name), "no transcript runs {name}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_flows_survive_an_export_import_round_trip() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let doc = flow_fixture(&name);
            let again = flow::parse(&serde_json::to_string(&doc).unwrap()).unwrap();
            assert_eq!(again, doc, "{name}");
        }
    }
}
