import { GraphQLJSON, GraphQLLocalDate } from 'graphql-scalars';

/** Free-form JSON (audit snapshots, a planned reminder's payload): graphql-scalars' JSON. */
export const JSONScalar = GraphQLJSON;

/** A calendar date without a time zone, `YYYY-MM-DD` (a licence's end, a day of the burn-down): graphql-scalars' LocalDate. */
export const LocalDateScalar = GraphQLLocalDate;
