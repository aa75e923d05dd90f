//! Sending a message without a conversation open on screen: to a phone or a
//! contact, from a chosen number or the one the contact already talks to.
//! The local API's `POST /send`, the Evolution dialect and the agency's
//! cloud commands all come here, so each picks the number and creates the
//! contact the same way.
//!
//! Idempotent by the message id the caller chooses: asked again with the
//! same id (a retried HTTP request, a command executed again after a crash),
//! nothing more is queued and the same message is returned.

use serde::{Deserialize, Serialize};
use zapdesk_core::api_tokens::idempotency::KeyClaim;
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, Contact, ContactError, ContactInput, ContactQuery};
use zapdesk_core::domain::Message;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::inbox::attachments::{self, Attachment};
use zapdesk_core::inbox::{InboxError, TEXT_MAX, conversations, outbox};
use zapdesk_core::{
    AccountId, ContactId, ConversationId, ErrorCode, InstanceId, Lang, MessageId, UserError, ids,
    instances, phone,
};

use crate::{App, AppError};

/// Whom to send to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SendTo {
    /// A phone as a person writes it (the app's phone rules: Brazilian
    /// without a country code, the ninth digit added); a contact is created
    /// for it if the account has none.
    Phone(String),
    /// A contact of the account.
    Contact(ContactId),
}

/// What to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SendContent {
    Text {
        text: String,
    },
    File {
        name: String,
        mime: String,
        /// The bytes, base64.
        data: String,
        caption: Option<String>,
    },
}

/// A message to send: to whom, from which number (`None`: the number the
/// contact last talked to, else the account's only or first connected one),
/// and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SendRequest {
    pub to: SendTo,
    pub from: Option<InstanceId>,
    pub content: SendContent,
}

/// The message queued, and where.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Sent {
    pub message: Message,
    pub conversation: ConversationId,
    pub contact: ContactId,
    pub instance: InstanceId,
}

/// A conversation started by an operator, and with whom on which number.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct NewConversation {
    pub conversation: ConversationId,
    pub contact: ContactId,
    pub instance: InstanceId,
}

/// A text send with its recipient, number and conversation settled and
/// nothing written yet ([`App::ready_text`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadyText {
    pub account: AccountId,
    pub contact: ContactId,
    pub conversation: ConversationId,
    pub id: MessageId,
    pub text: String,
}

/// What became of one text of [`App::queue_ready`].
#[derive(Debug, Clone, PartialEq)]
pub enum QueuedText {
    Sent(Sent),
    /// Its idempotency key names another request: nothing queued.
    KeyUsedElsewhere,
}

/// Why a message could not be queued, beyond what the core refuses.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No number given, the contact never talked to the account, and the
    /// account has several numbers none of which is connected (or none).
    #[error("no number to send from")]
    NoNumber,
    /// The contact asked not to receive messages.
    #[error("contact {0} opted out")]
    OptedOut(String),
}

impl UserError for SendError {
    fn code(&self) -> ErrorCode {
        match self {
            SendError::NoNumber => ErrorCode::NumberOffline,
            SendError::OptedOut(_) => ErrorCode::ContactOptedOut,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            SendError::NoNumber => lang
                .pick(
                    "Nenhum número desta conta está conectado para enviar. Conecte um número na tela Números ou escolha o número de envio (from).",
                    "No number of this account is connected to send from. Connect a number on the Numbers screen or choose the number to send from (from).",
                )
                .to_owned(),
            SendError::OptedOut(phone) => match lang {
                Lang::PtBr => format!(
                    "O contato {phone} pediu para não receber mensagens. Nada foi enviado."
                ),
                Lang::En => {
                    format!("The contact {phone} asked not to receive messages. Nothing was sent.")
                }
            },
        }
    }
}

