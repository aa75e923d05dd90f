import { useLayoutEffect, useRef, type ReactNode } from "react";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Extra class on the dialog box, e.g. "wide" for the import wizard. */
  className?: string;
}

// Open dialogs, innermost last: Escape closes only the one on top (a
// confirmation over a contact closes, the contact stays). Layout effects, so
// a dialog is on the stack as soon as it is on screen.
const open: object[] = [];
// One Escape closes one dialog. Between two listeners of a real key press the
// browser runs microtasks, where React may already have closed the top dialog;
// without this mark the one under it would then see itself on top and close too.
const handled = new WeakSet<Event>();

/** A dialog over the page; Escape closes it. */
export function Modal({ title, onClose, children, className }: Props) {
  const self = useRef({});
  useLayoutEffect(() => {
    const me = self.current;
    open.push(me);
    return () => {
      open.splice(open.indexOf(me), 1);
    };
  }, []);
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || handled.has(e) || open[open.length - 1] !== self.current) return;
      handled.add(e);
      onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={className ? `modal ${className}` : "modal"} role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
