//! `zapdesk-cli numbers …` and `zapdesk-cli serve`.

use std::sync::Arc;

use clap::Subcommand;
use zapdesk_app::{App, Host, Scope};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, Instance, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store, UserError};
use zapdesk_sync::{SyncState, SyncStatus, SyncView};
use zapdesk_whatsapp::fleet::FleetEvent;
use zapdesk_whatsapp::status::Status;

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// List an account's numbers with their last known status.
    List {
        #[arg(long)]
        account: AccountId,
    },
    /// Add a number (a real WhatsApp, or `--sandbox` for the offline fake).
    Add {
        #[arg(long)]
        account: AccountId,
        #[arg(long)]
        name: String,
        #[arg(long)]
        sandbox: bool,
    },
    /// Mark a number to run: `serve` (or the app, when it starts) runs it.
    Start {
        #[arg(long)]
        account: AccountId,
        id: InstanceId,
    },
    /// Mark a number not to run.
    Stop {
        #[arg(long)]
        account: AccountId,
        id: InstanceId,
    },
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    match cmd {
        Command::List { account } => {
            let list = instances::list(store, account).await?;
            Ok(if as_json { json(&list) } else { render(&list) })
        }
        Command::Add {
            account,
            name,
            sandbox,
        } => {
            let kind = if sandbox {
                InstanceKind::Sandbox
            } else {
                InstanceKind::Whatsapp
            };
            let number = instances::create(store, account, &NumberInput { name, kind }).await?;
            Ok(if as_json {
                json(&number)
            } else {
                render(&[number])
            })
        }
        Command::Start { account, id } | Command::Stop { account, id } => {
            let on = matches!(cmd, Command::Start { .. });
            instances::set_autostart(store, account, id, on).await?;
            let number = instances::get(store, account, id).await?;
            Ok(if as_json {
                json(&number)
            } else {
                render(&[number])
            })
        }
    }
}

fn render(list: &[Instance]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|n| {
            vec![
                n.id.to_string(),
                n.name.clone(),
                format!("{:?}", n.kind).to_lowercase(),
                serde_json::to_value(n.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                if n.autostart {
                    "yes".into()
                } else {
                    "no".into()
                },
                n.phone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["ID", "NAME", "KIND", "STATUS", "RUNS", "PHONE"], &rows)
}

/// `serve`'s local API: on unless `--no-api`, on Settings' port unless `--api-port`.
pub struct ServeApi {
    pub port: Option<u16>,
}

/// Runs the numbers marked to run (of one account, or all) until Ctrl-C,
/// storing what they receive and sending what the outbox holds, printing
/// one line per event (JSON lines with `--json`). Started and stopped by the
/// app runtime, in the window's order: sync (when a connection was saved in
/// the app) first, so shared numbers run only with their lease and replies
/// typed on other desktops are sent from here; campaigns too.
pub async fn serve(
    store: &Store,
    account: Option<AccountId>,
    api: Option<ServeApi>,
    as_json: bool,
) -> Result<String, Failure> {
    let names: std::collections::HashMap<InstanceId, String> = match account {
        Some(account) => instances::list(store, account)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect(),
        None => {
            let mut all = std::collections::HashMap::new();
            for a in zapdesk_core::accounts::list(store, false).await? {
                all.extend(
                    instances::list(store, a.id)
                        .await?
                        .into_iter()
                        .map(|n| (n.id, n.name)),
                );
            }
            all
        }
    };
    let host = Host {
        fleet: Arc::new(move |event: FleetEvent| print_event(&event, &names, as_json)),
        sync: Arc::new(report_sync),
        ..Host::silent()
    };
    let app = App::open(store.data_dir(), host).await?;
    // Into the data folder's log files as the window's app does, once this
    // process holds the folder (a second `serve` refused above writes none).
    let _logs = match zapdesk_app::logs::init(store.data_dir()) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("logs: {e}");
            None
        }
    };
    let scope = account.map_or(Scope::All, Scope::Account);
    let started = match app.start(scope).await {
        Ok(started) => started,
        Err(e) => {
            app.shutdown().await;
            return Err(e.into());
        }
    };
    if let Err(e) = &started.sync {
        let lang = zapdesk_core::settings::language(store)
            .await
            .unwrap_or_default();
        eprintln!("sync: {}", e.message(lang));
    }
    let server = match api {
        Some(api) => Some(crate::serve_api::start(store, &app, api.port, account).await),
        None => None,
    };
    eprintln!("serving {} number(s); Ctrl-C stops", started.numbers);
    crate::serve_api::stopped().await;
    // The API first: no request reaches an app that is stopping.
    if let Some(server) = server {
        server.stop().await;
    }
    app.shutdown().await;
    Ok(if as_json {
        String::new()
    } else {
        "stopped".into()
    })
}

/// Sync problems go to stderr (stdout carries the numbers' events).
fn report_sync(view: &SyncView) {
    if let Some(SyncStatus {
        state: SyncState::Error { message, .. },
        ..
    }) = &view.status
    {
        eprintln!("sync: {message}");
    }
}

fn print_event(
    event: &FleetEvent,
    names: &std::collections::HashMap<InstanceId, String>,
    as_json: bool,
) {
    if as_json {
        println!("{}", serde_json::to_string(event).unwrap_or_default());
        return;
    }
    match event {
        FleetEvent::Number {
            instance, status, ..
        } => {
            let name = names.get(instance).map_or("?", String::as_str);
            match status {
                Status::AwaitingQr { code, .. } => {
                    println!("[{name}] scan this QR with WhatsApp → Linked devices:");
                    println!(
                        "{}",
                        zapdesk_whatsapp::qr::terminal(code).unwrap_or_default()
                    );
                }
                Status::Connected { me } => println!(
                    "[{name}] connected{}",
                    me.as_deref()
                        .map(|m| format!(" as {m}"))
                        .unwrap_or_default()
                ),
                Status::Disconnected { reason } | Status::Failed { reason } => {
                    println!("[{name}] {}: {reason}", status.key())
                }
                other => println!("[{name}] {}", other.key()),
            }
        }
        FleetEvent::Conversation {
            conversation,
            new_message,
            ..
        } => {
            if *new_message {
                println!("message in conversation {conversation}");
            }
        }
    }
}
