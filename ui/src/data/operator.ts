// Who is at this desktop, for what the UI shows: an agent does not see the
// agency's settings, exports or erasure (Rust refuses them too: access.rs).
import { useCommand } from "./commands";
import type { User } from "../ipc/call";

export function useOperator(): { me: User | null; agent: boolean; manager: boolean } {
  const me = useCommand("usersMe", []).data ?? null;
  const agent = me?.role === "agent";
  return { me, agent, manager: !agent };
}
