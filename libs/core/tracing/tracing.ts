import { existsSync } from 'node:fs';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { Telemetry } from 'bullmq';

/**
 * OpenTelemetry traces (HTTP, GraphQL, pg, ioredis, BullMQ jobs), exported by OTLP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise nothing is
 * loaded and nothing is patched. The standard OTEL_* variables configure the rest (protocol, headers,
 * sampler). Metrics stay with Prometheus (/metrics) and logs with stdout unless OTEL_METRICS_EXPORTER
 * or OTEL_LOGS_EXPORTER ask otherwise.
 *
 * It must run before pg, ioredis, graphql and http are first required: each app's main imports its
 * `instrument.ts` first.
 */
let sdk: NodeSDK | undefined;

function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

export function startTracing(serviceName: string): void {
  // the variables may sit in .env, which the runtime reads later (reading it twice changes nothing)
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (!tracingConfigured()) return;
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  // required here, not imported above: with tracing off none of this is loaded
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? serviceName,
    instrumentations: [
      // probes and scrapes every few seconds would bury the requests
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health\/|metrics\b)/.test(request.url ?? '') }),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      new PgInstrumentation(),
      // BullMQ's workers poll Redis all the time: only commands inside a request or a job make spans
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
}

/** BullMQ's own telemetry (a span for each job added and each job processed, one trace across them), when tracing is on. */
export function bullmqTelemetry(): Telemetry | undefined {
  if (!sdk) return undefined;
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  return new BullMQOtel({ tracerName: 'bullmq' }) as unknown as Telemetry;
}

/** Sends the spans still buffered; the processes call it before they exit. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}
