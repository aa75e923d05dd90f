// The payload of Rust's `changed` event (crates/core/src/changes.rs): rows of
// `table` changed for `account` (null: not one account's rows, or the writer
// cannot tell — every account).
export type { Change, Table } from "../ipc/bindings";
