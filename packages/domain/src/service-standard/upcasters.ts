import type { Upcaster } from '@aftersales/core';

/**
 * `StandardDrafted` v1 was written before the department kept rules, processes and tools beside its
 * service standards, so every v1 draft is a service standard; v2 says its `kind`. Data that is not
 * an object passes through unchanged and fails decoding, so a corrupted record is reported rather
 * than guessed at.
 */
export const standardDraftedV1: Upcaster = {
  eventType: 'StandardDrafted',
  fromVersion: 1,
  upcast: (data) => {
    if (typeof data !== 'object' || data === null || 'kind' in data) return data;
    return { ...data, kind: 'standard' };
  },
};

export const serviceStandardUpcasters: readonly Upcaster[] = [standardDraftedV1];
