import { useEffect, useState } from "react";

/** Wait this long after the last keystroke or click before asking Rust. */
export const DEBOUNCE_MS = 250;

/** `value`, once it has stopped changing for a moment (compared as JSON). */
export function useSettled<T>(value: T, ms = DEBOUNCE_MS): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(JSON.parse(key) as T), ms);
    return () => clearTimeout(id);
  }, [key, ms]);
  return settled;
}
