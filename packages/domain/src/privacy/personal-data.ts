import type { EventStore, KeyStore, PersonalDataPolicy } from '@aftersales/core';
import { createPersonalDataTransform, withEventPipeline } from '@aftersales/core';
import { departmentUpcasting } from '../department.js';

/**
 * A phone number as it identifies a customer: digits only, with the leading `+` kept, so that
 * `138 0000 0000` and `138-0000-0000` are the same customer. Numbers written with and without a
 * country code are different customers; the department writes them one way.
 */
export const normalizePhone = (phone: string): string => {
  const trimmed = phone.trim();
  return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/[^0-9]/g, '')}`;
};

/** The identifier of the data subject a phone number names: what erasure requests name too. */
export const customerIdentifier = (phone: string): string => `phone:${normalizePhone(phone)}`;

/** The personal fields of each event that holds any: only the customer's name and phone. */
export const personalFields: Readonly<Record<string, readonly string[]>> = {
  RepairOrderReceived: ['customer.name', 'customer.phone'],
};

const phoneOf = (data: unknown): string | undefined => {
  if (typeof data !== 'object' || data === null || !('customer' in data)) return undefined;
  const customer = data.customer;
  if (typeof customer !== 'object' || customer === null || !('phone' in customer)) return undefined;
  return typeof customer.phone === 'string' ? customer.phone : undefined;
};

/**
 * The department's personal data policy: a customer is identified by their phone number, the one
 * thing every repair order carries about them; their name and phone are encrypted under that
 * customer's key. The same rule covers every schema version of `RepairOrderReceived`, as both
 * versions hold the customer in the same place.
 */
export const departmentPersonalData: PersonalDataPolicy = {
  rules: Object.entries(personalFields).map(([eventType, fields]) => ({
    eventType,
    fields,
    subject: (data: unknown) => {
      const phone = phoneOf(data);
      return phone === undefined ? undefined : customerIdentifier(phone);
    },
  })),
};

/**
 * The department's log as every reader and writer should see it: customers' names and phones
 * encrypted under their keys on the way in, decrypted (or `[erased]`) and upcast to the newest
 * shape on the way out. Give the result to `createDepartment` and to the read models; keep the raw
 * store for export, import and verification. An event that does not decrypt or decode is passed on
 * marked (`metadata.undecodable`): command handling refuses to decide on its stream
 * (`CorruptedEvent`, naming it), while the KPIs, the audit trail and the report go on and list it.
 */
export const departmentEventPipeline = (store: EventStore, keyStore: KeyStore): EventStore =>
  withEventPipeline(store, { upcasting: departmentUpcasting, transform: createPersonalDataTransform(keyStore, departmentPersonalData), undecodable: 'mark' });
