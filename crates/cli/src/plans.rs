//! `zapdesk-cli plans …`: each plan's limits, an account's own limits, and
//! what an account uses of them (issue 18, item 4).

use clap::{Subcommand, ValueEnum};
use zapdesk_core::accounts::Plan;
use zapdesk_core::plans::{self, Limit, Override, PlanLimits};
use zapdesk_core::{AccountId, Store};

use crate::accounts::PlanArg;
use crate::output::{Failure, json, table};

#[derive(Clone, Copy, ValueEnum)]
pub enum LimitArg {
    Numbers,
    Contacts,
    Messages,
    Operators,
    Flows,
}

impl From<LimitArg> for Limit {
    fn from(l: LimitArg) -> Limit {
        match l {
            LimitArg::Numbers => Limit::Numbers,
            LimitArg::Contacts => Limit::Contacts,
            LimitArg::Messages => Limit::Messages,
            LimitArg::Operators => Limit::Operators,
            LimitArg::Flows => Limit::Flows,
        }
    }
}

/// A limit's value as typed: a number, or `none` for no limit.
#[derive(Clone, Copy)]
pub struct LimitValue(Option<u32>);

fn value(raw: &str) -> Result<LimitValue, String> {
    match raw.trim() {
        "none" | "-" => Ok(LimitValue(None)),
        n => n
            .parse()
            .map(|n| LimitValue(Some(n)))
            .map_err(|_| format!("{raw:?}: a number, or `none` for no limit")),
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Every plan's limits.
    List,
    /// Sets one limit of a plan (`none`: no limit). Owners and admins only.
    Set {
        #[arg(long, value_enum)]
        plan: PlanArg,
        #[arg(long, value_enum)]
        limit: LimitArg,
        #[arg(long, value_parser = value)]
        value: LimitValue,
    },
    /// Sets one limit of an account over its plan's (`none`: no limit;
    /// `--plan-default`: back to the plan's).
    Override {
        #[arg(long)]
        account: AccountId,
        #[arg(long, value_enum)]
        limit: LimitArg,
        #[arg(long, value_parser = value, required_unless_present = "plan_default")]
        value: Option<LimitValue>,
        #[arg(long)]
        plan_default: bool,
    },
    /// What an account uses of each limit.
    Usage {
        #[arg(long)]
        account: AccountId,
    },
}

fn cell(max: Option<u32>) -> String {
    max.map_or_else(|| "-".to_owned(), |m| m.to_string())
}

fn name(limit: Limit) -> &'static str {
    match limit {
        Limit::Numbers => "numbers",
        Limit::Contacts => "contacts",
        Limit::Messages => "messages",
        Limit::Operators => "operators",
        Limit::Flows => "flows",
    }
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    match cmd {
        Command::List => {
            let all = plans::defaults(store).await?;
            Ok(if as_json {
                json(&all)
            } else {
                let rows = all
                    .iter()
                    .map(|d| {
                        let mut row = vec![format!("{:?}", d.plan).to_lowercase()];
                        row.extend(Limit::ALL.iter().map(|l| cell(d.limits.get(*l))));
                        row
                    })
                    .collect::<Vec<_>>();
                table(
                    &[
                        "PLAN",
                        "NUMBERS",
                        "CONTACTS",
                        "MESSAGES",
                        "OPERATORS",
                        "FLOWS",
                    ],
                    &rows,
                )
            })
        }
        Command::Set { plan, limit, value } => {
            let plan = Plan::from(plan);
            let value = value.0;
            let mut limits: PlanLimits = plans::defaults(store)
                .await?
                .into_iter()
                .find(|d| d.plan == plan)
                .map(|d| d.limits)
                .unwrap_or_default();
            match Limit::from(limit) {
                Limit::Numbers => limits.numbers = value,
                Limit::Contacts => limits.contacts = value,
                Limit::Messages => limits.messages = value,
                Limit::Operators => limits.operators = value,
                Limit::Flows => limits.flows = value,
            }
            let saved = plans::set_defaults(store, plan, &limits).await?;
            Ok(json(&saved))
        }
        Command::Override {
            account,
            limit,
            value,
            plan_default,
        } => {
            let mut overrides = plans::overrides(store, account).await?;
            let chosen = if plan_default {
                None
            } else {
                Some(match value.and_then(|v| v.0) {
                    None => Override::Unlimited,
                    Some(value) => Override::Max { value },
                })
            };
            match Limit::from(limit) {
                Limit::Numbers => overrides.numbers = chosen,
                Limit::Contacts => overrides.contacts = chosen,
                Limit::Messages => overrides.messages = chosen,
                Limit::Operators => overrides.operators = chosen,
                Limit::Flows => overrides.flows = chosen,
            }
            let saved = plans::set_overrides(store, account, &overrides).await?;
            Ok(json(&saved))
        }
        Command::Usage { account } => {
            let usage = plans::usage(store, account).await?;
            Ok(if as_json {
                json(&usage)
            } else {
                let rows = usage
                    .items
                    .iter()
                    .map(|u| {
                        vec![
                            name(u.limit).to_owned(),
                            u.used.to_string(),
                            cell(u.max),
                            if u.overridden { "account" } else { "plan" }.to_owned(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["LIMIT", "USED", "MAX", "FROM"], &rows)
            })
        }
    }
}
