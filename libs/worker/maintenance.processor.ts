import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobOf, QueueName } from '@libs/jobs/queues';
import { ProgrammesService } from '@libs/programmes/programmes.service';
import { StatusService } from '@libs/status/status.service';
import { DashboardService } from '@libs/dashboard/dashboard.service';

type MaintenanceJob = JobOf<JobName.RefreshStatuses>;

@Processor(QueueName.Maintenance, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly status: StatusService,
    private readonly programmes: ProgrammesService,
    private readonly dashboard: DashboardService,
  ) {
    super();
  }

  async process(job: Job<MaintenanceJob['data'], unknown, MaintenanceJob['name']>): Promise<unknown> {
    switch (job.name) {
      case JobName.RefreshStatuses: {
        const programmes = job.data.programmeId ? [await this.programmes.get(job.data.programmeId)] : await this.programmes.list();
        let refreshed = 0;
        for (const programme of programmes) {
          refreshed += await this.status.refreshAll(programme);
          await this.dashboard.takeSnapshot(programme); // today's point of the burn-down
        }
        return { refreshed };
      }
      default:
        throw new Error(`Unknown job ${String(job.name)} on ${QueueName.Maintenance}`);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error) {
    this.logger.warn(`worker connection: ${error.message}`);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error) {
    this.logger.error(`job ${job?.name}#${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  }
}
