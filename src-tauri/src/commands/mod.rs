//! Tauri commands, one file per capability, named as the core's modules and
//! the UI's screens are (numbers, inbox, contacts, fields, segments, tags,
//! quick_replies, users, lgpd, campaigns, sync, …). Each is a delegation: take
//! the input, call the core, `?` its error. Names are `<area>_<verb>`.

pub mod about;
pub mod accounts;
pub mod api;
pub mod app;
pub mod assignment;
pub mod automation;
pub mod backup;
pub mod business_hours;
pub mod campaigns;
pub mod cloud_commands;
pub mod contacts;
pub mod desktop;
mod dialogs;
pub mod export;
pub mod fields;
pub mod flows;
pub mod import;
pub mod inbox;
pub mod keywords;
pub mod lgpd;
pub mod numbers;
pub mod pipeline;
pub mod plans;
pub mod quick_replies;
pub mod reports;
pub mod segments;
pub mod sessions;
pub mod simulator;
pub mod sync;
pub mod tags;
pub mod updates;
pub mod users;
pub mod webhooks;
