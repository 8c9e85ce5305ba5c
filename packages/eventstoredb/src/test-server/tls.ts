import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The CA file to name in the connection string's `tlsCAFile`. */
  readonly caFile: string;
  readonly ca: Buffer;
  readonly key: Buffer;
  readonly certificate: Buffer;
  remove(): void;
}

/**
 * A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with the `openssl`
 * command: the client sends credentials only over TLS, so the secure test server needs one.
 */
export const makeTestCertificates = (): TestCertificates => {
  const directory = mkdtempSync(join(tmpdir(), 'aftersales-esdb-tls-'));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=aftersales test CA', '-keyout', file('ca.key'), '-out', file('ca.crt'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('node.key'), '-out', file('node.csr'));
  writeFileSync(file('node.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file('node.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('node.ext'), '-out', file('node.crt'));
  return {
    caFile: file('ca.crt'),
    ca: readFileSync(file('ca.crt')),
    key: readFileSync(file('node.key')),
    certificate: readFileSync(file('node.crt')),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
};
