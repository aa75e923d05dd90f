//! The throwaway store's copy of what a flow needs from the real account:
//! the account's name, bot settings (switched on: a flow is played whether
//! or not the account's bot is on), its business hours (for the "inside
//! business hours" condition; without the away message, which is no part
//! of a flow), custom fields and tags; the flow and
//! every flow it goes to (their published versions) under new ids; the
//! files they send; a Sandbox number, a contact and their conversation.
//! The real store is only read.

use std::collections::{HashMap, HashSet};

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::automation::flow::{Content, FlowDocument, NodeKind};
use zapdesk_core::automation::settings::{self, AutomationSettings};
use zapdesk_core::automation::{AutomationError, files, flows};
use zapdesk_core::business_hours::{self, BusinessHours, BusinessHoursError};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::fields::{self, FieldInput};
use zapdesk_core::ids::{AutomationFileId, FlowId};
use zapdesk_core::inbox::conversations;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ContactId, ConversationId, InstanceId, Lang, Store};

use super::SimError;

/// The copies' ids in the throwaway store.
pub(super) struct Copied {
    /// The real account's flows by their throwaway ids: (real id, name).
    pub flows: HashMap<String, (FlowId, String)>,
    pub account: AccountId,
    pub number: InstanceId,
    pub contact: ContactId,
    pub conversation: ConversationId,
    /// The simulated flow.
    pub flow: FlowId,
}

/// The simulated contact.
pub(super) struct Person<'a> {
    pub phone: &'a str,
    pub name: &'a str,
}

impl Copied {
    /// Copies into `store` what playing `doc` (flow `flow` of the real
    /// account, named `flow_name`) needs.
    pub async fn make(
        real: &Store,
        store: &Store,
        (real_account, settings): (AccountId, &AutomationSettings),
        (flow, flow_name, doc): (FlowId, &str, &FlowDocument),
        person: Person<'_>,
    ) -> Result<Copied, SimError> {
        let name = accounts::get(real, real_account).await?.name;
        let account = accounts::create(
            store,
            &AccountInput {
                name,
                ..Default::default()
            },
        )
        .await?
        .id;
        let on = AutomationSettings {
            enabled: true,
            ..settings.clone()
        };
        settings::save(store, account, &on).await?;
        let hours = business_hours::get(real, real_account).await?;
        let copied = business_hours::save(
            store,
            account,
            &BusinessHours {
                away_enabled: false,
                ..hours
            },
        )
        .await;
        // Hours this desktop would not accept (a zone its tz database does
        // not know, synced from another) are left out: the simulated
        // account has none, as the runner here would read them.
        if let Err(e @ BusinessHoursError::Database(_)) = copied {
            return Err(e.into());
        }
        for field in fields::list(real, real_account).await? {
            fields::create(
                store,
                account,
                &FieldInput {
                    label: field.label,
                    kind: field.kind,
                    choices: field.choices,
                },
            )
            .await?;
        }
        for tag in tags::list(real, real_account).await? {
            tags::create(
                store,
                account,
                &TagInput {
                    name: tag.name,
                    color: tag.color,
                },
            )
            .await?;
        }

        // The flow and every flow it goes to, made first, so that a `go to
        // flow` finds its target when the documents are published.
        let mut docs: Vec<(FlowId, String, Option<FlowDocument>)> =
            vec![(flow, flow_name.to_owned(), Some(doc.clone()))];
        let mut known: HashSet<FlowId> = HashSet::from([flow]);
        let mut next = 0;
        while next < docs.len() {
            let targets: Vec<FlowId> = docs[next]
                .2
                .iter()
                .flat_map(|d| d.nodes.iter())
                .filter_map(|n| match &n.kind {
                    NodeKind::GoToFlow { flow } => flow.parse().ok(),
                    _ => None,
                })
                .collect();
            for target in targets {
                if !known.insert(target) {
                    continue;
                }
                let Ok(other) = flows::get(real, real_account, target).await else {
                    continue;
                };
                let published = match other.published_version_id {
                    Some(v) => Some(flows::version(real, real_account, v).await?.document),
                    None => None,
                };
                docs.push((target, other.name, published));
            }
            next += 1;
        }
        let mut ids: HashMap<String, FlowId> = HashMap::new();
        let mut originals = HashMap::new();
        let mut made = Vec::new();
        for (old, name, doc) in &docs {
            let new = flows::create(store, account, name, None).await?;
            ids.insert(old.to_string(), new.id);
            originals.insert(new.id.to_string(), (*old, name.clone()));
            made.push((new.id, new.revision, doc.clone()));
        }
        let mut file_ids: HashMap<String, String> = HashMap::new();
        for (id, revision, doc) in made {
            // A target never published stays unpublished here too: going
            // there ends the session `broken`, as it would for real.
            let Some(mut doc) = doc else { continue };
            for node in &mut doc.nodes {
                match &mut node.kind {
                    NodeKind::GoToFlow { flow } => {
                        if let Some(new) = ids.get(flow.as_str()) {
                            *flow = new.to_string();
                        }
                    }
                    NodeKind::Send {
                        content: Content::File { file, .. },
                        ..
                    } => {
                        let accounts = (real_account, account);
                        if let Some(new) =
                            copy_file(real, store, accounts, file, &mut file_ids).await?
                        {
                            *file = new;
                        }
                    }
                    _ => {}
                }
            }
            // The findings' language does not matter: nobody reads them.
            let saved =
                flows::save_draft(store, account, id, revision, doc, Lang::default()).await?;
            flows::publish(store, account, id, saved.revision).await?;
        }
        let flow = ids
            .get(&flow.to_string())
            .copied()
            .ok_or(AutomationError::FlowUnknown)?;

        let number = instances::create(
            store,
            account,
            &NumberInput {
                name: "Simulação".into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await?
        .id;
        let contact = contacts::create(
            store,
            account,
            &ContactInput {
                phone: person.phone.to_owned(),
                name: Some(person.name.to_owned()).filter(|n| !n.trim().is_empty()),
            },
        )
        .await?
        .id;
        let conversation = conversations::open(store, account, number, contact).await?;
        Ok(Copied {
            flows: originals,
            account,
            number,
            contact,
            conversation,
            flow,
        })
    }
}

/// The real account's file `old`, uploaded once into the throwaway
/// account; its new id (`None`: the account has no such file, and the send
/// is refused at publish as the app would refuse it).
async fn copy_file(
    real: &Store,
    store: &Store,
    (real_account, account): (AccountId, AccountId),
    old: &str,
    done: &mut HashMap<String, String>,
) -> Result<Option<String>, SimError> {
    if let Some(new) = done.get(old) {
        return Ok(Some(new.clone()));
    }
    let Ok(id) = old.parse::<AutomationFileId>() else {
        return Ok(None);
    };
    let Ok(file) = files::get(real, real_account, id).await else {
        return Ok(None);
    };
    let bytes = files::bytes(real, real_account, id).await?;
    let new = files::upload(store, account, &file.name, &file.mime, &bytes)
        .await?
        .to_string();
    done.insert(old.to_owned(), new.clone());
    Ok(Some(new))
}
