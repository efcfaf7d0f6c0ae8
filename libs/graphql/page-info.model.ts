import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('PageInfo', { description: 'Where a page of a connection stands (Relay cursor connections): page on by passing endCursor as `after`' })
export class PageInfoModel {
  @Field({ description: 'True when rows follow this page' }) hasNextPage: boolean;
  @Field({ description: 'True when this page was asked for `after` a cursor: rows come before it. Pages go forward only (first/after)' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true, description: "The first row's cursor; null for an empty page" }) startCursor: string | null;
  @Field(() => String, { nullable: true, description: "The last row's cursor, the `after` of the next page; null for an empty page" }) endCursor: string | null;
}

/** A page's PageInfo from its rows' cursors, for pages that go forward (first/after). */
export function forwardPageInfo(cursors: readonly string[], after: string | null | undefined, hasNextPage: boolean): PageInfoModel {
  return { hasNextPage, hasPreviousPage: Boolean(after), startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null };
}
