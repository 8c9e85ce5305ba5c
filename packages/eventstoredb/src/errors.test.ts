import { describe, expect, it } from 'vitest';
import { isWorthResubscribing, toStoreError } from './errors.js';

/** An error as both clients throw them: an `Error` with the server's `type`. */
const clientError = (type: string, message = '', extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { type, ...extra });

describe('what a failed call means for the port', () => {
  it.each(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader'])('a %s error passes by itself: StoreUnavailable', (type) => {
    expect(toStoreError(clientError(type), 'Order-1')).toMatchObject({ code: 'StoreUnavailable', retryable: true });
  });

  it('connection trouble without a server error type is StoreUnavailable', () => {
    expect(toStoreError(new Error('Failed to connect'), 'Order-1')).toMatchObject({ code: 'StoreUnavailable' });
  });

  it('a node that is starting, busy or electing answers with an unknown status, which is still StoreUnavailable', () => {
    expect(toStoreError(clientError('unknown', 'Server Is Not Ready'), 'Order-1')).toMatchObject({ code: 'StoreUnavailable' });
    expect(toStoreError(clientError('unknown', 'No leader info available in response'), 'Order-1')).toMatchObject({ code: 'StoreUnavailable' });
  });

  it('an error the client does not recognize is StoreRejected, with the server’s words, and not retried', () => {
    const error = toStoreError(clientError('unknown', 'Could not recognize SomethingNew'), 'Order-1');
    expect(error).toMatchObject({ code: 'StoreRejected', message: expect.stringContaining('SomethingNew') });
    expect('retryable' in error).toBe(false);
  });

  it("KurrentDB 25.1's per-event limit, which the 6.x client does not know, is InvalidAppend", () => {
    expect(toStoreError(clientError('unknown', 'Could not recognize MaximumAppendEventSizeExceeded'), 'Order-1')).toMatchObject({ code: 'InvalidAppend' });
  });

  it('access denied is AccessDenied naming the stream, and ends a subscription', () => {
    expect(toStoreError(clientError('access-denied'), 'Payroll-1')).toMatchObject({ code: 'AccessDenied', streamId: 'Payroll-1' });
    expect(isWorthResubscribing(clientError('access-denied'))).toBe(false);
    expect(isWorthResubscribing(clientError('unavailable'))).toBe(true);
  });

  it('the 1.x client’s tombstoned stream reads as not found', () => {
    expect(toStoreError(clientError('stream-tombstoned'), 'Order-1')).toMatchObject({ code: 'StreamNotFound', streamId: 'Order-1' });
  });
});
