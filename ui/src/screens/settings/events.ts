// The events a webhook can subscribe to, grouped as the dialog shows them,
// and which of them each body format carries. `test` is not here: it is only
// ever sent by "Enviar evento de teste".
import type { EventType, WebhookFormat } from "../../ipc/call";

export type EventGroup = "messages" | "contacts" | "conversations" | "campaigns" | "flows" | "numbers";

export const EVENT_GROUPS: readonly { group: EventGroup; events: readonly EventType[] }[] = [
  { group: "messages", events: ["message.received", "message.sent", "message.status"] },
  // Tags are facts about a contact, so they sit with the contacts.
  { group: "contacts", events: ["contact.created", "contact.updated", "tag.added", "tag.removed"] },
  { group: "conversations", events: ["conversation.assigned", "conversation.resolved", "conversation.handed_off"] },
  { group: "campaigns", events: ["campaign.finished"] },
  { group: "flows", events: ["flow.completed"] },
  { group: "numbers", events: ["number.status", "number.qr"] },
];

export const SUBSCRIBABLE: readonly EventType[] = EVENT_GROUPS.flatMap((g) => g.events);

/**
 * Chosen one by one only, never by "selecionar todos" or a group's box:
 * whoever receives a number's QR code can link that number.
 */
export const SENSITIVE: readonly EventType[] = ["number.qr"];

export const FORMATS: readonly WebhookFormat[] = ["zapdesk", "evolution"];

// Evolution API's envelope has names for messages and a number's connection
// only (messages.upsert, messages.update, connection.update, qrcode.updated);
// Rust refuses a webhook in that format with any other event.
const EVOLUTION: readonly EventType[] = ["message.received", "message.sent", "message.status", "number.status", "number.qr"];

/** Whether a webhook in `format` can be sent `event`. */
export function carries(format: WebhookFormat, event: EventType): boolean {
  return format === "zapdesk" || EVOLUTION.includes(event);
}

/** The event's name in words (the delivery log, the dialog). */
export function eventKey(event: EventType) {
  return `webhooks.event.${event}` as const;
}

/** `events` in the dialog's order, so a saved list compares equal to the one opened. */
export function ordered(events: readonly EventType[]): EventType[] {
  const chosen = new Set(events);
  return [...SUBSCRIBABLE.filter((e) => chosen.has(e)), ...events.filter((e) => !SUBSCRIBABLE.includes(e))];
}
