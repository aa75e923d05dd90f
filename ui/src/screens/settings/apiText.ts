// How the API's addresses and tokens are written on screen.
import type { ApiStatus } from "../../ipc/call";

/** The address the examples use: the documentation's origin, else this computer on the saved port. */
export function apiBase(status: ApiStatus | null): string {
  if (status?.docs_url) {
    try {
      return new URL(status.docs_url).origin;
    } catch {
      // Falls through to the port.
    }
  }
  return `http://127.0.0.1:${status?.port ?? 8787}`;
}

/** What is kept of the secret, to recognise it ("zdk_0193ab12…9f3c"), marked as cut where it is not. */
export function prefixText(prefix: string): string {
  return prefix.includes("…") ? prefix : `${prefix}…`;
}
