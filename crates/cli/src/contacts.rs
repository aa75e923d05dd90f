//! `zapdesk-cli contacts …`

use std::path::{Path, PathBuf};

use clap::Subcommand;
use zapdesk_core::contacts::{self, Contact, ContactInput, ContactQuery};
use zapdesk_core::filter::{ContactFilter, ContactSelection};
use zapdesk_core::{AccountId, ContactId, Lang, Store, export, import, tags};

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
    /// Import contacts from a CSV file (`;` or `,`, UTF-8 or Windows-1252).
    /// Columns are recognised by their headers (telefone/celular/phone, nome/name,
    /// etiquetas/tags, the account's custom fields); re-importing changes nothing.
    Import {
        #[arg(long)]
        account: AccountId,
        file: PathBuf,
    },
    /// Export an account's contacts (all, or those with a tag) as CSV.
    Export {
        #[arg(long)]
        account: AccountId,
        /// Only contacts with this tag (its name).
        #[arg(long)]
        tag: Option<String>,
        /// Where to write; `-` or nothing for standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub async fn run(
    store: &Store,
    cmd: Command,
    lang: Lang,
    as_json: bool,
) -> Result<String, Failure> {
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
                    filter: ContactFilter {
                        search,
                        ..ContactFilter::default()
                    },
                    offset,
                    limit,
                },
            )
            .await?;
            Ok(if as_json {
                json(&page)
            } else {
                let list: Vec<Contact> = page.items.into_iter().map(|i| i.contact).collect();
                render(&list)
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
        Command::Import { account, file } => import(store, account, &file, lang, as_json).await,
        Command::Export {
            account,
            tag,
            output,
        } => {
            let mut filter = ContactFilter::default();
            if let Some(name) = tag {
                let tags = tags::list(store, account).await?;
                let wanted = tags
                    .iter()
                    .find(|t| t.name.to_lowercase() == name.trim().to_lowercase())
                    .ok_or(tags::TagError::Unknown)?;
                filter.tags_all.push(wanted.id);
            }
            let bytes =
                export::csv(store, account, &ContactSelection::Filter { filter }, lang).await?;
            match output {
                Some(path) if path.as_os_str() != "-" => {
                    export::save(&path, &bytes)?;
                    Ok(format!("{}", path.display()))
                }
                _ => Ok(String::from_utf8_lossy(&bytes)
                    .trim_start_matches('\u{feff}')
                    .trim_end()
                    .to_owned()),
            }
        }
    }
}

async fn import(
    store: &Store,
    account: AccountId,
    file: &Path,
    lang: Lang,
    as_json: bool,
) -> Result<String, Failure> {
    let sheet = import::open(file)?;
    let preview = import::preview(store, account, &sheet).await?;
    let mut progress = |done: u32, total: u32| {
        if !as_json && total > 0 {
            eprint!("\r{done}/{total}");
        }
    };
    let report = import::run(
        store,
        account,
        &sheet,
        &preview.columns,
        lang,
        &mut progress,
    )
    .await?;
    if !as_json {
        eprintln!();
    }
    if as_json {
        return Ok(json(&report));
    }
    let mut out = match lang {
        Lang::PtBr => format!(
            "{} linhas: {} criados, {} atualizados, {} sem mudança, {} mesclados, {} recusados",
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.merged,
            report.rejected
        ),
        Lang::En => format!(
            "{} rows: {} created, {} updated, {} unchanged, {} merged, {} rejected",
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.merged,
            report.rejected
        ),
    };
    for problem in &report.problems {
        out.push_str(&format!(
            "\n{} {}: {}",
            lang.pick("linha", "line"),
            problem.line,
            problem.reason
        ));
    }
    Ok(out)
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
