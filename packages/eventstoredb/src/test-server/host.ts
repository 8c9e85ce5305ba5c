import type { EventStoreDBTestServerOptions } from './server.js';
import { EventStoreDBTestServer } from './server.js';

/**
 * Test servers in a process of their own, driven over IPC by `remote.ts`: the servers speak with
 * `@eventstore/db-client`'s generated classes, which clash with `@kurrent/kurrentdb-client`'s in one
 * process, so a test of the 1.x client keeps its servers here.
 */
/** The options that cross the process boundary: plain data, a clock as an offset, no version as null. */
export interface HostedServerOptions extends Pick<EventStoreDBTestServerOptions, 'commitMode' | 'batchAppend' | 'maxAppendEventSize' | 'users' | 'seed'> {
  readonly serverVersion?: string | null;
  /** How far the server's clock runs ahead of the host's. */
  readonly clockOffsetMs?: number;
}

export type HostRequest =
  | { readonly id: number; readonly op: 'start'; readonly options: HostedServerOptions }
  | { readonly id: number; readonly op: 'connectionString'; readonly port: number; readonly user: string }
  | { readonly id: number; readonly op: 'roundTrips'; readonly port: number }
  | { readonly id: number; readonly op: 'close'; readonly port: number };

export type HostReply =
  | { readonly id: number; readonly port: number; readonly connectionString: string; readonly roundTrips: number }
  | { readonly id: number; readonly error: string };

const toOptions = ({ serverVersion, clockOffsetMs, ...rest }: HostedServerOptions): EventStoreDBTestServerOptions => ({
  ...rest,
  ...(serverVersion === undefined ? {} : { serverVersion: serverVersion ?? undefined }),
  ...(clockOffsetMs === undefined ? {} : { clock: () => new Date(Date.now() + clockOffsetMs) }),
});

const servers = new Map<number, EventStoreDBTestServer>();

const handle = async (request: HostRequest): Promise<HostReply> => {
  if (request.op === 'start') {
    const server = await EventStoreDBTestServer.start(toOptions(request.options));
    servers.set(server.port, server);
    return { id: request.id, port: server.port, connectionString: server.connectionStringFor(undefined, 'kurrentdb'), roundTrips: 0 };
  }
  const server = servers.get(request.port);
  if (server === undefined) throw new Error(`no test server on port ${request.port}`);
  switch (request.op) {
    case 'connectionString':
      return { id: request.id, port: server.port, connectionString: server.connectionStringFor(request.user, 'kurrentdb'), roundTrips: server.roundTrips };
    case 'roundTrips':
      return { id: request.id, port: server.port, connectionString: '', roundTrips: server.roundTrips };
    case 'close':
      await server.close();
      servers.delete(request.port);
      return { id: request.id, port: request.port, connectionString: '', roundTrips: 0 };
  }
};

process.on('message', (request: HostRequest) => {
  void handle(request)
    .catch((thrown: unknown): HostReply => ({ id: request.id, error: thrown instanceof Error ? thrown.message : String(thrown) }))
    .then((reply) => process.send?.(reply));
});
process.on('disconnect', () => {
  void Promise.all([...servers.values()].map((server) => server.close())).then(() => process.exit(0));
});
