//! `zapdesk-cli accounts …`

use clap::{Args, Subcommand, ValueEnum};
use zapdesk_core::accounts::{self, Account, AccountInput, AccountStatus, Plan};
use zapdesk_core::{AccountId, Store};

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// Create an account and print it.
    Create(Fields),
    /// List accounts.
    List {
        /// Include archived accounts.
        #[arg(long)]
        all: bool,
    },
    /// Change an account's name, phone, plan or status (fields not given are kept).
    Update {
        id: AccountId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, value_enum)]
        plan: Option<PlanArg>,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
    },
    /// Archive an account (hidden, takes no new data; undo with `restore`).
    Archive { id: AccountId },
    /// Bring an archived account back.
    Restore { id: AccountId },
}

#[derive(Args)]
pub struct Fields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long, value_enum, default_value = "starter")]
    plan: PlanArg,
    #[arg(long, value_enum, default_value = "active")]
    status: StatusArg,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PlanArg {
    Free,
    Starter,
    Pro,
    Enterprise,
}

impl From<PlanArg> for Plan {
    fn from(p: PlanArg) -> Plan {
        match p {
            PlanArg::Free => Plan::Free,
            PlanArg::Starter => Plan::Starter,
            PlanArg::Pro => Plan::Pro,
            PlanArg::Enterprise => Plan::Enterprise,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Active,
    Trial,
    Suspended,
}

impl From<StatusArg> for AccountStatus {
    fn from(s: StatusArg) -> AccountStatus {
        match s {
            StatusArg::Active => AccountStatus::Active,
            StatusArg::Trial => AccountStatus::Trial,
            StatusArg::Suspended => AccountStatus::Suspended,
        }
    }
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    let one = |a: Account| if as_json { json(&a) } else { render(&[a]) };
    match cmd {
        Command::Create(f) => {
            let input = AccountInput {
                name: f.name,
                phone: f.phone,
                plan: f.plan.into(),
                status: f.status.into(),
            };
            Ok(one(accounts::create(store, &input).await?))
        }
        Command::List { all } => {
            let list = accounts::list(store, all).await?;
            Ok(if as_json { json(&list) } else { render(&list) })
        }
        Command::Update {
            id,
            name,
            phone,
            plan,
            status,
        } => {
            let current = accounts::get(store, id).await?;
            let input = AccountInput {
                name: name.unwrap_or(current.name),
                phone: phone.or(current.phone),
                plan: plan.map_or(current.plan, Plan::from),
                status: status.map_or(current.status, AccountStatus::from),
            };
            Ok(one(accounts::update(store, id, &input).await?))
        }
        Command::Archive { id } => Ok(one(accounts::set_archived(store, id, true).await?)),
        Command::Restore { id } => Ok(one(accounts::set_archived(store, id, false).await?)),
    }
}

fn render(list: &[Account]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.name.clone(),
                a.phone.clone().unwrap_or_default(),
                format!("{:?}", a.plan).to_lowercase(),
                format!("{:?}", a.status).to_lowercase(),
                if a.archived_at.is_some() {
                    "archived".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table(&["ID", "NAME", "PHONE", "PLAN", "STATUS", ""], &rows)
}
