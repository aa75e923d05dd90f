//! Tauri commands, one file per UI area. Each is a delegation: take the input,
//! call the core, map the error. Names are `<area>_<verb>`.

pub mod accounts;
pub mod app;
pub mod campaigns;
pub mod contacts;
pub mod crm;
pub mod inbox;
pub mod numbers;
pub mod sync;
pub mod tags;
pub mod team;
pub mod transfer;
