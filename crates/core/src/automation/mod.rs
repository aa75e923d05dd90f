//! What answers on its own: keyword replies and, later, conversation flows
//! (issue 15). Started with the matching rules, which are pure.

pub mod matching;
