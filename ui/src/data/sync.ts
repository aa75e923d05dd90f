// The sync view (saved connection + engine status) lives in the query cache
// under syncStatus and is fed by Rust's `sync` event: the listener is in place
// before the first read, and a read that an event overtook gives way to the
// event. A move of the parked count refetches the parked list.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { listen } from "@tauri-apps/api/event";
import { call, commands, type SyncView } from "../ipc/call";
import { commandKey, type QueryMeta } from "./commands";

export const SYNC_VIEW_KEY = commandKey("syncStatus", []);
export const PARKED_KEY = commandKey("syncParked", []);

/**
 * Teaches `client` how to read the sync view; `listen()` subscribes to the
 * `sync` event and returns the way to stop. Reads wait for the subscription.
 */
export function syncFeed(client: QueryClient): { listen: () => () => void } {
  let heard = 0;
  let subscribed = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  client.setQueryDefaults(SYNC_VIEW_KEY, {
    queryFn: async () => {
      await ready;
      const seen = heard;
      const view = await call(commands.syncStatus());
      // An event arrived while asking: it is newer than this answer.
      return heard !== seen ? (client.getQueryData<SyncView>(SYNC_VIEW_KEY) ?? view) : view;
    },
  });
  const receive = (view: SyncView) => {
    heard++;
    const before = client.getQueryData<SyncView>(SYNC_VIEW_KEY);
    client.setQueryData(SYNC_VIEW_KEY, view);
    if ((before?.status?.parked ?? 0) !== (view.status?.parked ?? 0)) void client.invalidateQueries({ queryKey: PARKED_KEY });
  };
  return {
    listen: () => {
      let stop: (() => void) | null = null;
      let cancelled = false;
      listen<SyncView>("sync", (e) => receive(e.payload)).then((unlisten) => {
        if (cancelled) return unlisten();
        stop = unlisten;
        subscribed();
      });
      return () => {
        cancelled = true;
        stop?.();
      };
    },
  };
}

/** No store, no sync: the app already shows why it could not start, so no toast. */
const QUIET: QueryMeta = { inline: () => true };

/** The sync view kept current; undefined until the first answer. */
export function useSyncView(): SyncView | undefined {
  return useQuery<SyncView>({ queryKey: SYNC_VIEW_KEY, meta: QUIET }).data;
}
