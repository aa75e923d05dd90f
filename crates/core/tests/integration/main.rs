//! Every integration test of zapdesk-core in one binary: one link on 2 cores
//! instead of one per file (issue 14, item 6). Each module is what was a
//! file of its own; the shared setup is `support`.

// A failed setup step in a test should panic.
#![allow(clippy::unwrap_used)]

mod accounts;
mod api_tokens;
mod assignment;
mod automation_analytics;
mod automation_engine;
mod automation_engine_props;
mod automation_flows;
mod automation_flows_list;
mod automation_keywords;
mod automation_run;
mod automation_sessions;
mod automation_settings;
mod backup;
mod business_hours;
mod campaign_drafts;
mod campaign_extras;
mod campaign_pacing;
mod campaigns;
mod contacts;
mod crm;
mod import;
mod import_read;
mod import_rejected;
mod inbox;
mod inbox_search;
mod inbox_work;
mod lgpd;
mod migration_failure;
mod opt_out_clock;
mod pipeline;
mod plans;
mod reports;
mod reports_counts;
mod reports_cycles;
mod scoping;
mod segment_counts;
mod store;
mod support;
mod tags;
mod tags_folded;
mod team;
mod webhooks;
mod webhooks_events;
mod webhooks_queue;
