import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('MilestonePlanStep', { description: "One step of the programme's milestone plan: its targets relative to the updates cutoff" })
export class MilestonePlanStepModel {
  @Field({ description: "A stable key (the programme's rules name milestones by it)" }) key: string;
  @Field({ description: 'Its name for people' }) name: string;
  @Field(() => Int, { description: 'IT-track target in days relative to the updates cutoff' }) itOffsetDays: number;
  @Field(() => Int, { description: 'OT-track target in days relative to the updates cutoff' }) otOffsetDays: number;
}

@ObjectType('ReminderLadder', {
  description: 'When reminders go out: countdown stages before the cutoff, then overdue ones, and how acknowledgement and snoozing hold them',
})
export class ReminderLadderModel {
  @Field(() => [Int], { description: 'Countdown stages, in days before the cutoff (e.g. 90, 60, 30, 14, 7, 3, 1, 0)' }) stagesDaysBeforeCutoff: number[];
  @Field(() => Int, { description: 'After the cutoff, an overdue stage every so many days until removal is verified' }) overdueEveryDays: number;
  @Field(() => Int, { description: "Days before a milestone's target from which it is reminded as due" }) milestoneDueSoonDays: number;
  @Field(() => Int, { description: 'An acknowledgement holds the level this long' }) acknowledgePauseDays: number;
  @Field(() => Int, { description: 'The longest snooze; a snooze never passes the cutoff' }) snoozeMaxDays: number;
  @Field(() => Int, { nullable: true, description: 'The most days an organisation may snooze in all (one snooze when null)' }) snoozeTotalMaxDays?: number;
  @Field(() => Int, { nullable: true, description: 'No snooze reaches into so many days before the cutoff (7 when null)' }) noSnoozeWithinDays?: number;
  @Field(() => Int, { nullable: true, description: 'A link in a message opens until so many days after the next reminder stage (7 when null)' })
  linkValidDaysAfterNextStage?: number;
}

@ObjectType('EscalationThresholds', { description: 'Days to the cutoff at which escalation reaches each rung' })
export class EscalationThresholdsModel {
  @Field(() => Int, { description: 'Executives and security leads join within so many days of the cutoff' }) executivesDays: number;
  @Field(() => Int, { description: 'Sector liaisons join within so many days of the cutoff' }) liaisonDays: number;
  @Field(() => Int, { description: 'The SRMA and the CISA region join so many days past the cutoff' }) agencyDaysAfter: number;
}

@ObjectType('ExtensionRules', { description: "What one extension may give and what it asks in return (after the FCC's rip-and-replace programme)" })
export class ExtensionRulesModel {
  @Field(() => Int, { description: 'The longest one grant may give, in days after the target it extends' }) maxGrantDays: number;
  @Field(() => Int, { description: 'How many extensions one milestone may be granted' }) maxGrantsPerMilestone: number;
  @Field(() => Int, { nullable: true, description: 'A status report due every so many days while extended (null: none)' }) statusReportEveryDays: number | null;
}

@ObjectType('ProgrammeRules', { description: 'What the status and escalation rules read from the programme' })
export class ProgrammeRulesModel {
  @Field({ description: 'The milestone that, verified with no footprint, means none of the product was found' }) inventoryMilestoneKey: string;
  @Field({ description: 'The milestone whose verification on every track means removal is verified' }) removalVerifiedMilestoneKey: string;
  @Field(() => Int, { description: 'A milestone not started and due within so many days is a risk' }) dueSoonDays: number;
  @Field(() => Int, { description: 'Within so many days of the cutoff, most endpoints remaining is a risk' }) cutoffNearDays: number;
  @Field(() => Float, { description: 'The share of endpoints remaining above which a near cutoff is a risk' }) laggingShare: number;
  @Field(() => EscalationThresholdsModel, { description: 'When escalation reaches each rung' }) escalation: EscalationThresholdsModel;
  @Field(() => ExtensionRulesModel, { nullable: true, description: 'Null: extensions uncapped, no status report asked' }) extensions?: ExtensionRulesModel;
}

@ObjectType('ProgrammeWording', { description: 'How messages name the programme' })
export class ProgrammeWordingModel {
  @Field({ description: 'The product as messages name it' }) product: string;
  @Field({ description: 'What the cutoff means for a copy left running' }) consequence: string;
}

@ObjectType('Programme', { description: 'A transition programme: the regulation, its instants, the milestone plan and the reminder ladder' })
export class ProgrammeModel {
  @Field(() => ID, { description: 'Unique id' }) id: string;
  @Field({ description: 'A short unique key, used by the CLI and imports' }) key: string;
  @Field({ description: 'Its name' }) name: string;
  @Field({ description: 'The regulation behind it' }) regulation: string;
  @Field(() => GraphQLLocalDate, { description: 'The day the determination was announced: a calendar date (YYYY-MM-DD), the same day in every time zone' })
  announced: string;
  @Field(() => GraphQLLocalDate, { nullable: true, description: 'The day it was published (the Federal Register): a calendar date (YYYY-MM-DD)' }) published:
    string | null;
  @Field(() => GraphQLISODateTime, { description: 'No new agreements with US persons from this instant' }) newBusinessCutoff: Date;
  @Field(() => GraphQLISODateTime, { description: 'No signature or code updates from this instant: the cutoff countdowns run against' }) updatesCutoff: Date;
  @Field(() => Int, { description: "Days after which an organisation's last report is stale" }) staleReportDays: number;
  @Field(() => [MilestonePlanStepModel], { description: "The milestones each organisation's plan is made of, in order" })
  milestonePlan: MilestonePlanStepModel[];
  @Field(() => ReminderLadderModel, { description: 'When reminders go out' }) reminderLadder: ReminderLadderModel;
  @Field(() => ProgrammeRulesModel, { description: 'Its rules and thresholds' }) rules: ProgrammeRulesModel;
  @Field(() => ProgrammeWordingModel, { description: 'How reminders name the product and the consequence' }) wording: ProgrammeWordingModel;
  @Field(() => Int, { description: 'Give it back to updateProgramme' }) version: number;
}
