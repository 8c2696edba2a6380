import { Migration20261125090000_foundation } from './Migration20261125090000_foundation';

/** Every migration, in order. Listed explicitly so the same list works from TypeScript and from dist/. */
export const migrationsList = [
  { name: 'Migration20261125090000_foundation', class: Migration20261125090000_foundation },
];
