import './instrument';
import { onShutdown, prepareRuntime, runMain } from '@libs/boot/boot';
import { stopTracing } from '@libs/core/tracing/tracing';
import { announce } from './announce';
import { createApiApp } from './api.app';

/**
 * The GraphQL API. `--with-worker` (what `npm start` runs) also loads the worker: the single-machine
 * main job. `npm run start:api` and `npm run start:worker` run them apart for scale-out.
 */
runMain(async () => {
  const withWorker = process.argv.includes('--with-worker');
  const { runtime, infrastructure } = await prepareRuntime(withWorker ? 'tracker' : 'api');
  const app = await createApiApp(runtime, { withWorker });
  await app.listen(runtime.config.PORT, runtime.config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : runtime.config.PORT;
  await announce(app, runtime, port, withWorker);
  onShutdown(runtime, async () => {
    await app.close();
    await infrastructure.stop();
    await stopTracing();
  });
});
