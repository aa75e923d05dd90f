import type { ReactNode } from "react";

/** What a screen shows when it has nothing yet, saying honestly why. */
export function EmptyState({ title, body, badge, children }: { title: string; body: string; badge?: string; children?: ReactNode }) {
  return (
    <div className="empty">
      {badge && <span className="badge">{badge}</span>}
      <h2>{title}</h2>
      <p>{body}</p>
      {children}
    </div>
  );
}
