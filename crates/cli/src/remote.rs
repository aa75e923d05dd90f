//! `zapdesk-cli remote …`: the agency's shared database, for its administrator.
//! These commands use the database owner's address (on Supabase, the `postgres`
//! user); it is read from `--database-url` or, better (it stays out of the
//! shell history and the process list), from `ZAPDESK_DATABASE_URL`.

use clap::{Subcommand, ValueEnum};
use serde_json::json;
use zapdesk_core::accounts::{self, AccountError};
use zapdesk_core::{AccountId, Lang, Store};
use zapdesk_sync::MemberRole;
use zapdesk_sync::connection::owner_options;
use zapdesk_sync::invite::{self, Invitation, Invited};
use zapdesk_sync::provision::{self, ProvisionReport};

use crate::output::{Failure, json};

#[derive(Subcommand)]
pub enum Command {
    /// Create or upgrade ZapDesk's schema on the agency's PostgreSQL, as its owner.
    /// Running it again applies only what is new.
    Provision {
        /// postgresql://owner:password@host:5432/database (a remote host is
        /// reached with TLS verify-full; add sslrootcert=FILE for Supabase's CA).
        #[arg(long, env = "ZAPDESK_DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// The NOLOGIN role operators' logins join (default: the database's,
        /// or zapdesk_operator).
        #[arg(long)]
        operator_group: Option<String>,
    },
    /// Create an operator's login for one account and print what they type on
    /// their desktop (an existing operator's e-mail only gets the account).
    Invite {
        /// The database owner's address, as for `provision`.
        #[arg(long, env = "ZAPDESK_DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// The operator's e-mail (an existing operator's gets only the account).
        #[arg(long)]
        email: String,
        /// The operator's name as colleagues see it.
        #[arg(long)]
        name: String,
        /// owner and admin manage the account and its people; agent works it.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The account (its id); published to the server from this computer if missing there.
        #[arg(long)]
        account: AccountId,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Agent,
    Admin,
    Owner,
}

impl From<RoleArg> for MemberRole {
    fn from(r: RoleArg) -> MemberRole {
        match r {
            RoleArg::Agent => MemberRole::Agent,
            RoleArg::Admin => MemberRole::Admin,
            RoleArg::Owner => MemberRole::Owner,
        }
    }
}

pub async fn run(
    store: &Store,
    cmd: Command,
    lang: Lang,
    as_json: bool,
) -> Result<String, Failure> {
    match cmd {
        Command::Provision {
            database_url,
            operator_group,
        } => {
            let owner = owner_options(&database_url)?;
            let report = provision::provision(&owner, operator_group.as_deref()).await?;
            Ok(if as_json {
                json(&report)
            } else {
                render_provision(&report, lang)
            })
        }
        Command::Invite {
            database_url,
            email,
            name,
            role,
            account,
        } => {
            let owner = owner_options(&database_url)?;
            // The account as this computer has it, to publish if the server lacks it.
            let local = match accounts::get(store, account).await {
                Ok(found) => Some(found),
                Err(AccountError::Unknown(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let invitation = Invitation {
                email,
                display_name: name,
                role: role.into(),
                account,
            };
            let invited = invite::invite(&owner, &invitation, local.as_ref()).await?;
            Ok(if as_json {
                json(&json!({
                    "host": invited.host,
                    "port": invited.port,
                    "database": invited.database,
                    "operator": invited.operator,
                    "password": invited.password.as_ref().map(|p| p.expose()),
                    "role_name": invited.role_name,
                    "account": invited.account,
                    "role": invited.role,
                    "existing": invited.existing,
                }))
            } else {
                render_invited(&invited, lang)
            })
        }
    }
}

fn render_provision(report: &ProvisionReport, lang: Lang) -> String {
    let applied = if report.applied.is_empty() {
        lang.pick("nada a aplicar", "nothing to apply").to_owned()
    } else {
        let list: Vec<String> = report.applied.iter().map(i64::to_string).collect();
        format!(
            "{} {}",
            lang.pick("aplicadas:", "applied:"),
            list.join(", ")
        )
    };
    match lang {
        Lang::PtBr => format!(
            "Esquema do ZapDesk na versão {} ({applied}). Grupo dos operadores: {}.",
            report.schema_version, report.operator_group
        ),
        Lang::En => format!(
            "ZapDesk schema at version {} ({applied}). Operator group: {}.",
            report.schema_version, report.operator_group
        ),
    }
}

fn render_invited(invited: &Invited, lang: Lang) -> String {
    let role = invited.role.as_str();
    let account = invited.account;
    let mut out = match (&invited.password, lang) {
        (Some(_), Lang::PtBr) => format!(
            "Operador criado ({role} da conta {account}). Envie estes dados ao operador por um \
             canal seguro; a senha não será mostrada de novo."
        ),
        (Some(_), Lang::En) => format!(
            "Operator created ({role} of account {account}). Send these details to the operator \
             over a safe channel; the password will not be shown again."
        ),
        (None, Lang::PtBr) => format!(
            "Este e-mail já era de um operador; agora ele é {role} da conta {account}. A senha \
             dele continua a mesma."
        ),
        (None, Lang::En) => format!(
            "This e-mail already belonged to an operator, who is now {role} of account \
             {account}. Their password stays the same."
        ),
    };
    let labels = lang.pick(
        ["servidor", "porta", "banco", "operador", "senha"],
        ["host", "port", "database", "operator", "password"],
    );
    let mut lines = vec![
        (labels[0], invited.host.clone()),
        (labels[1], invited.port.to_string()),
        (labels[2], invited.database.clone()),
        (labels[3], invited.operator.clone()),
    ];
    if let Some(password) = &invited.password {
        lines.push((labels[4], password.expose().to_owned()));
    }
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, value) in lines {
        out.push_str(&format!(
            "\n{:<width$}  {value}",
            format!("{label}:"),
            width = width + 1
        ));
    }
    out
}
