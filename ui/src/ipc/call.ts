// The one way the UI calls Rust: unwraps the generated `{status, data|error}`
// result and throws an AppError carrying the stable code, so screens can
// branch on `error.code` (never on the text) and show `error.message`, which
// Rust already wrote in the user's language.
import type { ErrorCode, IpcError } from "./bindings";
import { unexpected } from "./errorText";

export class AppError extends Error {
  readonly code: ErrorCode | "ipc_failed";
  constructor(code: ErrorCode | "ipc_failed", message: string) {
    super(message);
    this.code = code;
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export async function call<T>(result: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await result;
  } catch (e) {
    // Framework-level failures (unknown command, bad argument) arrive as
    // strings, in English: said to be unexpected, in the UI's language.
    throw new AppError("ipc_failed", unexpected(e instanceof Error ? e.message : String(e)));
  }
  if (r.status === "error") throw new AppError(r.error.code, r.error.message);
  return r.data;
}

export { commands } from "./bindings";
export type * from "./bindings";
