//! What answers on its own: keyword replies and, later, conversation flows
//! (issue 15). Started with what is pure: the keyword rules, the flow
//! document and its checks.

pub mod engine;
pub mod flow;
pub mod flow_check;
pub mod matching;