/// `+` and 8 to 15 digits: a phone as the store keeps it (E.164), which
/// [`phone::normalize`] would give back unchanged for a valid one.
fn is_e164(raw: &str) -> bool {
    raw.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Refuses a contact who asked not to receive messages.
fn refuse_opted_out(contact: &Contact) -> Result<(), AppError> {
    if contact.opted_out_at.is_some() {
        return Err(SendError::OptedOut(contact.phone.clone()).into());
    }
    Ok(())
}

/// The content checked and decoded, before anything is written.
enum Outgoing {
    Text(String),
    File(Attachment, String),
}

impl Outgoing {
    fn of(content: &SendContent) -> Result<Outgoing, AppError> {
        Ok(match content {
            // The outbox checks these again; here they refuse before a
            // contact is created for nothing.
            SendContent::Text { text } if text.trim().is_empty() => {
                return Err(InboxError::Empty.into());
            }
            SendContent::Text { text } if text.trim().chars().count() > TEXT_MAX => {
                return Err(InboxError::TooLong.into());
            }
            SendContent::Text { text } => Outgoing::Text(text.clone()),
            SendContent::File {
                name,
                mime,
                data,
                caption,
            } => Outgoing::File(
                attachments::decode(name, mime, data)?,
                caption.clone().unwrap_or_default(),
            ),
        })
    }

    /// Queues it under `id`, or returns what was queued under `id` in this
    /// conversation before (writing nothing); refused when `id` is another
    /// conversation's.
    async fn queue_once(
        &self,
        store: &zapdesk_core::Store,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
    ) -> Result<Message, InboxError> {
        match self {
            Outgoing::Text(text) => {
                outbox::enqueue_text_once(store, account, conversation, id, text).await
            }
            Outgoing::File(file, caption) => {
                outbox::enqueue_file_once(store, account, conversation, id, file, caption).await
            }
        }
    }
}

impl App {
    /// Queues `request` in the durable outbox under `id`; a connected number
    /// sends it at once, a stopped one when it connects. The same `id` again
    /// queues nothing and returns the same message.
    ///
    /// Refused, with nothing queued: a number or contact of another account
    /// (unknown), a phone that is not one, a contact who opted out, no number
    /// to send from, an empty or too long text, a file WhatsApp does not take.
    pub async fn send(
        &self,
        account: AccountId,
        id: MessageId,
        request: SendRequest,
    ) -> Result<Sent, AppError> {
        // Checked before anything is written: a bad file creates no contact.
        let outgoing = Outgoing::of(&request.content)?;
        let found = self.recipient(account, &request.to).await?;
        // Checked early (nothing written for a contact found at once), and
        // again below for one found only when creating it was refused.
        if let Some(contact) = &found {
            refuse_opted_out(contact)?;
        }
        let (instance, known) = self
            .sender_of(account, found.as_ref().map(|c| c.id), request.from)
            .await?;
        let mut tables = vec![Table::Messages, Table::Conversations];
        // Only now, with the number settled: a refused request creates no contact.
        let contact = match (found, &request.to) {
            (Some(contact), _) => contact,
            (None, SendTo::Phone(raw)) => {
                let (contact, created) = self.new_contact(account, raw, None).await?;
                if created {
                    tables.push(Table::Contacts);
                }
                contact
            }
            (None, SendTo::Contact(id)) => {
                return Err(ContactError::Unknown(account, *id).into());
            }
        };
        // Whatever path found the contact (a phone edited to this one, or one
        // created at the same moment, comes back from `new_contact`).
        refuse_opted_out(&contact)?;
        let queued = async {
            // The conversation read to pick the number, else a new one (a
            // write of its own: skipped for a contact already talking to it).
            let conversation = match known {
                Some(conversation) => conversation,
                None => conversations::open(self.store(), account, instance, contact.id).await?,
            };
            match self.queue(account, conversation, id, &outgoing).await {
                Err(AppError::Inbox(InboxError::ConversationUnknown(..))) => {
                    // `id` was queued before in another conversation of the
                    // contact (the number picked then is not the one picked
                    // now): that one is the message asked for.
                    self.queued_elsewhere(account, contact.id, id, &outgoing)
                        .await
                }
                done => done,
            }
        };
        let message = self.wrote(Some(account), &tables, queued).await?;
        Ok(Sent {
            conversation: message.conversation_id,
            instance: message.instance_id,
            contact: contact.id,
            message,
        })
    }

    /// The reads of [`App::send`] for a text to a contact the account has,
    /// on a number the contact already has a conversation on: the send
    /// settled with nothing written, for [`App::queue_ready`] to queue with
    /// others in one transaction. `Ok(None)` when the send needs a write of
    /// its own first (a new contact or conversation) or is a file: send it
    /// with [`App::send`]. Refused as [`App::send`] refuses.
    pub async fn ready_text(
        &self,
        account: AccountId,
        id: MessageId,
        request: &SendRequest,
    ) -> Result<Option<ReadyText>, AppError> {
        let SendContent::Text { text } = &request.content else {
            return Ok(None);
        };
        Outgoing::of(&request.content)?;
        let Some(contact) = self.recipient(account, &request.to).await? else {
            return Ok(None);
        };
        refuse_opted_out(&contact)?;
        let (_, known) = self
            .sender_of(account, Some(contact.id), request.from)
            .await?;
        Ok(known.map(|conversation| ReadyText {
            account,
            contact: contact.id,
            conversation,
            id,
            text: text.clone(),
        }))
    }

    /// Queues texts settled by [`App::ready_text`] in one write transaction
    /// (group commit), each with the idempotency key its request gave, and
    /// wakes their numbers. Each text has its own answer: one refused (a
    /// plan's limit, a key of another request) leaves the others queued. An
    /// `Err(InboxError::ConversationUnknown)` means its id was queued in
    /// another conversation of the contact (or the conversation is gone):
    /// [`App::send`] finds which. The outer error: nothing was queued. Every
    /// answer exists only after the commit (see `before_commit` in
    /// [`outbox::enqueue_texts_once`]).
    pub async fn queue_ready(
        &self,
        texts: Vec<(ReadyText, Option<KeyClaim>)>,
        before_commit: impl Future<Output = bool>,
    ) -> Result<Vec<Result<QueuedText, AppError>>, AppError> {
        let rows: Vec<outbox::TextToQueue> = texts
            .iter()
            .map(|(ready, key)| outbox::TextToQueue {
                account: ready.account,
                conversation: ready.conversation,
                id: ready.id,
                text: ready.text.clone(),
                key: key.clone(),
            })
            .collect();
        let done = outbox::enqueue_texts_once(self.store(), &rows, before_commit).await?;
        let mut changed: Vec<AccountId> = Vec::new();
        let answers = texts
            .into_iter()
            .zip(done)
            .map(|((ready, _), done)| match done {
                Ok(outbox::Queued::Message(message)) => {
                    self.fleet().kick_conversation_on(
                        ready.account,
                        message.conversation_id,
                        message.instance_id,
                    );
                    if !changed.contains(&ready.account) {
                        changed.push(ready.account);
                    }
                    Ok(QueuedText::Sent(Sent {
                        conversation: message.conversation_id,
                        instance: message.instance_id,
                        contact: ready.contact,
                        message,
                    }))
                }
                Ok(outbox::Queued::KeyUsedElsewhere) => Ok(QueuedText::KeyUsedElsewhere),
                Err(e) => Err(e.into()),
            })
            .collect();
        // What [`App::wrote`] tells after a send, once per account.
        for account in &changed {
            self.changes()
                .tables(Some(*account), &[Table::Messages, Table::Conversations]);
        }
        if !changed.is_empty() {
            self.wake_flows();
        }
        Ok(answers)
    }

    /// The conversation an operator starts with a contact or a phone (the
    /// inbox's and the contacts' "Nova conversa"): on the number chosen, or
    /// the one the contact talks to, else the account's only or first
    /// connected one; the existing conversation on that number when there
    /// is one. Nothing is sent: the operator writes in the thread. A phone
    /// the account does not know becomes a contact; refused, with nothing
    /// written, as a send is (opted out, no number, not a phone).
    pub async fn start_conversation(
        &self,
        account: AccountId,
        to: SendTo,
        from: Option<InstanceId>,
    ) -> Result<NewConversation, AppError> {
        let found = self.recipient(account, &to).await?;
        if let Some(contact) = &found {
            refuse_opted_out(contact)?;
        }
        let (instance, known) = self
            .sender_of(account, found.as_ref().map(|c| c.id), from)
            .await?;
        let contact = match (found, &to) {
            (Some(contact), _) => contact,
            (None, SendTo::Phone(raw)) => self.contact_for_phone(account, raw, None).await?.0,
            (None, SendTo::Contact(id)) => return Err(ContactError::Unknown(account, *id).into()),
        };
        refuse_opted_out(&contact)?;
        let conversation = match known {
            Some(conversation) => conversation,
            None => {
                let opened = conversations::open(self.store(), account, instance, contact.id);
                self.wrote(Some(account), &[Table::Conversations], opened)
                    .await?
            }
        };
        Ok(NewConversation {
            conversation,
            contact: contact.id,
            instance,
        })
    }

    /// The contact to send to, `None` for a phone the account has no
    /// contact for yet (checked, not created).
    async fn recipient(
        &self,
        account: AccountId,
        to: &SendTo,
    ) -> Result<Option<Contact>, AppError> {
        let store = self.store();
        let raw = match to {
            SendTo::Contact(id) => return Ok(Some(contacts::get(store, account, *id).await?)),
            SendTo::Phone(raw) => raw,
        };
        // A phone already in E.164 (what integrations send) that is a
        // contact's: their phone was checked when they were made, so the
        // phone rules (libphonenumber, ~0.4 ms a parse) are skipped.
        if is_e164(raw) {
            let natural = ContactId::from_uuid(ids::natural(account, "contact", raw));
            match contacts::get(store, account, natural).await {
                Ok(found) if found.phone == *raw => return Ok(Some(found)),
                Ok(_) | Err(ContactError::Unknown(..)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let e164 = phone::normalize(raw).map_err(ContactError::from)?;
        // A contact made from a phone has the id derived from it, unless its
        // phone was edited since: one read finds nearly every contact.
        let natural = ContactId::from_uuid(ids::natural(account, "contact", &e164));
        match contacts::get(store, account, natural).await {
            Ok(found) if found.phone == e164 => Ok(Some(found)),
            // The rare contact whose phone was edited to this one is found
            // when creating it is refused ([`App::new_contact`]); searching
            // every contact for each new phone would cost a scan per send.
            Ok(_) | Err(ContactError::Unknown(..)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The account's contact with this phone (read by the app's phone
    /// rules), created with `name` if there is none; `true` when created now.
    pub async fn contact_for_phone(
        &self,
        account: AccountId,
        raw: &str,
        name: Option<&str>,
    ) -> Result<(Contact, bool), AppError> {
        if let Some(found) = self
            .recipient(account, &SendTo::Phone(raw.to_owned()))
            .await?
        {
            return Ok((found, false));
        }
        let made = self.new_contact(account, raw, name);
        let (contact, created) = self.wrote(Some(account), &[Table::Contacts], made).await?;
        Ok((contact, created))
    }

    /// A contact known only by their phone (and maybe a name); `true` when
    /// created now, `false` when the phone turned out to be a contact's.
    async fn new_contact(
        &self,
        account: AccountId,
        raw: &str,
        name: Option<&str>,
    ) -> Result<(Contact, bool), AppError> {
        let input = ContactInput {
            phone: raw.to_owned(),
            name: name.map(str::to_owned),
        };
        match contacts::create(self.store(), account, &input).await {
            Ok(created) => Ok((created, true)),
            // A contact whose phone was edited to this one, or one created at
            // the same moment by another request for the phone.
            Err(ContactError::PhoneDuplicate(e164)) => {
                let query = ContactQuery {
                    filter: ContactFilter {
                        search: Some(e164.clone()),
                        ..ContactFilter::default()
                    },
                    offset: 0,
                    limit: contacts::PAGE_MAX,
                };
                contacts::list(self.store(), account, &query)
                    .await?
                    .items
                    .into_iter()
                    .map(|item| item.contact)
                    .find(|c| c.phone == e164)
                    .map(|c| (c, false))
                    .ok_or_else(|| ContactError::PhoneDuplicate(e164).into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The number to send from: the one asked for, else the number of the
    /// contact's most recent conversation, else the account's only number,
    /// else its first connected one; with the contact's conversation on it,
    /// if they have one.
    async fn sender_of(
        &self,
        account: AccountId,
        contact: Option<ContactId>,
        from: Option<InstanceId>,
    ) -> Result<(InstanceId, Option<ConversationId>), AppError> {
        let store = self.store();
        let theirs = match contact {
            Some(contact) => conversations::numbers_of_contact(store, account, contact).await?,
            None => Vec::new(),
        };
        let on = |number: InstanceId| {
            theirs
                .iter()
                .find(|(_, on)| *on == number)
                .map(|(id, _)| *id)
        };
        if let Some(number) = from {
            let number = instances::get(store, account, number).await?.id;
            return Ok((number, on(number)));
        }
        if let Some((last, number)) = theirs.first() {
            return Ok((*number, Some(*last)));
        }
        let numbers = instances::list(store, account).await?;
        if let [only] = numbers.as_slice() {
            return Ok((only.id, None));
        }
        numbers
            .iter()
            .find(|n| self.fleet().connected(n.id))
            .map(|n| (n.id, None))
            .ok_or_else(|| SendError::NoNumber.into())
    }

    /// Queues the content in the conversation under `id` and wakes its number.
    async fn queue(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        outgoing: &Outgoing,
    ) -> Result<Message, AppError> {
        let store = self.store();
        if let Outgoing::File(file, caption) = outgoing {
            // Through the fleet: it refuses a file for a number another
            // desktop runs (the file is kept on this one).
            self.fleet()
                .send_file(account, conversation, id, file, caption)
                .await?;
            // Queued now: this reads the row back, writing nothing.
            return Ok(outgoing
                .queue_once(store, account, conversation, id)
                .await?);
        }
        let message = outgoing
            .queue_once(store, account, conversation, id)
            .await?;
        self.fleet()
            .kick_conversation_on(account, conversation, message.instance_id);
        Ok(message)
    }

    /// The message queued earlier under `id` in one of the contact's
    /// conversations. Queuing under an id that exists writes nothing: it
    /// returns that message in its own conversation and is refused in others.
    async fn queued_elsewhere(
        &self,
        account: AccountId,
        contact: ContactId,
        id: MessageId,
        outgoing: &Outgoing,
    ) -> Result<Message, AppError> {
        let store = self.store();
        let mut refused = None;
        for conversation in conversations::of_contact(store, account, contact).await? {
            match outgoing
                .queue_once(store, account, conversation.id, id)
                .await
            {
                Ok(message) => return Ok(message),
                Err(e) => refused = Some(e),
            }
        }
        Err(refused
            .unwrap_or(InboxError::ConversationUnknown(
                account,
                ConversationId::new(),
            ))
            .into())
    }
}
