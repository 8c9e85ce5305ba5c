import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'aftersales-http-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const server = new URL('./server.ts', import.meta.url).pathname;
const key = 'a-key-of-the-department-manager-0000';
const keyFile = join(scratch, 'api-keys.json');
writeFileSync(keyFile, JSON.stringify({ [key]: { id: 'DM-01', role: 'DepartmentManager' } }));
const node = (env: Record<string, string>) =>
  spawn(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', server], {
    env: { ...process.env, AFTERSALES_DB: join(scratch, 'service.db'), PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * Sends a body that keeps coming, 64 KiB at a time, until the server answers; resolves with the
 * status and what was sent. A server that answers 413 and closes the connection may reset it before
 * the client has read the answer: that is `closed`, still before the whole body was sent.
 */
const streamUntilAnswered = (url: string) =>
  new Promise<{ status: number | 'closed'; sent: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (response) => {
      answered = true;
      response.resume();
      resolve({ status: response.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      answered = true;
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 'closed', sent });
      else reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 32);
    const write = () => {
      // 16 MiB is far past the limit: a server that buffered the body whole would still be reading.
      while (!answered && sent < 16 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (!answered) req.end();
    };
    write();
  });

describe('the HTTP service as a process', () => {
  it('listens on 127.0.0.1, refuses what it must, and stops gracefully on SIGTERM', async () => {
    const child = node({ AFTERSALES_API_KEYS: keyFile, MAX_BODY_BYTES: '4096' });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const address = await new Promise<string | undefined>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /on (http:\/\/[^ ]+)/.exec(output);
        if (match) resolve(match[1]);
      });
      child.on('exit', () => resolve(undefined));
    });
    expect(address, output).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${address}/health`)).status).toBe(200);
    expect((await fetch(`${address}/commands`, { method: 'POST', body: '{}' })).status).toBe(401);

    const oversized = await streamUntilAnswered(`${address}/commands`);
    expect([413, 'closed']).toContain(oversized.status);
    expect(oversized.sent).toBeLessThan(16 * 1024 * 1024);

    // 'close' comes after the child's output has all been read, unlike 'exit'.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).toContain('stopped');
  });

  it('does not start without an API-key table, or with a malformed one', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', server], {
        env: { ...process.env, AFTERSALES_DB: join(scratch, 'refused.db'), PORT: '0', AFTERSALES_API_KEYS: '', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const withoutKeys = spawnSync(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', server], {
      env: Object.fromEntries(Object.entries({ ...process.env, AFTERSALES_DB: join(scratch, 'refused.db'), PORT: '0' }).filter(([name]) => name !== 'AFTERSALES_API_KEYS')),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(withoutKeys.status).toBe(2);
    expect(withoutKeys.stderr).toContain('set AFTERSALES_API_KEYS');
    const short = join(scratch, 'short.json');
    writeFileSync(short, JSON.stringify({ secret: { id: 'DM-01', role: 'DepartmentManager' } }));
    const malformed = run({ AFTERSALES_API_KEYS: short });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('an API key must have at least 32 characters');
    const badRole = join(scratch, 'bad-role.json');
    writeFileSync(badRole, JSON.stringify({ [key]: { id: 'DM-01', role: 'DeptManager' } }));
    expect(run({ AFTERSALES_API_KEYS: badRole }).stderr).toContain(`${key}.role`);
  });
});
