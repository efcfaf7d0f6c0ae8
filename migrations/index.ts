import { InitialSchema1795300000000 } from './1795300000000-InitialSchema';
import { ApiCredentials1795300000001 } from './1795300000001-ApiCredentials';

/** Every migration, in order. A migration is never edited after it lands: add a new one. */
export const MIGRATIONS = [InitialSchema1795300000000, ApiCredentials1795300000001];
