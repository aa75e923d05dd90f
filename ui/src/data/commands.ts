// Queries keyed by [command, account, args] over the generated commands, and
// the one way to write: call, then refetch what the write changed. Screens
// never keep their own copies or reload counters: the cache is refreshed by
// writes here and by Rust's `changed` event (useChanges.ts).
import {
  useInfiniteQuery, useQuery, useQueryClient,
  type InfiniteData, type QueryClient, type QueryKey,
} from "@tanstack/react-query";
import { useCallback } from "react";
import { call, commands, type AccountId, type AppError } from "../ipc/call";
import type { Change, Table } from "./change";
import { AGENCY_COMMANDS, ONCE_READS, readersOf, WRITES, type CommandName, type ReadCommand, type WriteCommand } from "./tables";

// Every query runs through `call`, which only ever throws AppError.
declare module "@tanstack/react-query" {
  interface Register {
    defaultError: AppError;
  }
}

type Commands = typeof commands;
export type Params<C extends CommandName> = Parameters<Commands[C]>;
export type Data<C extends CommandName> = Awaited<ReturnType<Commands[C]>> extends infer R
  ? R extends { status: "ok"; data: infer D } ? D : never
  : never;

/** The account a call concerns (null for the agency's own commands). */
function accountOf(command: CommandName, params: readonly unknown[]): AccountId | null {
  return AGENCY_COMMANDS.has(command) ? null : (params[0] as AccountId);
}

/** `[command, account, args]`: what a change is matched against. */
export function commandKey<C extends CommandName>(command: C, params: Params<C>): QueryKey {
  const account = accountOf(command, params);
  return [command, account, account === null ? params : params.slice(1)];
}

/** Calls a command and unwraps its result (throws AppError). */
export function run<C extends CommandName>(command: C, params: Params<C>): Promise<Data<C>> {
  const fn = commands[command] as unknown as (...args: Params<C>) => Promise<never>;
  return call<Data<C>>(fn(...params));
}

export interface QueryMeta extends Record<string, unknown> {
  /** The screen shows these errors itself (beside a field); others still go to the toast. */
  inline?: (e: AppError) => boolean;
}

interface Options<C extends CommandName> {
  enabled?: boolean;
  /** Errors the screen shows itself: all (`true`) or those the test picks. */
  inline?: boolean | ((e: AppError) => boolean);
  /** Ask again on a timer, for state Rust learns without a local write (e.g. a lease elsewhere). */
  refetchInterval?: (data: Data<C> | undefined) => number | false;
  /** Shown until the first answer (e.g. the row a list already had). */
  initialData?: Data<C>;
  /** Keep the previous arguments' answer on screen while the new ones load. */
  keepPrevious?: boolean;
}

function meta(inline: Options<CommandName>["inline"]): QueryMeta {
  return { inline: inline === true ? () => true : inline || undefined };
}

export function commandQuery<C extends ReadCommand>(command: C, params: Params<C>, options: Options<C> = {}) {
  return {
    queryKey: commandKey(command, params),
    queryFn: () => run(command, params),
    enabled: options.enabled,
    refetchInterval: options.refetchInterval
      ? (query: { state: { data: Data<C> | undefined } }) => options.refetchInterval?.(query.state.data) ?? false
      : undefined,
    initialData: options.initialData,
    placeholderData: options.keepPrevious ? (previous: Data<C> | undefined) => previous : undefined,
    meta: meta(options.inline),
    // What never changes is asked once (see ONCE_READS).
    staleTime: (ONCE_READS as readonly string[]).includes(command) ? Infinity : undefined,
  };
}

/** One read command's answer, kept current. */
export function useCommand<C extends ReadCommand>(command: C, params: Params<C>, options: Options<C> = {}) {
  return useQuery(commandQuery(command, params, options));
}

/**
 * A read command asked page by page (`next` gives the arguments of the page
 * after `last`, or undefined at the end). A change refetches every loaded
 * page in order, so what is on screen stays in place.
 */
export function useCommandPages<C extends ReadCommand>(
  command: C,
  params: Params<C>,
  next: (last: Data<C>, all: Data<C>[]) => Params<C> | undefined,
) {
  return useInfiniteQuery<Data<C>, AppError, InfiniteData<Data<C>, Params<C>>, QueryKey, Params<C>>({
    queryKey: commandKey(command, params),
    queryFn: ({ pageParam }) => run(command, pageParam as Params<C>),
    initialPageParam: params,
    getNextPageParam: (last, all) => next(last, all),
    meta: meta(undefined),
  });
}

/** Does a change of `change.table` for `change.account` make the query under `key` stale? */
export function dependsOn(key: QueryKey, change: Change): boolean {
  const [command, account] = key;
  if (typeof command !== "string" || !readersOf(change.table).has(command)) return false;
  return change.account === null || account === null || account === change.account;
}

/** Refetches (on screen) or marks stale (off screen) every query the changes concern. */
export function invalidateChanges(client: QueryClient, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return Promise.resolve();
  return client.invalidateQueries({ predicate: (q) => changes.some((c) => dependsOn(q.queryKey, c)) });
}

/** The tables a write changes, for the account it was made in. */
export function changesOf(command: WriteCommand, params: readonly unknown[]): Change[] {
  const account = accountOf(command, params);
  return (WRITES[command] as readonly Table[]).map((table) => ({ account, table }));
}

/**
 * `write(command, ...args)`: sends a write and resolves once every query it
 * concerns has been fetched again, so what follows (a toast, closing a
 * dialog, revealing a row) sees the new data. Refusals are thrown as
 * AppError for the caller to show.
 */
export function useWrite() {
  const client = useQueryClient();
  return useCallback(
    async <C extends WriteCommand>(command: C, ...params: Params<C>): Promise<Data<C>> => {
      const result = await run(command, params);
      await invalidateChanges(client, changesOf(command, params));
      return result;
    },
    [client],
  );
}
