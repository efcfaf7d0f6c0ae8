import { startTracing } from '@libs/core/tracing/tracing';

// imported first by main.ts, so the instrumented modules are patched before anything requires them
startTracing('tracker-worker');
