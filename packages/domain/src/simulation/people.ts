import type { Role } from '../shared/roles.js';

/** The simulated department: who acts, in which role. */
export const actor = (id: string, role: Role) => ({ id, role });

export const generalManager = actor('GM-01', 'GeneralManager');
export const departmentManager = actor('DM-01', 'DepartmentManager');
export const finance = actor('FIN-01', 'Finance');

export const endpointIds = ['EP-01', 'EP-02', 'EP-03', 'EP-04', 'EP-05', 'EP-06'] as const;
export const endpoint = (endpointId: string) => actor(endpointId, 'BusinessEndpoint');

export const specialistIds = ['SP-01', 'SP-02', 'SP-03', 'SP-04', 'SP-05', 'SP-06'] as const;
export const specialist = (specialistId: string) => actor(specialistId, 'AfterSalesSpecialist');

/** The endpoint employees who take training and assessments on a standard. */
export const endpointStaff = (endpointId: string): string[] => [`${endpointId}-E1`, `${endpointId}-E2`, `${endpointId}-E3`];

/** The VIP service department, which relays its repair opinions as a business endpoint. */
export const vipService = actor('VIP-01', 'BusinessEndpoint');

/** The other departments of the company that fix what the after-sales department finds, and HR (人力行政部). */
export const departmentIds = ['Production', 'Design', 'Logistics'] as const;
export const department = (departmentId: string) => actor(departmentId, 'Department');
export const humanResources = actor('HR', 'Department');
