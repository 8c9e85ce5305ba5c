// Workspace packages export their TypeScript sources under the `source` condition,
// so tests run against src/ without a build step.
// No `import` condition: vite would then resolve a CommonJS package's `require` of a dual package
// (pg → pg-pool) to its ES module, which the package cannot extend.
const conditions = ['source', 'node', 'default'];

export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
};
