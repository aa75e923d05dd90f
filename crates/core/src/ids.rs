//! Typed identifiers. Each is a UUIDv7 (time-ordered, so new rows land at the end
//! of an index) wrapped in its own type, so an account id can never be passed
//! where a contact id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, sqlx::Type, specta::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        #[specta(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// An id read from elsewhere (the agency's server).
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// One client business of the agency.
    AccountId
);
id_type!(
    /// A person an account talks to.
    ContactId
);
id_type!(
    /// A WhatsApp number of an account.
    InstanceId
);
id_type!(
    /// A label on contacts.
    TagId
);
id_type!(
    /// A thread between a contact and one of the account's numbers.
    ConversationId
);
id_type!(
    /// One WhatsApp message, inbound or outbound.
    MessageId
);
id_type!(
    /// A broadcast to many contacts.
    CampaignId
);
id_type!(
    /// An operator of the agency.
    UserId
);
id_type!(
    /// A typed field an account adds to its contacts.
    FieldId
);
id_type!(
    /// A saved filter over an account's contacts.
    SegmentId
);
