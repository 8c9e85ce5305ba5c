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

/** The identifier of the data subject an employee is: what erasure requests for employees name too. */
export const employeeIdentifier = (employeeId: string): string => `employee:${employeeId}`;

/** The events that hold a customer's personal data: their name and phone. */
const customerFields: Readonly<Record<string, readonly string[]>> = {
  RepairOrderReceived: ['customer.name', 'customer.phone'],
};

/**
 * The events that hold an employee's personal data: their name, and what their leave and the care
 * they received were about, which can speak of their health or family.
 */
const employeeFields: Readonly<Record<string, readonly string[]>> = {
  EmployeeJoined: ['name'],
  LeaveRequested: ['reason'],
  CareRecorded: ['note'],
};

/** The personal fields of each event that holds any: customers' names and phones, employees' names, leave reasons and care notes. */
export const personalFields: Readonly<Record<string, readonly string[]>> = { ...customerFields, ...employeeFields };

const phoneOf = (data: unknown): string | undefined => {
  if (typeof data !== 'object' || data === null || !('customer' in data)) return undefined;
  const customer = data.customer;
  if (typeof customer !== 'object' || customer === null || !('phone' in customer)) return undefined;
  return typeof customer.phone === 'string' ? customer.phone : undefined;
};

const employeeIdOf = (data: unknown): string | undefined =>
  typeof data === 'object' && data !== null && 'employeeId' in data && typeof data.employeeId === 'string' ? data.employeeId : undefined;

/**
 * The department's personal data policy. A customer is identified by their phone number, the one
 * thing every repair order carries about them; their name and phone are encrypted under that
 * customer's key. The same rule covers every schema version of `RepairOrderReceived`, as both
 * versions hold the customer in the same place. An employee is identified by their employee id;
 * their personal fields are encrypted under that employee's key, so erasing it removes them from
 * every event at once.
 */
export const departmentPersonalData: PersonalDataPolicy = {
  rules: [
    ...Object.entries(customerFields).map(([eventType, fields]) => ({
      eventType,
      fields,
      subject: (data: unknown) => {
        const phone = phoneOf(data);
        return phone === undefined ? undefined : customerIdentifier(phone);
      },
    })),
    ...Object.entries(employeeFields).map(([eventType, fields]) => ({
      eventType,
      fields,
      subject: (data: unknown) => {
        const employeeId = employeeIdOf(data);
        return employeeId === undefined ? undefined : employeeIdentifier(employeeId);
      },
    })),
  ],
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
