import type { ReactNode } from "react";

interface Props {
  label: string;
  hint?: string;
  error?: string | null;
  children: (id: string, describedBy: string | undefined) => ReactNode;
  id: string;
}

/** A labelled form field with its hint or, when refused, the reason under it. */
export function Field({ label, hint, error, children, id }: Props) {
  const note = error ?? hint;
  const noteId = note ? `${id}-note` : undefined;
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children(id, noteId)}
      {note && (
        <p id={noteId} className={error ? "field-error" : "field-hint"} role={error ? "alert" : undefined}>
          {note}
        </p>
      )}
    </div>
  );
}
