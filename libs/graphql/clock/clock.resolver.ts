import { Args, Field, GraphQLISODateTime, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '@libs/access/access.decorators';
import { Clock, SimulatedClock } from '@libs/core/clock/clock';
import { ClockSync } from '@libs/core/clock/clock-sync';
import { AppError, ErrorCode } from '@libs/core/errors/app-error';

@ObjectType('ServerTime', { description: 'The instant the server takes as now' })
export class ServerTimeModel {
  @Field(() => GraphQLISODateTime, { description: 'Now, as the server takes it' }) now: Date;
  @Field({ description: 'True when the server runs at a simulated instant (TRACKER_NOW), shared by all its processes' }) simulated: boolean;
}

/** Drills run the system at a simulated instant; an admin may move it. A real clock is never movable. */
@Resolver()
export class ClockResolver {
  constructor(
    private readonly clock: Clock,
    private readonly sync: ClockSync,
  ) {}

  @Public()
  @Query(() => ServerTimeModel, { description: 'The instant the server takes as now (a simulated one in drills)' })
  serverTime(): ServerTimeModel {
    return { now: this.clock.now(), simulated: this.clock instanceof SimulatedClock };
  }

  @Allow('admin')
  @Mutation(() => ServerTimeModel, { description: 'Drills only: move the simulated clock (the server must run with TRACKER_NOW)' })
  async setSimulatedTime(@Args('at', { type: () => GraphQLISODateTime }) at: Date): Promise<ServerTimeModel> {
    if (!(this.clock instanceof SimulatedClock))
      throw new AppError(ErrorCode.FORBIDDEN, 'The server runs on the real clock; start it with TRACKER_NOW to drill');
    if (Number.isNaN(at.getTime())) throw AppError.badInput('at', 'must be an ISO-8601 instant');
    await this.sync.set(at);
    return this.serverTime();
  }
}
