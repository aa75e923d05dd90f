// The one way an error becomes words on screen. Rust's refusals (AppError)
// arrive already in the person's language; anything else (a framework
// failure, a bug in the UI) is named as unexpected in the UI's language,
// never shown as a bare "Error: …".
import { translator } from "../i18n";
import { AppError } from "./call";

/** "Algo deu errado: …" in the UI's language. */
export function unexpected(detail: string): string {
  // Outside React (query callbacks, call.ts) there is no context: App keeps
  // the page's `lang` attribute on the UI language, so it is read from there.
  const lang = typeof document !== "undefined" && document.documentElement.lang === "en" ? "en" : "pt-BR";
  return translator(lang)("error.unexpected", { message: detail });
}

/** An AppError whatever was thrown, its message fit to show. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError("ipc_failed", unexpected(err instanceof Error ? err.message : String(err)));
}

/** What to tell the person about `err`. */
export function errorText(err: unknown): string {
  return toAppError(err).message;
}
