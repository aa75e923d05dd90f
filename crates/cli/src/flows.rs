//! `zapdesk-cli flows …`: an account's conversation flows from the command
//! line: list them, import a flow document (JSON), export one (its draft or
//! a published version), publish its draft, play a conversation with one
//! (`simulate.rs`). Refusals print the same text
//! the app shows (a malformed file names its first wrong place; a flow that
//! cannot be published lists every problem).

use std::path::PathBuf;

use clap::Subcommand;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::flows::{self, FlowSummary};
use zapdesk_core::export;
use zapdesk_core::ids::FlowId;
use zapdesk_core::text::fold;
use zapdesk_core::{AccountId, Lang, Store};

use crate::output::{Failure, json, table};
use crate::simulate::{self, Options, Which};

#[derive(Subcommand)]
pub enum Command {
    /// The account's flows: published version, triggers, conversations in each.
    List {
        #[arg(long)]
        account: AccountId,
    },
    /// Creates a flow from a flow document (JSON, as `export` writes it).
    Import {
        #[arg(long)]
        account: AccountId,
        file: PathBuf,
        /// The new flow's name (default: the file's name without `.json`).
        #[arg(long)]
        name: Option<String>,
    },
    /// Prints (or writes) a flow's draft, or one of its published versions.
    Export {
        #[arg(long)]
        account: AccountId,
        /// The flow's id or name.
        flow: String,
        /// A published version's number (v1 is 1); default: the draft.
        #[arg(long)]
        version: Option<i64>,
        /// Write here instead of printing (`-`: print).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Publishes the flow's draft as its next version, if it has no error.
    Publish {
        #[arg(long)]
        account: AccountId,
        /// The flow's id or name.
        flow: String,
    },
    /// Plays a conversation with a flow: each line of stdin is a message of
    /// the contact; prints the bot's messages and the path taken, then the
    /// contact's fields and tags and the session's variables.
    ///
    /// Runs the app's engine in a throwaway store: the data folder is only
    /// read (the flow, the account's custom fields, tags, bot settings and
    /// files). The flow starts as "Iniciar fluxo" starts it; delays are not
    /// waited for (the simulation's clock moves on), nor, after the last
    /// line, a question's time limit. HTTP and AI nodes are called for real
    /// under the account's settings (its AI key from the OS keyring) unless
    /// --skip-calls.
    Simulate {
        #[arg(long)]
        account: AccountId,
        /// The flow's id or name.
        flow: String,
        /// A published version's number (v1 is 1); default: the version
        /// published now.
        #[arg(long, conflicts_with = "draft")]
        version: Option<i64>,
        /// Play the draft instead (refused, with every problem, if it could
        /// not be published).
        #[arg(long)]
        draft: bool,
        /// Answer HTTP and AI nodes "skipped" instead of calling them: they
        /// take their error (HTTP) or hand-off (AI) branch.
        #[arg(long)]
        skip_calls: bool,
        /// The simulated contact's phone.
        #[arg(long, default_value = "+5511987654321")]
        phone: String,
        /// The simulated contact's name.
        #[arg(long, default_value = "Maria Teste")]
        name: String,
    },
}

pub async fn run(
    store: &Store,
    cmd: Command,
    lang: Lang,
    as_json: bool,
) -> Result<String, Failure> {
    match cmd {
        Command::List { account } => {
            let all = flows::summaries(store, account).await?;
            Ok(if as_json { json(&all) } else { render(&all) })
        }
        Command::Import {
            account,
            file,
            name,
        } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| AutomationError::FileUnreadable {
                    path: file.display().to_string(),
                    reason: e.to_string(),
                })?;
            let name = name.unwrap_or_else(|| {
                file.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let flow = flows::import(store, account, &name, &text).await?;
            Ok(if as_json {
                json(&flow)
            } else {
                format!("{}  {}", flow.id, flow.name)
            })
        }
        Command::Export {
            account,
            flow,
            version,
            output,
        } => {
            let id = resolve(store, account, &flow).await?;
            let text = flows::export(store, account, id, version).await?;
            match output {
                Some(path) if path.as_os_str() != "-" => {
                    export::save(&path, format!("{text}\n").as_bytes())?;
                    Ok(format!("{}", path.display()))
                }
                _ => Ok(text),
            }
        }
        Command::Publish { account, flow } => {
            let id = resolve(store, account, &flow).await?;
            let current = flows::get(store, account, id).await?;
            let version = flows::publish(store, account, id, current.revision).await?;
            Ok(if as_json {
                json(&version)
            } else {
                format!("{}: published v{}", current.name, version.number)
            })
        }
        Command::Simulate {
            account,
            flow,
            version,
            draft,
            skip_calls,
            phone,
            name,
        } => {
            let id = resolve(store, account, &flow).await?;
            let which = match (version, draft) {
                (Some(number), _) => Which::Version(number),
                (None, true) => Which::Draft,
                (None, false) => Which::Published,
            };
            let options = Options {
                account,
                flow: id,
                which,
                skip_calls,
                phone,
                name,
            };
            simulate::run(store, options, std::io::stdin().lock(), lang, as_json).await
        }
    }
}

/// A flow named by its id, or by its name (case and accents aside).
async fn resolve(store: &Store, account: AccountId, flow: &str) -> Result<FlowId, Failure> {
    if let Ok(id) = flow.parse::<FlowId>() {
        return Ok(id);
    }
    let key = fold(flow.trim());
    flows::summaries(store, account)
        .await?
        .into_iter()
        .find(|f| fold(&f.name) == key)
        .map(|f| f.id)
        .ok_or_else(|| AutomationError::FlowUnknown.into())
}

fn render(all: &[FlowSummary]) -> String {
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|f| {
            let published = match &f.published {
                Some(p) if f.draft_changed => format!("v{} (draft changed)", p.number),
                Some(p) => format!("v{}", p.number),
                None => "draft only".to_owned(),
            };
            let triggers: Vec<String> = f
                .triggers
                .iter()
                .map(|t| match t {
                    flows::Trigger::FirstMessage { .. } => "first message".to_owned(),
                    flows::Trigger::NoMatch { hours, .. } => format!("no match ({hours} h)"),
                    flows::Trigger::TagAdded { .. } => "tag added".to_owned(),
                })
                .collect();
            vec![
                f.id.to_string(),
                f.name.clone(),
                published,
                if f.enabled { "on" } else { "off" }.to_owned(),
                triggers.join(", "),
                f.active_sessions.to_string(),
            ]
        })
        .collect();
    table(
        &["ID", "NAME", "PUBLISHED", "STATE", "TRIGGERS", "ACTIVE"],
        &rows,
    )
}
