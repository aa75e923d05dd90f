//! `zapdesk-cli contacts …`

use clap::Subcommand;
use zapdesk_core::contacts::{self, Contact, ContactInput, ContactQuery};
use zapdesk_core::{AccountId, ContactId, Store};

use crate::output::{Failure, json, table};

#[derive(Subcommand)]
pub enum Command {
    /// Add a contact to an account.
    Add {
        #[arg(long)]
        account: AccountId,
        /// Any common spelling; numbers without a country code are Brazilian.
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List an account's contacts.
    List {
        #[arg(long)]
        account: AccountId,
        /// Part of a name (case and accents ignored) or of a phone.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long, default_value_t = contacts::PAGE_MAX)]
        limit: u32,
    },
    /// Change a contact's phone and name.
    Update {
        #[arg(long)]
        account: AccountId,
        id: ContactId,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete a contact.
    Delete {
        #[arg(long)]
        account: AccountId,
        id: ContactId,
    },
}

pub async fn run(store: &Store, cmd: Command, as_json: bool) -> Result<String, Failure> {
    let one = |c: Contact| if as_json { json(&c) } else { render(&[c]) };
    match cmd {
        Command::Add {
            account,
            phone,
            name,
        } => Ok(one(contacts::create(
            store,
            account,
            &ContactInput { phone, name },
        )
        .await?)),
        Command::List {
            account,
            search,
            offset,
            limit,
        } => {
            let page = contacts::list(
                store,
                account,
                &ContactQuery {
                    search,
                    offset,
                    limit,
                },
            )
            .await?;
            Ok(if as_json {
                json(&page)
            } else {
                render(&page.items)
            })
        }
        Command::Update {
            account,
            id,
            phone,
            name,
        } => {
            let current = contacts::get(store, account, id).await?;
            let input = ContactInput {
                phone: phone.unwrap_or(current.phone),
                name: name.or(current.name),
            };
            Ok(one(contacts::update(store, account, id, &input).await?))
        }
        Command::Delete { account, id } => {
            contacts::delete(store, account, id).await?;
            Ok(if as_json {
                json(&id)
            } else {
                format!("deleted {id}")
            })
        }
    }
}

fn render(list: &[Contact]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.phone.clone(),
                c.name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["ID", "PHONE", "NAME"], &rows)
}
