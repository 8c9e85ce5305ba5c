import { existsSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { derivedKeyPath } from '@aftersales/service';
import { afterAll, describe, expect, it } from 'vitest';
import { runProgram } from './program.js';
import { scratchDirectory } from './testing.js';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

const order = JSON.stringify({
  type: 'ReceiveRepairOrder',
  data: { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  metadata: { commandId: 'receive-RO-1', actor: { id: 'EP-01', role: 'BusinessEndpoint' }, at: '2026-03-02T09:00:00+08:00' },
});

/** Runs the program in this process with the environment given to it alone, never the process's. */
const run = async (args: readonly string[], env: NodeJS.ProcessEnv, input = '') => {
  let stderr = '';
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const errors = new Writable({ write: (chunk: Buffer, _encoding, done) => ((stderr += chunk.toString()), done()) });
  const code = await runProgram(args, { stdin: Readable.from([input]), stdout: sink, stderr: errors, interactive: false, env });
  return { code, stderr };
};

describe('the keys file a command opens', () => {
  it('is the one AFTERSALES_KEYS names in the environment the command was given', async () => {
    expect(process.env['AFTERSALES_KEYS']).toBeUndefined();
    const path = scratch.file('shop.db');
    const keys = scratch.file('elsewhere.keys.db');
    const written = await run(['run', '-', '--store', `sqlite:${path}`], { AFTERSALES_KEYS: keys }, `${order}\n`);
    expect(written.code, written.stderr).toBe(0);
    expect(existsSync(keys)).toBe(true);
    expect(existsSync(derivedKeyPath(path))).toBe(false);
    const without = await run(['audit', 'trail', '--store', `sqlite:${path}`], {});
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/shop\.keys\.db is missing or empty: pass AFTERSALES_KEYS=/);
    expect((await run(['audit', 'trail', '--store', `sqlite:${path}`], { AFTERSALES_KEYS: keys })).code).toBe(0);
  });
});
