import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('MaintenanceWindow', { description: "An OT deployment's maintenance window: when its environment may change" })
export class MaintenanceWindowModel {
  @Field(() => ID, { description: 'The OT deployment (footprint row) it belongs to' }) footprintId: string;
  @Field(() => GraphQLISODateTime, { description: 'When the window opens' }) startsAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it closes: the target of the milestones that wait for it' }) endsAt: Date;
  @Field(() => String, { nullable: true, description: 'e.g. "Unit 2 autumn outage"' }) name: string | null;
}

/** A window from its columns, or null when there is none. */
export function toMaintenanceWindowModel(
  footprintId: string | null,
  startsAt: Date | null,
  endsAt: Date | null,
  name: string | null,
): MaintenanceWindowModel | null {
  return footprintId && startsAt && endsAt ? { footprintId, startsAt, endsAt, name } : null;
}
