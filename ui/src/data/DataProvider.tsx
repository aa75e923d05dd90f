// The data layer's root: one QueryClient for the window, Rust's `changed`
// event turned into refetches, and the `sync` event into the sync view.
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { createQueryClient } from "./client";
import { syncFeed } from "./sync";
import { useChanges } from "./useChanges";

export function DataProvider({ onError, children }: { onError: (text: string) => void; children: ReactNode }) {
  const report = useRef(onError);
  report.current = onError;
  const [{ client, sync }] = useState(() => {
    const client = createQueryClient((text) => report.current(text));
    return { client, sync: syncFeed(client) };
  });
  useEffect(() => sync.listen(), [sync]);
  return (
    <QueryClientProvider client={client}>
      <Changes />
      {children}
    </QueryClientProvider>
  );
}

function Changes() {
  useChanges();
  return null;
}
