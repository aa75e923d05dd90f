// The one way a form sends: stop the page reload, clear the last refusal,
// run the action, and keep what Rust refused (its code and text) for the
// form to show beside the field it concerns.
import { useState, type FormEvent } from "react";
import type { AppError } from "../ipc/call";
import { toAppError } from "../ipc/errorText";

export function useSubmit(action: () => Promise<void>): {
  submit: (e?: FormEvent) => Promise<void>;
  error: AppError | null;
  busy: boolean;
} {
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e?: FormEvent) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(toAppError(err));
    } finally {
      setBusy(false);
    }
  }
  return { submit, error, busy };
}
