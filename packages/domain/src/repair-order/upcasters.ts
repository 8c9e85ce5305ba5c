import type { Upcaster } from '@aftersales/core';

/**
 * `RepairOrderReceived` v1 carried one `workItem`; an order can ask for several, so v2 carries
 * `workItems`. Data that is not a v1 shape passes through unchanged and fails decoding, so a
 * corrupted record is reported rather than guessed at.
 */
export const repairOrderReceivedV1: Upcaster = {
  eventType: 'RepairOrderReceived',
  fromVersion: 1,
  upcast: (data) => {
    if (typeof data !== 'object' || data === null || !('workItem' in data)) return data;
    const { workItem, ...rest } = data;
    return { ...rest, workItems: [workItem] };
  },
};

export const repairOrderUpcasters: readonly Upcaster[] = [repairOrderReceivedV1];
