import { useState } from "react";

interface Props {
  value: number;
  onChange: (value: number) => void;
  id?: string;
  describedBy?: string;
  label?: string;
}

/** What a count's text means: a whole number ≥ 0; an empty field counts as 0. */
export function parseCount(text: string): number {
  return Math.max(0, Math.floor(Number(text) || 0));
}

/**
 * A whole number ≥ 0 that can be emptied while typing: the field keeps the
 * text as typed and reports what it means. Bound straight to the number, an
 * emptied field became "0" at once, so "45" typed after it read "045" and
 * the old value sometimes came back under the caret.
 */
export function CountInput({ value, onChange, id, describedBy, label }: Props) {
  const [text, setText] = useState(String(value));
  // Changed from outside (a reset, another screen): show the new value.
  const shown = parseCount(text) === value ? text : String(value);
  return (
    <input id={id} aria-describedby={describedBy} aria-label={label} type="number" min={0} step={1} inputMode="numeric" value={shown}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseCount(e.target.value));
      }} />
  );
}
