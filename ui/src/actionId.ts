// An id for one user action that sends something (a press of Enviar): the
// backend queues once per id, so a double click, or a retry after an answer
// that got lost, never sends twice (crates/core/src/inbox/outbox.rs,
// `enqueue_text_once`). Time-ordered like the backend's own ids (UUIDv7:
// 48 bits of Unix ms, then random bits), so they land at the end of the
// messages index as Rust's do.
export function newActionId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
