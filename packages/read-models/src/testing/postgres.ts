import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `postgresql` package puts the server programs (the newest version wins). */
export const postgresServerPrograms = (): string | undefined => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export interface ThrowawayPostgres {
  /** A connection string to the `postgres` database of the cluster, as its superuser. */
  readonly url: string;
  stop(): void;
}

/**
 * A PostgreSQL cluster of its own for tests: `initdb` into a temporary folder (as the `postgres`
 * user when run as root, since the server refuses to run as root), `pg_ctl` on a free port on
 * 127.0.0.1 with trust authentication, stopped and removed by `stop()`. Needs Debian's `postgresql`
 * package; `AFTERSALES_TEST_POSTGRES_URL` points the tests at an existing server instead.
 */
export const startThrowawayPostgres = async (): Promise<ThrowawayPostgres> => {
  const bin = postgresServerPrograms();
  if (bin === undefined) {
    throw new Error('PostgreSQL server programs not found under /usr/lib/postgresql: install Debian\'s postgresql package, or set AFTERSALES_TEST_POSTGRES_URL');
  }
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-pg-'));
  chmodSync(folder, 0o777);
  const data = join(folder, 'data');
  const port = await freePort();
  const run = (program: string, args: readonly string[]) => {
    const command = asRoot ? 'runuser' : join(bin, program);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, program), ...args] : [...args];
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: folder });
    if (result.status !== 0) throw new Error(`${program} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  run('pg_ctl', ['-D', data, '-l', join(folder, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder} -c fsync=off -c max_connections=200`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
        else execFileSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
};
