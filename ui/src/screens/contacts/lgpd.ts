// The typed confirmation before erasing a contact for good.
import type { Contact } from "../../ipc/call";

const fold = (s: string) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
const digits = (s: string) => s.replace(/\D/g, "");

/**
 * True when what the person typed is the contact's name (ignoring case,
 * accents and extra spaces) or their phone's digits, with or without the
 * country code (`11987654321`, `(11) 98765-4321`, `+55 11 98765-4321`).
 */
export function eraseConfirmed(typed: string, contact: Pick<Contact, "name" | "phone">): boolean {
  if (contact.name && fold(contact.name) !== "" && fold(typed) === fold(contact.name)) return true;
  const d = digits(typed);
  const phone = digits(contact.phone);
  if (d.length < 8) return false;
  return d === phone || (phone.startsWith("55") && d === phone.slice(2));
}
