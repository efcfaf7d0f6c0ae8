/**
 * The one source of "now". Rules of time take an instant as an argument; services ask the Clock.
 * TRACKER_NOW pins the whole system to a simulated instant (the real cutoff is in the past).
 */
export abstract class Clock {
  abstract now(): Date;
}

class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still at a set instant until told otherwise: drills, demos and tests. */
export class SimulatedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

export function clockFromConfig(trackerNow: string | undefined): Clock {
  return trackerNow ? new SimulatedClock(new Date(trackerNow)) : new SystemClock();
}
