//! Which accounts' events may reach the window of this desktop's operator.
//!
//! The fleet's events (a number's status with its QR code, a new message)
//! are handed to the shell synchronously, from the fleet's own tasks, so the
//! grant cannot be read from the store there: it is kept here and read again
//! when the operator, the team or the accounts change. Nothing is heard
//! before the first read — an agent's window must never see a QR code of an
//! account not given to them, even during start-up.

use std::collections::HashSet;
use std::sync::RwLock;

use zapdesk_core::AccountId;
use zapdesk_core::access;

use crate::{App, AppError};

/// The grant as last read.
pub struct WindowGrants(RwLock<Grant>);

enum Grant {
    NotYet,
    /// `None`: every account (owners, admins, a desktop without a team).
    Known(Option<HashSet<AccountId>>),
}

impl WindowGrants {
    /// Nothing may be seen until [`WindowGrants::read_again`] has run once.
    pub const fn new() -> Self {
        WindowGrants(RwLock::new(Grant::NotYet))
    }

    /// Whether an event of `account` may reach the window.
    pub fn may_see(&self, account: AccountId) -> bool {
        match &*self.0.read().unwrap_or_else(|p| p.into_inner()) {
            Grant::NotYet => false,
            Grant::Known(None) => true,
            Grant::Known(Some(granted)) => granted.contains(&account),
        }
    }

    /// Reads again which accounts the operator at this desktop may see. On
    /// an error the last grant stays (the store is briefly busy, not the
    /// operator's rights changed).
    pub async fn read_again(&self, app: &App) -> Result<(), AppError> {
        let visible = access::visible_accounts(app.store()).await?;
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Grant::Known(visible);
        Ok(())
    }
}

impl Default for WindowGrants {
    fn default() -> Self {
        Self::new()
    }
}
