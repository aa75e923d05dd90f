//! Broadcast campaigns (issue 7). This first part is the pure logic every
//! later piece builds on: the message template with variables and spintax,
//! and the pacing that protects numbers. Persistence, the sender and the UI
//! come next (see the README).

pub mod pacing;
pub mod template;
