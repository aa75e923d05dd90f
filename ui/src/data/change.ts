// The payload of Rust's `changed` event: rows of `table` changed for
// `account` (null: not one account's rows, or the writer cannot tell — every
// account). Declared here until bindings.ts has it:
// replace with the generated type once bindings.ts has it
// (`export type { Change, Table } from "../ipc/bindings"`).
import type { AccountId } from "../ipc/bindings";

export type Table =
  | "accounts" | "contacts" | "tags" | "custom_fields" | "segments" | "contact_tags" | "contact_fields"
  | "instances" | "conversations" | "messages" | "notes" | "drafts" | "quick_replies" | "audit_log"
  | "campaigns" | "campaign_recipients" | "campaign_files" | "users" | "settings";

export type Change = { account: AccountId | null; table: Table };
