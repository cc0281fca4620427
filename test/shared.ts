import * as path from 'path';

/** The shared reference folder beside the repository (seeds, CRD bundles, docs). */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', 'shared');
