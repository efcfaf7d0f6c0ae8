import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('MilestonePlanStep')
export class MilestonePlanStepModel {
  @Field() key: string;
  @Field() name: string;
  @Field(() => Int, { description: 'IT-track target in days relative to the updates cutoff' }) itOffsetDays: number;
  @Field(() => Int, { description: 'OT-track target in days relative to the updates cutoff' }) otOffsetDays: number;
}

@ObjectType('ReminderLadder')
export class ReminderLadderModel {
  @Field(() => [Int]) stagesDaysBeforeCutoff: number[];
  @Field(() => Int) overdueEveryDays: number;
  @Field(() => Int) milestoneDueSoonDays: number;
}

@ObjectType('Programme', { description: 'A transition programme: the regulation, its instants, the milestone plan and the reminder ladder' })
export class ProgrammeModel {
  @Field(() => ID) id: string;
  @Field() key: string;
  @Field() name: string;
  @Field() regulation: string;
  @Field(() => GraphQLISODateTime) announced: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) published: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'No new agreements with US persons from this instant' }) newBusinessCutoff: Date;
  @Field(() => GraphQLISODateTime, { description: 'No signature or code updates from this instant: the cutoff countdowns run against' }) updatesCutoff: Date;
  @Field(() => Int) staleReportDays: number;
  @Field(() => [MilestonePlanStepModel]) milestonePlan: MilestonePlanStepModel[];
  @Field(() => ReminderLadderModel) reminderLadder: ReminderLadderModel;
}
