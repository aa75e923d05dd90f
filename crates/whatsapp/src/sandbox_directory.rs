//! How the Sandbox's fake WhatsApp addresses people: its "directory".
//!
//! Real WhatsApp does not address everyone by `<phone>@c.us`. Accounts made
//! before Brazil's ninth digit (2016) are still known by the old 8-digit id
//! (`551187654321@c.us` for the contact typed `+55 11 98765-4321`); people
//! who hide their number write from a LID (`<digits>@lid`), and the phone
//! behind it is known only to WhatsApp; some numbers have no WhatsApp at
//! all. The bridge resolves ids through `WPP.contact.queryExists` and
//! `WPP.contact.getPnLidEntry`; this directory is what the fake page answers
//! them from, so tests can drive each case through the real bridge.
//!
//! A phone not listed is on WhatsApp under `<phone>@c.us`, as most are.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::protocol::chat_id;
use crate::sandbox::SandboxError;

/// How WhatsApp knows one phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The phone as ZapDesk stores it (E.164, with the ninth digit).
    pub phone: String,
    /// The id WhatsApp answers for it when it is not `<phone>@c.us`
    /// (the old 8-digit id, `551187654321@c.us`).
    pub wid: Option<String>,
    /// The LID it writes from, when it hides its number (`…@lid`).
    pub lid: Option<String>,
    /// The phone has no WhatsApp.
    pub absent: bool,
}

impl Listing {
    /// The chat its messages arrive in: the LID when it has one, else its id.
    pub fn chat(&self) -> String {
        self.lid
            .clone()
            .or_else(|| self.wid.clone())
            .unwrap_or_else(|| chat_id(&self.phone))
    }
}

/// What `WPP.contact.queryExists` answers for a chat id (`None`: no WhatsApp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exists {
    pub wid: String,
    pub lid: Option<String>,
}

/// What `WPP.contact.getPnLidEntry` answers for a LID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PnLid {
    pub lid: String,
    pub phone: String,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The listings of one Sandbox number, kept in `directory.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Directory {
    /// By the phone's digits.
    listings: BTreeMap<String, Listing>,
}

impl Directory {
    pub fn load(dir: &Path) -> Result<Directory, SandboxError> {
        match std::fs::read(dir.join("directory.json")) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Directory::default()),
            Err(e) => Err(e.into()),
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, SandboxError> {
        Ok(serde_json::to_vec(self)?)
    }

    pub fn list(&mut self, listing: Listing) {
        self.listings.insert(digits(&listing.phone), listing);
    }

    /// The listing whose phone, old id or LID is `chat` (or the phone itself).
    fn find(&self, chat: &str) -> Option<&Listing> {
        let user = digits(chat.split('@').next().unwrap_or_default());
        self.listings.get(&user).or_else(|| {
            self.listings
                .values()
                .find(|l| l.wid.as_deref() == Some(chat) || l.lid.as_deref() == Some(chat))
        })
    }

    /// The chat a contact with this E.164 phone writes from.
    pub fn chat_of(&self, phone: &str) -> String {
        self.find(&chat_id(phone))
            .map(Listing::chat)
            .unwrap_or_else(|| chat_id(phone))
    }

    pub fn exists(&self, chat: &str) -> Option<Exists> {
        match self.find(chat) {
            Some(l) if l.absent => None,
            Some(l) => Some(Exists {
                wid: l.wid.clone().unwrap_or_else(|| chat_id(&l.phone)),
                lid: l.lid.clone(),
            }),
            // Groups and LIDs nobody listed are not people the fake knows.
            None if chat.ends_with("@c.us") => Some(Exists {
                wid: chat.to_owned(),
                lid: None,
            }),
            None => None,
        }
    }

    pub fn pn_of_lid(&self, lid: &str) -> Option<PnLid> {
        self.listings
            .values()
            .find(|l| l.lid.as_deref() == Some(lid))
            .map(|l| PnLid {
                lid: lid.to_owned(),
                phone: chat_id(&l.phone),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        let mut d = Directory::default();
        d.list(Listing {
            phone: "+5511987654321".into(),
            wid: Some("551187654321@c.us".into()),
            ..Default::default()
        });
        d.list(Listing {
            phone: "+5521912345678".into(),
            lid: Some("208715302051234@lid".into()),
            ..Default::default()
        });
        d.list(Listing {
            phone: "+5531999990000".into(),
            absent: true,
            ..Default::default()
        });
        d
    }

    #[test]
    fn each_kind_of_address_answers_as_whatsapp_does() {
        let d = directory();
        assert_eq!(
            d.exists("5511987654321@c.us").map(|e| e.wid).as_deref(),
            Some("551187654321@c.us"),
            "the ninth-digit id resolves to the old one"
        );
        assert_eq!(d.chat_of("+5511987654321"), "551187654321@c.us");
        assert_eq!(d.chat_of("+5521912345678"), "208715302051234@lid");
        assert_eq!(
            d.pn_of_lid("208715302051234@lid")
                .map(|p| p.phone)
                .as_deref(),
            Some("5521912345678@c.us")
        );
        assert_eq!(d.exists("5531999990000@c.us"), None, "no WhatsApp");
        assert_eq!(
            d.exists("5548988887777@c.us").map(|e| e.wid).as_deref(),
            Some("5548988887777@c.us"),
            "anyone unlisted is on WhatsApp as themselves"
        );
        assert_eq!(d.pn_of_lid("1@lid"), None);
    }
}
