/**
 * Hands back one shared instance of equal strings. A read model keeps a field per event, and every
 * stored event read back (a row, a parsed JSON document) brings its own copies of the same stream ids,
 * types and actors; sharing them is what keeps a million-event read model's memory down.
 */
export interface Interner {
  string(value: string): string;
  /** The same object for every equal actor, so entries share it as they share its strings. */
  actor(id: string, role: string): { readonly id: string; readonly role: string };
}

export const createInterner = (): Interner => {
  const strings = new Map<string, string>();
  const actors = new Map<string, Map<string, { readonly id: string; readonly role: string }>>();
  const string = (value: string): string => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    strings.set(value, value);
    return value;
  };
  return {
    string,
    actor: (id, role) => {
      let byRole = actors.get(id);
      if (byRole === undefined) {
        byRole = new Map();
        actors.set(string(id), byRole);
      }
      const known = byRole.get(role);
      if (known !== undefined) return known;
      const created = { id: string(id), role: string(role) };
      byRole.set(created.role, created);
      return created;
    },
  };
};

/** One interner per read-model state: it lives and is collected with the state it serves. */
export const internerFor = (): ((state: object) => Interner) => {
  const interners = new WeakMap<object, Interner>();
  return (state) => {
    let interner = interners.get(state);
    if (interner === undefined) {
      interner = createInterner();
      interners.set(state, interner);
    }
    return interner;
  };
};
