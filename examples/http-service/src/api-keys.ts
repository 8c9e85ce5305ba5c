import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { DepartmentActor } from '@aftersales/domain';
import { Role } from '@aftersales/domain';

/**
 * The API-key table as a JSON file: each key (at least 32 characters, e.g. `openssl rand -hex 32`)
 * maps to the actor its holder acts as. The key is the credential; the actor is what commands carry.
 */
export const ApiKeyFile = z
  .record(z.string(), z.strictObject({ id: z.string().min(1).max(200), role: Role }))
  .superRefine((table, context) => {
    for (const key of Object.keys(table)) {
      if (key.length < 32) context.addIssue({ code: 'custom', path: [key], message: 'an API key must have at least 32 characters' });
    }
  });

/** Who a presented key acts as, or `undefined` for a key that is not in the table. */
export interface ApiKeys {
  actorOf(key: string): DepartmentActor | undefined;
}

const digest = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Keys are held by their SHA-256, so the lookup's time does not depend on how much of a guess matches a key. */
export const apiKeys = (table: Readonly<Record<string, DepartmentActor>>): ApiKeys => {
  const byDigest = new Map(Object.entries(table).map(([key, actor]) => [digest(key), { id: actor.id, role: actor.role }]));
  return { actorOf: (key) => byDigest.get(digest(key)) };
};

/** Reads and checks the table; the left names the file and what is wrong with it. */
export const loadApiKeys = (path: string): E.Either<string, ApiKeys> => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return E.left(`cannot read the API keys ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return E.left(`the API keys ${path} are not JSON: ${(error as Error).message}`);
  }
  const parsed = ApiKeyFile.safeParse(json);
  if (!parsed.success) {
    return E.left(`the API keys ${path} are malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`);
  }
  if (Object.keys(parsed.data).length === 0) return E.left(`the API keys ${path} hold no key: nobody could send a command`);
  return E.right(apiKeys(parsed.data));
};
