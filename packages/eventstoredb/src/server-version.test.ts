import { describe, expect, it } from 'vitest';
import { isSupportedServerVersion } from './server-version.js';

describe('the servers the adapter supports', () => {
  it.each(['23.10.0', '23.10.7', '24.2.0', '24.10.1', '25.0.0', '25.1.0-rc.1'])('%s is supported', (version) => {
    expect(isSupportedServerVersion(version)).toBe(true);
  });

  it.each(['23.6.0', '22.10.1', '21.10.9', '20.10.0', 'unknown', ''])('%s is not', (version) => {
    expect(isSupportedServerVersion(version)).toBe(false);
  });
});
