//! `zapdesk-cli api tokens …`: the local API's tokens, as Settings → API
//! makes them (the whole token is printed once, at creation).

use clap::{Subcommand, ValueEnum};
use zapdesk_core::api_tokens::{self, ApiTokenInput, Scope};
use zapdesk_core::ids::ApiTokenId;
use zapdesk_core::{AccountId, Store};

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// The local API's tokens.
    #[command(subcommand)]
    Tokens(Tokens),
}

#[derive(Subcommand)]
pub enum Tokens {
    /// Create a token and print it (the only time it is shown).
    Create {
        #[arg(long)]
        name: String,
        /// The account it opens; without it, every account (owners only).
        #[arg(long)]
        account: Option<AccountId>,
        /// What it may do; repeat for several.
        #[arg(long = "scope", value_enum, required = true)]
        scopes: Vec<ScopeArg>,
    },
    /// List tokens (never their secret).
    List,
    /// Revoke a token: requests with it are refused from now on.
    Revoke { id: ApiTokenId },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    Read,
    Send,
    Manage,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        match s {
            ScopeArg::Read => Scope::Read,
            ScopeArg::Send => Scope::Send,
            ScopeArg::Manage => Scope::Manage,
        }
    }
}

fn scopes(list: &[Scope]) -> String {
    list.iter()
        .map(|s| match s {
            Scope::Read => "read",
            Scope::Send => "send",
            Scope::Manage => "manage",
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    let Command::Tokens(cmd) = cmd;
    match cmd {
        Tokens::Create {
            name,
            account,
            scopes,
        } => {
            let input = ApiTokenInput {
                name,
                account_id: account,
                scopes: scopes.into_iter().map(Scope::from).collect(),
            };
            let made = api_tokens::create(store, &input).await?;
            Ok(if as_json {
                json(&made)
            } else {
                // The token alone on stdout, so `$(zapdesk-cli api tokens create …)` is it.
                eprintln!("token {} created; it is shown only now:", made.token.id);
                made.secret
            })
        }
        Tokens::List => {
            let all = api_tokens::list(store).await?;
            if as_json {
                return Ok(json(&all));
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        t.account_id
                            .map_or_else(|| "(agency)".to_owned(), |a| a.to_string()),
                        scopes(&t.scopes),
                        t.prefix.clone(),
                        if t.revoked_at.is_some() {
                            "revoked".into()
                        } else {
                            "active".into()
                        },
                    ]
                })
                .collect();
            Ok(table(
                &["ID", "NAME", "ACCOUNT", "SCOPES", "TOKEN", "STATE"],
                &rows,
            ))
        }
        Tokens::Revoke { id } => {
            let token = api_tokens::revoke(store, id).await?;
            Ok(if as_json {
                json(&token)
            } else {
                format!("revoked {}", token.id)
            })
        }
    }
}
