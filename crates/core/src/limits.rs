//! What a person can run into, in one place. The core checks these; the UI
//! gets them in `AppInfo` (the generated bindings) for its inputs and hints
//! instead of repeating the numbers, and the bridge gets the file one.

use serde::Serialize;

/// A file sent or received: 16 MiB, WhatsApp's own limit for most media.
/// Attachments, campaign files and the media the bridge downloads use it.
pub const FILE_BYTES: usize = 16 * 1024 * 1024;

/// The lengths (in characters) and sizes (in bytes) the core accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Limits {
    pub account_name: u32,
    pub contact_name: u32,
    pub number_name: u32,
    pub tag_name: u32,
    pub segment_name: u32,
    pub field_label: u32,
    pub field_value: u32,
    pub campaign_name: u32,
    pub message_text: u32,
    pub file_bytes: u32,
}

fn n(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

pub fn limits() -> Limits {
    Limits {
        account_name: n(crate::accounts::NAME_MAX),
        contact_name: n(crate::contacts::NAME_MAX),
        number_name: n(crate::instances::NAME_MAX),
        tag_name: n(crate::tags::NAME_MAX),
        segment_name: n(crate::segments::NAME_MAX),
        field_label: n(crate::fields::LABEL_MAX),
        field_value: n(crate::fields::VALUE_MAX),
        campaign_name: n(crate::campaigns::store::NAME_MAX),
        message_text: n(crate::inbox::TEXT_MAX),
        file_bytes: n(FILE_BYTES),
    }
}
