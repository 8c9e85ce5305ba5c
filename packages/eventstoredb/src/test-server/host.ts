import type { EventStoreDBTestServerOptions } from './server.js';
import { EventStoreDBTestServer } from './server.js';

/**
 * Test servers in a process of their own, driven over IPC by `remote.ts`: the servers speak with
 * `@eventstore/db-client`'s generated classes, which clash with `@kurrent/kurrentdb-client`'s in one
 * process, so a test of the 1.x client keeps its servers here.
 */
export type HostRequest =
  | { readonly id: number; readonly op: 'start'; readonly options: Pick<EventStoreDBTestServerOptions, 'commitMode' | 'serverVersion' | 'batchAppend'> }
  | { readonly id: number; readonly op: 'close'; readonly port: number };

export type HostReply = { readonly id: number; readonly port: number; readonly connectionString: string } | { readonly id: number; readonly error: string };

const servers = new Map<number, EventStoreDBTestServer>();

const handle = async (request: HostRequest): Promise<HostReply> => {
  if (request.op === 'start') {
    const server = await EventStoreDBTestServer.start(request.options);
    servers.set(server.port, server);
    return { id: request.id, port: server.port, connectionString: server.connectionStringFor(undefined, 'kurrentdb') };
  }
  await servers.get(request.port)?.close();
  servers.delete(request.port);
  return { id: request.id, port: request.port, connectionString: '' };
};

process.on('message', (request: HostRequest) => {
  void handle(request)
    .catch((thrown: unknown): HostReply => ({ id: request.id, error: thrown instanceof Error ? thrown.message : String(thrown) }))
    .then((reply) => process.send?.(reply));
});
process.on('disconnect', () => {
  void Promise.all([...servers.values()].map((server) => server.close())).then(() => process.exit(0));
});
