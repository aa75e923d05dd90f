//! The team from the app (issue 18): the core's team changes, reported to the
//! open screens; the accounts the operator at this desktop may see; and, with
//! sync on, the login as this desktop's operator.

use serde::Serialize;
use zapdesk_core::access::{self, AccessError, Area};
use zapdesk_core::accounts::{self, Account, AccountError};
use zapdesk_core::changes::Table;
use zapdesk_core::domain::Role;
use zapdesk_core::inbox::conversations;
use zapdesk_core::team::{self, Invitation, Login, Member, MemberEdit};
use zapdesk_core::users::UserErrorKind;
use zapdesk_core::{AccountId, ErrorCode, UserError, UserId};
use zapdesk_sync::connection::owner_options;
use zapdesk_sync::invite::{self, Invitation as RemoteInvite};
use zapdesk_sync::team as remote_team;
use zapdesk_sync::{MemberRole, RemoteStatus, SavedPassword};

use crate::{App, AppError};

/// An operator invited in the app with their login on the agency's
/// database: what they type on their desktop (Settings → Sincronização),
/// shown once, as `zapdesk-cli remote invite` prints it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InvitedLogin {
    pub member: Member,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub operator: String,
    /// `None` when the e-mail was an operator of the server already: their
    /// password stays theirs.
    pub password: Option<String>,
}

impl App {
    /// Refuses an agent what only owners and admins do; for the shell's
    /// commands whose work is not one function of the app or the core.
    pub async fn require(&self, area: Area) -> Result<(), AccessError> {
        access::require(self.store(), area).await
    }

    /// Refuses an account's data to an agent who was not given it: the
    /// desktop shell asks this before any command that names an account.
    pub async fn require_account(&self, account: AccountId) -> Result<(), AccessError> {
        access::require_account(self.store(), account).await
    }

    /// The accounts the operator at this desktop may see: all of them for
    /// owners and admins, the ones they were given for agents.
    pub async fn accounts_visible(
        &self,
        include_archived: bool,
    ) -> Result<Vec<Account>, AccountError> {
        let all = accounts::list(self.store(), include_archived).await?;
        Ok(match access::visible_accounts(self.store()).await? {
            None => all,
            Some(granted) => all
                .into_iter()
                .filter(|a| granted.contains(&a.id))
                .collect(),
        })
    }

    /// How many conversations have unread messages in the accounts the
    /// operator at this desktop may see: the window's badge (another
    /// account's chats are not theirs to count).
    pub async fn unread_visible(&self) -> Result<i64, AppError> {
        let mut unread = 0;
        for account in self.accounts_visible(false).await? {
            unread += conversations::unread(self.store(), account.id).await?;
        }
        Ok(unread)
    }

    pub async fn team_invite(&self, input: &Invitation) -> Result<Member, UserErrorKind> {
        self.wrote(None, &[Table::Users], team::invite(self.store(), input))
            .await
    }

    /// Invites an operator here and makes their login on the agency's
    /// database, as its owner (`database_url`, used for this and not kept),
    /// with a membership in each account. Checked here first, so a refusal
    /// leaves the server untouched; the server's part is one transaction.
    pub async fn team_invite_remote(
        &self,
        database_url: &str,
        input: &Invitation,
    ) -> Result<InvitedLogin, AppError> {
        team::check_invitation(self.store(), input).await?;
        let owner = owner_options(database_url)?;
        let mut local = Vec::new();
        for id in &input.accounts {
            local.push(
                accounts::get(self.store(), *id)
                    .await
                    .map_err(|e| match e {
                        AccountError::Database(e) => UserErrorKind::Database(e),
                        _ => UserErrorKind::AccountUnknown(*id),
                    })?,
            );
        }
        let role = member_role(input.role);
        let first = input.accounts.first().copied().unwrap_or_default();
        let invited = invite::invite_to(
            &owner,
            &RemoteInvite {
                email: input.email.clone(),
                display_name: input.name.clone(),
                role,
                account: first,
            },
            &input.accounts,
            &local.iter().collect::<Vec<_>>(),
        )
        .await?;
        let member = self.team_invite(input).await?;
        Ok(InvitedLogin {
            member,
            host: invited.host,
            port: invited.port,
            database: invited.database,
            operator: invited.operator,
            password: invited.password.map(|p| p.expose().to_owned()),
        })
    }

    /// Edits an operator; with sync on, their memberships on the agency's
    /// server first (as the login here, within what the server lets it
    /// manage), so a refusal there changes nothing here.
    pub async fn team_edit(&self, id: UserId, input: &MemberEdit) -> Result<Member, AppError> {
        let email = team::check_edit(self.store(), id, input).await?;
        self.on_server(&email, Some((member_role(input.role), &input.accounts)))
            .await?;
        Ok(self
            .wrote(None, &[Table::Users], team::edit(self.store(), id, input))
            .await?)
    }

