import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostReply, HostRequest, HostedServerOptions } from './host.js';

export type { HostedServerOptions } from './host.js';

export interface RemoteTestServer {
  /** A `kurrentdb://` connection string to it (with the first user's credentials on a secure one). */
  readonly connectionString: string;
  connectionStringFor(user: string): Promise<string>;
  /** Calls the server answered so far, ServerFeatures aside. */
  roundTrips(): Promise<number>;
  close(): Promise<void>;
}

export interface TestServerHost {
  start(options?: HostedServerOptions): Promise<RemoteTestServer>;
  close(): Promise<void>;
}

/**
 * Starts a process that hosts test servers (see `host.ts`), for tests whose own process loads the
 * `@kurrent/kurrentdb-client` package.
 */
export const startTestServerHost = (): TestServerHost => {
  const hostFile = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './host.ts' : './host.js', import.meta.url));
  const child: ChildProcess = fork(hostFile, [], {
    execArgv: hostFile.endsWith('.ts') ? ['--conditions=@aftersales/source', '--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map<number, (reply: HostReply) => void>();
  child.on('message', (reply: HostReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (request: HostRequest): Promise<Extract<HostReply, { port: number }>> =>
    new Promise((resolve, reject) => {
      waiting.set(request.id, (reply) => ('error' in reply ? reject(new Error(reply.error)) : resolve(reply)));
      child.send(request);
    });
  return {
    start: async (options = {}) => {
      const started = await ask({ id: (nextId += 1), op: 'start', options });
      const { port } = started;
      return {
        connectionString: started.connectionString,
        connectionStringFor: async (user) => (await ask({ id: (nextId += 1), op: 'connectionString', port, user })).connectionString,
        roundTrips: async () => (await ask({ id: (nextId += 1), op: 'roundTrips', port })).roundTrips,
        close: async () => void (await ask({ id: (nextId += 1), op: 'close', port })),
      };
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
};
