//! The bot in one conversation, from the inbox: start a flow by hand, stop
//! the bot. Each is one core call, then the flow runner is woken (a session
//! started here is stepped at once when its number runs here; on another
//! desktop, sync carries it there).

use zapdesk_core::automation::sessions::{self, HandStart};
use zapdesk_core::changes::Table;
use zapdesk_core::ids::{FlowId, SessionId};
use zapdesk_core::{AccountId, ConversationId, users};

use crate::{App, AppError};

/// What starting or stopping the bot in a conversation writes.
pub const SESSION_TABLES: &[Table] = &[Table::FlowSessions, Table::Conversations];

impl App {
    /// Starts `flow` in the conversation, on behalf of the operator using
    /// this desktop; a conversation a person owned goes back to the bot.
    pub async fn flow_start(
        &self,
        account: AccountId,
        conversation: ConversationId,
        flow: FlowId,
    ) -> Result<SessionId, AppError> {
        let store = self.store();
        let me = users::me(store).await?.map(|u| u.id);
        let started = sessions::start_by_hand(store, account, conversation, flow, me);
        let session = self.wrote(Some(account), SESSION_TABLES, started).await?;
        self.wake_flows();
        Ok(session)
    }

    /// [`App::flow_start`] under a session id the caller chose (derived from
    /// what asked for it): when the account already has that session (started
    /// before here, or on another desktop and synced), nothing is done.
    /// Whether it was started now.
    pub async fn flow_start_as(
        &self,
        account: AccountId,
        conversation: ConversationId,
        flow: FlowId,
        session: SessionId,
    ) -> Result<HandStart, AppError> {
        let store = self.store();
        let me = users::me(store).await?.map(|u| u.id);
        let started = sessions::start_by_hand_as(store, account, conversation, flow, me, session);
        let started = self.wrote(Some(account), SESSION_TABLES, started).await?;
        if started.started {
            self.wake_flows();
        }
        Ok(started)
    }

    /// Ends the conversation's session ("Parar o bot"); whether one was running.
    pub async fn flow_stop(
        &self,
        account: AccountId,
        conversation: ConversationId,
    ) -> Result<bool, AppError> {
        let stopped = sessions::stop(self.store(), account, conversation);
        Ok(self.wrote(Some(account), SESSION_TABLES, stopped).await?)
    }
}