    /// Removes an operator; the accounts whose conversations went back to
    /// the queue hear of it.
    pub async fn team_remove(&self, id: UserId) -> Result<(), AppError> {
        let email = team::check_remove(self.store(), id).await?;
        self.on_server(&email, None).await?;
        let removed = self
            .wrote(None, &[Table::Users], team::remove(self.store(), id))
            .await?;
        for account in removed.released {
            self.changes()
                .tables(Some(account), &[Table::Conversations]);
        }
        Ok(())
    }

    /// A team change carried to the agency's server when sync is on.
    async fn on_server(
        &self,
        email: &str,
        change: Option<(MemberRole, &[zapdesk_core::AccountId])>,
    ) -> Result<(), AppError> {
        let Some(connection) = self.sync().view().connection else {
            return Ok(());
        };
        let password = SavedPassword::of(&connection)?.load()?;
        remote_team::apply(&connection, &password, email, change).await?;
        Ok(())
    }

    /// Sync connected as `status`'s login: that operator is who uses this
    /// desktop now, with the role and accounts the server gives them.
    pub async fn adopt_login(&self, status: &RemoteStatus) -> Result<UserId, UserErrorKind> {
        let role = status
            .memberships
            .iter()
            .map(|m| match m.role {
                MemberRole::Owner => Role::Owner,
                MemberRole::Admin => Role::Admin,
                MemberRole::Agent => Role::Agent,
            })
            .min_by_key(|r| match r {
                Role::Owner => 0,
                Role::Admin => 1,
                Role::Agent => 2,
            })
            // Member of nothing yet: the least, until the server says more.
            .unwrap_or(Role::Agent);
        let login = Login {
            id: UserId::from_uuid(status.operator_id),
            name: status.display_name.clone(),
            email: status.email.clone(),
            role,
            accounts: status.memberships.iter().map(|m| m.account).collect(),
        };
        self.wrote(
            None,
            &[Table::Users, Table::Settings],
            team::adopt_login(self.store(), &login),
        )
        .await
    }

    /// At start with a saved connection whose login is this desktop's
    /// operator (connected from Settings): the login's role and accounts as
    /// the server has them now (they may have changed since "Salvar e
    /// conectar"). In the background; while the server is out of reach (or
    /// the store busy) the last ones known stay and it is tried again, 1, 2,
    /// 4 … up to 60 s apart, until it answers or the app closes: a role taken
    /// away on the server must not wait for the next start.
    pub(crate) fn refresh_login(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let mut pause = std::time::Duration::from_secs(1);
            while !app.is_closing() {
                match app.read_login_again().await {
                    Ok(()) => return,
                    Err(reason) => tracing::warn!(
                        "the login's role not read again ({reason}); trying in {}s",
                        pause.as_secs()
                    ),
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_secs(60));
            }
        });
    }

    /// One try of [`App::refresh_login`]: `Ok` when done or nothing to do
    /// (no login, no connection, no password kept), `Err` with a reason
    /// (no secret, no text of the operator's) to try again.
    async fn read_login_again(&self) -> Result<(), String> {
        if !team::me_from_login(self.store())
            .await
            .map_err(|e| format!("{:?}", e.code()))?
        {
            return Ok(());
        }
        let Some(connection) = self.sync().view().connection else {
            return Ok(());
        };
        let Ok(password) = SavedPassword::of(&connection).and_then(|s| s.load()) else {
            return Ok(());
        };
        let status = zapdesk_sync::test_connection(&connection, &password)
            .await
            .map_err(|e| format!("{:?}", e.code()))?;
        match self.adopt_login(&status).await {
            Ok(_) => Ok(()),
            // A login without a usable name or e-mail: the last identity
            // stays; trying again would be refused the same way.
            Err(e) if e.code() != ErrorCode::DatabaseFailed => Ok(()),
            Err(e) => Err(format!("{:?}", e.code())),
        }
    }

    /// Sync turned off: the operator may be picked from the list again.
    pub async fn forget_login(&self) -> Result<(), UserErrorKind> {
        self.wrote(None, &[Table::Settings], team::forget_login(self.store()))
            .await
    }
}

fn member_role(role: Role) -> MemberRole {
    match role {
        Role::Owner => MemberRole::Owner,
        Role::Admin => MemberRole::Admin,
        Role::Agent => MemberRole::Agent,
    }
}
