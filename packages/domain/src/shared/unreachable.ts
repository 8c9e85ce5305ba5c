/**
 * The `default` of a `switch` over a union's tag: it compiles only when every member has its `case`,
 * so a command or event that nobody handles fails to compile, as `.exhaustive()` would.
 */
export const unreachable = (value: never): never => value;
