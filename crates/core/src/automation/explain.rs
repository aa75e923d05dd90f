//! "Test a message" on the keyword screen: what the bot would do with a text
//! on a number, and why, in the order docs/automation.md ("What happens to a
//! message a contact sends") gives, as far as it can be judged without a
//! contact: the hand-off word (step 2), the keywords ranked (step 4, each
//! match with why it fires or loses), else the flow a new contact's first
//! message would start (step 5) and the one for a message nothing else
//! answers (step 7). A contact's own state is not judged: an active session
//! (step 3), a keyword's cooldown for them, a campaign reply (step 6).

use serde::{Deserialize, Serialize};

use super::flows::{self, Trigger};
use super::keywords;
use super::matching::{self, Candidate, Matcher};
use super::{AutomationError, known, settings};
use crate::ids::{FlowId, KeywordId};
use crate::{AccountId, InstanceId, Store};

/// What would answer a message, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Explanation {
    /// The account's automation is off: nothing would answer. The rest says
    /// what would once it is on.
    pub automation_off: bool,
    pub verdict: Verdict,
    /// Every keyword whose words match, in the order they are tried, each
    /// with why it fires or does not.
    pub keywords: Vec<KeywordMatch>,
}

/// The first rule that applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// The message has a hand-off word: the conversation goes to a person.
    Handoff { word: String },
    /// This keyword fires.
    Keyword {
        id: KeywordId,
        name: String,
        /// Its word that matched, as typed.
        word: String,
        priority: i32,
    },
    /// No keyword fires: the flows the message would start, a contact's
    /// first message on the number, and any message nothing else answers.
    Flows {
        first_message: Option<FlowRef>,
        no_match: Option<FlowRef>,
    },
    /// Nothing would answer.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlowRef {
    pub id: FlowId,
    pub name: String,
    /// For "no match": at most once per contact in this many hours.
    pub hours: Option<u32>,
}

/// A keyword whose words match the message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KeywordMatch {
    pub id: KeywordId,
    pub name: String,
    /// Its word that matched, as typed.
    pub word: String,
    pub priority: i32,
    pub outcome: Outcome,
}

/// Why a matching keyword fires or does not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Fires,
    /// A hand-off word in the message wins before any keyword.
    HandoffFirst,
    /// It is turned off.
    Off,
    /// It answers on other numbers only.
    NotOnThisNumber,
    /// A keyword of higher priority fires.
    LowerPriority {
        winner: KeywordId,
        winner_name: String,
    },
    /// A keyword of the same priority, created before it, fires.
    OlderWins {
        winner: KeywordId,
        winner_name: String,
    },
}

/// What the account's bot would do with `text` arriving on `number` (`None`:
/// any number, every keyword's scope taken as met).
pub async fn explain(
    store: &Store,
    account: AccountId,
    number: Option<InstanceId>,
    text: &str,
) -> Result<Explanation, AutomationError> {
    if let Some(n) = number {
        let mut conn = store.pool().acquire().await?;
        if !known::number_exists(&mut conn, account, n).await? {
            return Err(AutomationError::NumberUnknown);
        }
    }
    let settings = settings::get(store, account).await?;
    let handoff = settings::handoff_word(&settings, text).map(str::to_owned);
    let all = keywords::list(store, account).await?;
    let candidates: Vec<Candidate<usize>> = all
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            // A saved keyword whose words no longer compile fires on nothing.
            Matcher::new(k.match_kind, &k.words)
                .ok()
                .map(|matcher| Candidate {
                    key: i,
                    matcher,
                    priority: k.priority,
                    created_at: k.created_at,
                })
        })
        .collect();
    let in_scope = |k: &keywords::Keyword| {
        number.is_none_or(|n| k.numbers.is_empty() || k.numbers.contains(&n))
    };
    let hits = matching::ranked(&candidates, text);
    let winner = if handoff.is_some() {
        None
    } else {
        hits.iter()
            .map(|h| &all[h.key])
            .find(|k| k.enabled && in_scope(k))
    };
    let matches: Vec<KeywordMatch> = hits
        .iter()
        .map(|hit| {
            let k = &all[hit.key];
            let outcome = if handoff.is_some() {
                Outcome::HandoffFirst
            } else if !k.enabled {
                Outcome::Off
            } else if !in_scope(k) {
                Outcome::NotOnThisNumber
            } else {
                match winner {
                    Some(w) if w.id == k.id => Outcome::Fires,
                    Some(w) if w.priority > k.priority => Outcome::LowerPriority {
                        winner: w.id,
                        winner_name: w.name.clone(),
                    },
                    Some(w) => Outcome::OlderWins {
                        winner: w.id,
                        winner_name: w.name.clone(),
                    },
                    // Unreachable: an enabled keyword in scope is a winner.
                    None => Outcome::Fires,
                }
            };
            KeywordMatch {
                id: k.id,
                name: k.name.clone(),
                word: k.words.get(hit.word).cloned().unwrap_or_default(),
                priority: k.priority,
                outcome,
            }
        })
        .collect();
    let verdict = if let Some(word) = handoff {
        Verdict::Handoff { word }
    } else if let Some(w) = winner {
        let word = matches
            .iter()
            .find(|m| m.id == w.id)
            .map(|m| m.word.clone())
            .unwrap_or_default();
        Verdict::Keyword {
            id: w.id,
            name: w.name.clone(),
            word,
            priority: w.priority,
        }
    } else {
        let (first_message, no_match) = triggered(store, account, number).await?;
        if first_message.is_none() && no_match.is_none() {
            Verdict::Nothing
        } else {
            Verdict::Flows {
                first_message,
                no_match,
            }
        }
    };
    Ok(Explanation {
        automation_off: !settings.enabled,
        verdict,
        keywords: matches,
    })
}

/// The enabled, published flows a first message and a message with no other
/// match would start on `number`.
async fn triggered(
    store: &Store,
    account: AccountId,
    number: Option<InstanceId>,
) -> Result<(Option<FlowRef>, Option<FlowRef>), AutomationError> {
    let on =
        |numbers: &[InstanceId]| numbers.is_empty() || number.is_none_or(|n| numbers.contains(&n));
    let mut first = None;
    let mut no_match = None;
    for flow in flows::list(store, account).await? {
        if !flow.enabled || flow.published_version_id.is_none() {
            continue;
        }
        for trigger in &flow.triggers {
            let found = FlowRef {
                id: flow.id,
                name: flow.name.clone(),
                hours: None,
            };
            match trigger {
                Trigger::FirstMessage { numbers } if first.is_none() && on(numbers) => {
                    first = Some(found);
                }
                Trigger::NoMatch { hours, numbers } if no_match.is_none() && on(numbers) => {
                    no_match = Some(FlowRef {
                        hours: Some(*hours),
                        ..found
                    });
                }
                _ => {}
            }
        }
    }
    Ok((first, no_match))
}
