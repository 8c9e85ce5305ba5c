import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventStoreKeyPath, keyStorePath } from './keys.js';
import type { StoreLocation } from './location.js';

const esdb = (connectionString: string): StoreLocation => ({ kind: 'esdb', connectionString });

describe('where the keys of a log are', () => {
  it('gives each EventStoreDB cluster a keys file of its own, named after its servers', () => {
    expect(eventStoreKeyPath('esdb://db1:2113')).toBe('./aftersales-db1_2113.keys.db');
    expect(eventStoreKeyPath('esdb://admin:changeit@db1:2113,db2:2113?tls=true')).toBe('./aftersales-db1_2113+db2_2113.keys.db');
    expect(eventStoreKeyPath('esdb://db1:2113')).not.toBe(eventStoreKeyPath('esdb://db2:2113'));
    expect(eventStoreKeyPath('esdb://db1:2113')).not.toBe(eventStoreKeyPath('esdb://db1:2114'));
  });

  it('keeps the same keys file for the same servers whatever the credentials, options or client', () => {
    const paths = [
      'esdb://db1:2113',
      'esdb://ops:secret@db1:2113?tls=false&nodePreference=leader',
      'kurrentdb://DB1:2113/',
    ].map(eventStoreKeyPath);
    expect(new Set(paths).size).toBe(1);
  });

  it('names a file in the working directory even for a connection string built to escape it', () => {
    for (const hostile of ['esdb://../../etc/passwd:2113', 'esdb://a\\..\\b:1', 'esdb://x y:1', 'esdb://@:1']) {
      const path = eventStoreKeyPath(hostile);
      expect(path.startsWith('./aftersales-')).toBe(true);
      expect(basename(path)).toBe(path.slice(2));
      expect(path.endsWith('.keys.db')).toBe(true);
    }
  });

  it('takes the file named, and keeps a log in memory without one', () => {
    expect(keyStorePath(esdb('esdb://db1:2113'), '/secure/keys.db')).toBe('/secure/keys.db');
    expect(keyStorePath(esdb('esdb://db1:2113'))).toBe('./aftersales-db1_2113.keys.db');
    expect(keyStorePath({ kind: 'sqlite', path: '/data/shop.db' })).toBe('/data/shop.keys.db');
    expect(keyStorePath({ kind: 'memory' })).toBeUndefined();
  });
});
