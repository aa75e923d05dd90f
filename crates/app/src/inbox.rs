//! The inbox's operations that decide something: whose chat list, the
//! contact beside a conversation, notes signed by the desktop's operator,
//! replies and files through the number that runs the conversation.

use serde::{Deserialize, Serialize};
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, Contact};
use zapdesk_core::domain::ConversationStatus;
use zapdesk_core::inbox::InboxError;
use zapdesk_core::inbox::attachments;
use zapdesk_core::inbox::conversations::{
    self, AssigneeFilter, ConversationSummary, Cursor, ListFilter,
};
use zapdesk_core::inbox::search::{self, SearchResults};
use zapdesk_core::inbox::work::{self, Note};
use zapdesk_core::{AccountId, ConversationId, InstanceId, MessageId, users};
use zapdesk_whatsapp::fleet::FleetError;

use crate::{App, AppError};

/// A page of the chat list.
pub const PAGE: u32 = 100;

/// Whose conversations the chat list shows.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    All,
    /// Assigned to the operator using this desktop.
    Mine,
    Unassigned,
}

/// The chat list's filters.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct InboxFilter {
    pub instance: Option<InstanceId>,
    pub who: Who,
    pub status: Option<ConversationStatus>,
    /// Only the conversations a campaign opened that nobody answered yet;
    /// otherwise they are left out, so a campaign does not fill the lists.
    pub campaigns: bool,
    pub after: Option<Cursor>,
}

/// The contact beside a conversation, with all their conversations.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ContactPanel {
    pub contact: Contact,
    pub conversations: Vec<ConversationSummary>,
}

/// A file to send, as the UI read it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct AttachmentInput {
    pub name: String,
    pub mime: String,
    /// The bytes, base64.
    pub data: String,
    pub caption: Option<String>,
}

impl App {
    /// One page of the chat list, newest first. "Mine" is the conversations
    /// of the operator chosen at this desktop; none chosen yet, nothing is.
    pub async fn inbox_list(
        &self,
        account: AccountId,
        filter: InboxFilter,
    ) -> Result<Vec<ConversationSummary>, AppError> {
        let store = self.store();
        let assignee = match filter.who {
            Who::All => None,
            Who::Unassigned => Some(AssigneeFilter::Unassigned),
            Who::Mine => match users::me(store).await? {
                Some(me) => Some(AssigneeFilter::User(me.id)),
                None => return Ok(Vec::new()),
            },
        };
        let filter = ListFilter {
            instance: filter.instance,
            assignee,
            status: filter.status,
            campaign_unanswered: Some(filter.campaigns),
            after: filter.after,
            limit: PAGE,
        };
        Ok(conversations::list(store, account, &filter).await?)
    }

    /// The conversation's messages, a page before `before` (ms), newest last.
    pub async fn inbox_thread(
        &self,
        account: AccountId,
        conversation: ConversationId,
        before: Option<i64>,
    ) -> Result<Vec<zapdesk_core::domain::Message>, InboxError> {
        conversations::thread(self.store(), account, conversation, before, PAGE).await
    }

    /// The search box: contacts, messages and internal notes of the account.
    pub async fn inbox_search(
        &self,
        account: AccountId,
        text: &str,
    ) -> Result<SearchResults, InboxError> {
        search::everything(self.store(), account, text).await
    }

    /// The contact of a conversation and every conversation they have.
    pub async fn inbox_contact(
        &self,
        account: AccountId,
        conversation: ConversationId,
    ) -> Result<ContactPanel, AppError> {
        let store = self.store();
        let summary = conversations::get(store, account, conversation).await?;
        let contact = contacts::get(store, account, summary.contact_id).await?;
        let conversations = conversations::of_contact(store, account, summary.contact_id).await?;
        Ok(ContactPanel {
            contact,
            conversations,
        })
    }

    /// Queues a reply; `true` when its number is connected and it goes out
    /// now. `id` is the UI's for one press of Enviar (twice: queued once).
    pub async fn inbox_reply(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        text: &str,
    ) -> Result<bool, FleetError> {
        let sent = self.fleet().reply(account, conversation, id, text);
        self.wrote(
            Some(account),
            &[Table::Messages, Table::Conversations],
            sent,
        )
        .await
    }

    /// Queues a file, as [`App::inbox_reply`] does a text.
    pub async fn inbox_send_file(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        file: AttachmentInput,
    ) -> Result<bool, AppError> {
        let attachment = attachments::decode(&file.name, &file.mime, &file.data)?;
        let caption = file.caption.as_deref().unwrap_or("");
        let sent = self
            .fleet()
            .send_file(account, conversation, id, &attachment, caption);
        Ok(self
            .wrote(
                Some(account),
                &[Table::Messages, Table::Conversations],
                sent,
            )
            .await?)
    }

    /// Marks the conversation read here and, if its number is connected, on WhatsApp.
    pub async fn inbox_mark_read(
        &self,
        account: AccountId,
        conversation: ConversationId,
    ) -> Result<(), FleetError> {
        let read = self.fleet().mark_read(account, conversation);
        self.wrote(
            Some(account),
            &[Table::Conversations, Table::Messages],
            read,
        )
        .await
    }

    /// Adds an internal note, signed by the operator using this desktop.
    pub async fn inbox_add_note(
        &self,
        account: AccountId,
        conversation: ConversationId,
        id: MessageId,
        body: &str,
    ) -> Result<Note, AppError> {
        let store = self.store();
        let me = users::me(store).await?.map(|u| u.id);
        let added = work::add_note_once(store, account, conversation, id, me, body);
        Ok(self.wrote(Some(account), &[Table::Notes], added).await?)
    }
}
