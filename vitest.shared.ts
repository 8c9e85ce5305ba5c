// Workspace packages export their TypeScript sources under the `@aftersales/source` condition, so
// tests run against src/ without a build step. The name is the library's own, so that a consumer's
// `source` condition never resolves into the published packages' .ts files. No `import` condition:
// vite would then resolve a CommonJS package's `require` of a dual package (pg → pg-pool) to its ES
// module, which the package cannot extend.
export const SOURCE_CONDITION = '@aftersales/source';
const conditions = [SOURCE_CONDITION, 'node', 'default'];

export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
};
