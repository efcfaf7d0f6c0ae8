/**
 * The SQL condition "this version of a sector is the one in force at the instant `at`": sectors are
 * versioned reference data (valid_from inclusive, valid_to exclusive), so an agency that takes a
 * sector over from a date is a new row, and every query that names a sector's SRMA or name asks which
 * version held at its instant (the clock's, simulated or not), never `valid_to IS NULL`.
 */
export const sectorInForce = (alias: string, at: string) => `${alias}.valid_from <= ${at} AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > ${at})`;
