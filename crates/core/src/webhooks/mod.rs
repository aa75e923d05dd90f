//! Outgoing webhooks (issue 17): an account's subscriptions, the events its
//! changes queue for them in the same transaction, and the delivery log.
