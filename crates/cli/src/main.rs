//! `zapdesk-cli`: ZapDesk's core without a window, for scripts, servers and tests.
//! Every subcommand opens the same local store the desktop app uses (or the one
//! `--data-dir` / `ZAPDESK_DATA_DIR` names) and prints plain text or `--json`.

mod accounts;
mod api;
mod backup;
mod campaigns;
mod contacts;
mod flows;
mod numbers;
mod output;
mod plans;
mod remote;
mod serve_api;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zapdesk_core::{Lang, Store, data_dir, settings};

use crate::output::Failure;

#[derive(Parser)]
#[command(name = "zapdesk-cli", version, about = "ZapDesk from the command line")]
struct Cli {
    /// The data folder (default: the desktop app's, or $ZAPDESK_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Language of messages: pt-BR or en (default: the app's setting).
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Client businesses of the agency.
    #[command(subcommand)]
    Accounts(accounts::Command),
    /// Contacts of one account.
    #[command(subcommand)]
    Contacts(contacts::Command),
    /// Broadcast campaigns of one account.
    #[command(subcommand)]
    Campaigns(campaigns::Command),
    /// Conversation flows of one account.
    #[command(subcommand)]
    Flows(flows::Command),
    /// WhatsApp numbers of one account.
    #[command(subcommand)]
    Numbers(numbers::Command),
    /// Plans: each plan's limits, an account's own, and its usage.
    #[command(subcommand)]
    Plans(plans::Command),
    /// The agency's shared database (Supabase): set it up, invite operators.
    #[command(subcommand)]
    Remote(remote::Command),
    /// The local API (tokens).
    #[command(subcommand)]
    Api(api::Command),
    /// Backups of the local store: now, list, restore.
    #[command(subcommand)]
    Backup(backup::Command),
    /// Run the numbers marked to run, and the local API, without a window,
    /// until Ctrl-C (or SIGTERM).
    Serve {
        /// Only this account's numbers.
        #[arg(long)]
        account: Option<zapdesk_core::AccountId>,
        /// The API's port (default: Settings → API's, 8787 until changed).
        #[arg(long, value_name = "PORT")]
        api_port: Option<u16>,
        /// Do not serve the API.
        #[arg(long, conflicts_with = "api_port")]
        no_api: bool,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let flag_lang = cli.lang.as_deref().and_then(Lang::from_tag);
    let dir = data_dir::resolve(
        cli.data_dir.as_deref(),
        data_dir::from_env().as_deref(),
        data_dir::platform_default,
    );
    let store = match Store::open(&dir).await {
        Ok(store) => store,
        Err(e) => {
            // The way back from a failed update: a restore into a store
            // this version cannot open (backup::restore_unopened).
            if let Command::Backup(backup::Command::Restore { file, .. }) = &cli.command
                && matches!(
                    e,
                    zapdesk_core::store::StoreError::TooNew { .. }
                        | zapdesk_core::store::StoreError::MigrationFailed { .. }
                )
            {
                return match backup::restore_unopened(&dir, file, cli.json).await {
                    Ok(text) => {
                        println!("{text}");
                        ExitCode::SUCCESS
                    }
                    Err(failure) => output::fail(&failure, flag_lang.unwrap_or_default(), cli.json),
                };
            }
            return output::fail(
                &Failure::from_error(&e),
                flag_lang.unwrap_or_default(),
                cli.json,
            );
        }
    };
    let lang = match flag_lang {
        Some(lang) => lang,
        None => settings::language(&store).await.unwrap_or_default(),
    };
    let result = match cli.command {
        Command::Accounts(cmd) => accounts::run(&store, cmd, cli.json).await,
        Command::Contacts(cmd) => contacts::run(&store, cmd, lang, cli.json).await,
        Command::Campaigns(cmd) => campaigns::run(&store, cmd, cli.json).await,
        Command::Flows(cmd) => flows::run(&store, cmd, lang, cli.json).await,
        Command::Numbers(cmd) => numbers::run(&store, cmd, cli.json).await,
        Command::Plans(cmd) => plans::run(&store, cmd, cli.json).await,
        Command::Remote(cmd) => remote::run(&store, cmd, lang, cli.json).await,
        Command::Api(cmd) => api::run(&store, cmd, cli.json).await,
        Command::Backup(cmd) => backup::run(&store, cmd, cli.json).await,
        Command::Serve {
            account,
            api_port,
            no_api,
        } => {
            let api = (!no_api).then_some(numbers::ServeApi { port: api_port });
            numbers::serve(&store, account, api, cli.json).await
        }
    };
    store.close().await;
    match result {
        Ok(text) => {
            if !text.is_empty() {
                println!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(failure) => output::fail(&failure, lang, cli.json),
    }
}
