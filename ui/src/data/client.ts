// The one QueryClient of the window. Local IPC answers in milliseconds and
// Rust says what changed, so: no refetch on focus or reconnect (nothing
// outside this process changes behind our back without a `changed` event),
// no retries (a refusal is an answer, not a flake), and a screen that mounts
// asks again (as screens always did), showing the last answer meanwhile.
import { QueryCache, QueryClient } from "@tanstack/react-query";
import { toAppError, errorText } from "../ipc/errorText";
import type { QueryMeta } from "./commands";

export function createQueryClient(report: (text: string) => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (e, query) => {
        const inline = (query.meta as QueryMeta | undefined)?.inline;
        if (!inline?.(toAppError(e))) report(errorText(e));
      },
    }),
    defaultOptions: {
      queries: {
        retry: false,
        staleTime: 0,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
    },
  });
}
