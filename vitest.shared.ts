// Workspace packages export their TypeScript sources under the `source` condition,
// so tests run against src/ without a build step.
const conditions = ['source', 'node', 'import', 'module', 'default'];

export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
};
