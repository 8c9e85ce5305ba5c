import * as E from 'fp-ts/lib/Either.js';
import type { Command, Forbidden } from '@aftersales/core';
import { forbidden } from '@aftersales/core';
import { z } from 'zod';

/** The department's roles (角色), exactly as in DOMAIN.md. */
export const Role = z.enum([
  'GeneralManager',
  'DepartmentManager',
  'AfterSalesSpecialist',
  'Finance',
  'BusinessEndpoint',
  'Auditor',
  'Department',
]);
export type Role = z.infer<typeof Role>;

export const roleNames: Readonly<Record<Role, string>> = {
  GeneralManager: '总经理',
  DepartmentManager: '售后服务部经理',
  AfterSalesSpecialist: '售后服务专员',
  Finance: '财务部',
  BusinessEndpoint: '业务端',
  Auditor: '审计',
  Department: '相关部门',
};

/**
 * The stateless half of authorization: which roles may send a command type at all. The `Auditor`
 * role is read-only and is refused everything. Identity rules that need state (the assigned
 * specialist, an endpoint acknowledging for itself) live in the deciders.
 */
export const authorizeRoles =
  <C extends Command>(allowed: Readonly<Record<C['type'], readonly Role[]>>) =>
  (command: C): E.Either<Forbidden, void> => {
    const role = command.metadata.actor.role;
    const roles: readonly Role[] = allowed[command.type as C['type']];
    if (role === 'Auditor') {
      return E.left(forbidden(`${command.type} refused: the Auditor role is read-only and may issue no command`));
    }
    if (!roles.includes(role as Role)) {
      return E.left(
        forbidden(`${command.type} refused: role ${role} may not issue it (allowed: ${roles.join(', ')})`),
      );
    }
    return E.right(undefined);
  };
