//! `zapdesk-cli numbers …` and `zapdesk-cli serve`.

use std::sync::Arc;

use clap::Subcommand;
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, Instance, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store, UserError, data_dir};
use zapdesk_sync::{SyncRunner, SyncState, SyncStatus, SyncView};
use zapdesk_whatsapp::fleet::{Fleet, FleetConfig, FleetEvent};
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

/// Runs the numbers marked to run (of one account, or all) until Ctrl-C,
/// storing what they receive and sending what the outbox holds, printing
/// one line per event (JSON lines with `--json`).
pub async fn serve(
    store: &Store,
    account: Option<AccountId>,
    as_json: bool,
) -> Result<String, Failure> {
    let _lock = data_dir::lock(store.data_dir())?;
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
    let sink = Arc::new(move |event: FleetEvent| print_event(&event, &names, as_json));
    let fleet = Fleet::new(
        store.clone(),
        FleetConfig::new(store.data_dir().to_path_buf()),
        sink,
    );
    // Syncs with the agency's server when a connection was saved (in the
    // app), as the app does: shared numbers run only with their lease, and
    // replies typed on other desktops are sent from here.
    let sync = Arc::new(SyncRunner::new(store.clone(), Arc::new(report_sync)));
    fleet.set_leases(sync.clone());
    fleet.follow(sync.pulled());
    let lang = zapdesk_core::settings::language(store)
        .await
        .unwrap_or_default();
    if let Err(e) = sync.resume(lang).await {
        eprintln!("sync: {}", e.message(lang));
    }
    let started = match account {
        Some(account) => {
            let mut n = 0;
            for number in instances::list(store, account).await? {
                if number.autostart {
                    fleet.start(account, number.id).await?;
                    n += 1;
                }
            }
            n
        }
        None => fleet.resume().await?,
    };
    // Campaigns are sent by whoever runs the numbers: here, the same as the app.
    let runner = zapdesk_whatsapp::campaigns::CampaignRunner::spawn(Arc::clone(&fleet));
    runner.waker().follow(sync.pulled());
    eprintln!("serving {started} number(s); Ctrl-C stops");
    let _ = tokio::signal::ctrl_c().await;
    runner.stop();
    // Releases the leases through sync: stop sync after.
    fleet.shutdown().await;
    sync.shutdown().await;
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
